/**
 * Names of the vault records that the app and the `porthole` command share, in one place
 * so both find what the other saved.
 */

/** The notebook password of a saved host, or of a user@host:port typed on the command line. */
export function notebookPasswordId(target: { readonly profileName: string } | { readonly username: string; readonly host: string; readonly port: number }): string {
  return `jupyter-password/${'profileName' in target ? `profile:${target.profileName}` : `${target.username}@${target.host}:${target.port}`}`;
}

/** An SSH login password the user asked Porthole to remember, per saved host. */
export function sshPasswordId(profileName: string): string {
  return `ssh-password/profile:${profileName}`;
}

/** A key passphrase the user asked Porthole to remember, per key label (a vault key's name, or a file). */
export function keyPassphraseId(keyLabel: string): string {
  return `key-passphrase/${keyLabel}`;
}
