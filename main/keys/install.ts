/**
 * "Install on host", like ssh-copy-id: over a connection the caller already logged in
 * (usually with the password), append the public key to ~/.ssh/authorized_keys. Creates
 * ~/.ssh (0700) and the file (0600) when missing, leaves existing ones' modes alone, adds
 * nothing when the key is already there (in any line, whatever its comment or options),
 * and puts a newline first when the file's last line lacks one. The key travels on stdin,
 * never in the command line (which the server may log and `ps` shows).
 */
import type { Client } from 'ssh2';
import { PortholeError } from '../shared/errors';
import { RemoteCommandError, runRemoteCommand, type RemoteCommandResult } from '../shared/remote-command';

export interface InstallResult {
  /** False when the key was already in authorized_keys. */
  readonly added: boolean;
}

export interface InstallOptions {
  readonly timeoutMs?: number;
}

const ADDED = 'porthole-key-added';
const PRESENT = 'porthole-key-present';

/**
 * POSIX sh, run through `exec sh -c '...'` so the user's login shell (bash, zsh, fish,
 * tcsh) only has to pass it on: no single quotes or `!` inside. stdin: the key blob
 * (base64) on the first line, the whole public key line on the second.
 */
const SCRIPT = [
  'umask 077',
  'IFS= read -r blob || exit 64',
  'IFS= read -r line || exit 64',
  'dir="$HOME/.ssh"',
  'file="$dir/authorized_keys"',
  'mkdir -p "$dir" || exit 65',
  `if [ -f "$file" ] && awk -v b="$blob" "{ for (i = 1; i <= NF; i++) if (\\$i == b) f = 1 } END { exit f ? 0 : 1 }" "$file"; then echo ${PRESENT}; exit 0; fi`,
  'if [ -s "$file" ] && [ -n "$(tail -c 1 "$file")" ]; then echo >> "$file" || exit 66; fi',
  'printf "%s\\n" "$line" >> "$file" || exit 66',
  // SELinux hosts (RHEL, Fedora) need the right label or sshd ignores the file.
  'if command -v restorecon >/dev/null 2>&1; then restorecon -F "$dir" "$file" >/dev/null 2>&1; fi',
  `echo ${ADDED}`,
].join('; ');

export const INSTALL_COMMAND = `exec sh -c '${SCRIPT}'`;

/** Appends `publicKey` (an OpenSSH public key line) to the remote ~/.ssh/authorized_keys. */
export async function installPublicKey(client: Client, publicKey: string, options: InstallOptions = {}): Promise<InstallResult> {
  const match = /^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+) ([A-Za-z0-9+/]+={0,2})((?: [^\r\n]*)?)$/.exec(publicKey.trim());
  if (!match) {
    throw new PortholeError({
      code: 'keys.invalid-public-key',
      message: 'That is not an OpenSSH public key line.',
      hint: 'It should look like "ssh-ed25519 AAAA... comment".',
      retryable: false,
    });
  }
  const [, , blob] = match;
  const result = await run(client, INSTALL_COMMAND, `${blob}\n${publicKey.trim()}\n`, options.timeoutMs ?? 30_000);
  if (result.stdout.includes(ADDED)) return { added: true };
  if (result.stdout.includes(PRESENT)) return { added: false };
  const detail = result.stderr.trim().split('\n')[0] ?? '';
  throw new PortholeError({
    code: 'keys.install-failed',
    message: `The server did not add the key to ~/.ssh/authorized_keys${detail ? `: ${detail.slice(0, 200)}` : ` (exit status ${result.code ?? 'unknown'})`}.`,
    hint: 'Check that your home folder on the server is writable and not full. On servers that run commands through a restricted shell, add the key by hand.',
    retryable: false,
  });
}

async function run(client: Client, command: string, stdin: string, timeoutMs: number): Promise<RemoteCommandResult> {
  try {
    return await runRemoteCommand(client, command, stdin, timeoutMs);
  } catch (error) {
    if (error instanceof RemoteCommandError && error.kind === 'timeout') {
      throw new PortholeError({ code: 'keys.install-failed', message: `The server did not finish adding the key within ${Math.round(timeoutMs / 1000)} s.`, hint: 'Try again; the server may be overloaded.', retryable: true }, { cause: error });
    }
    if (error instanceof RemoteCommandError && error.kind === 'no-answer') {
      throw new PortholeError({ code: 'keys.install-failed', message: `The server did not start the command that adds the key: ${error.message}.`, hint: 'Try again; the server may be overloaded or not responding.', retryable: true }, { cause: error });
    }
    throw new PortholeError(
      { code: 'keys.install-failed', message: `The server refused to run the command that adds the key: ${(error as Error).message}.`, hint: 'The account may not be allowed to run commands (ForceCommand or a restricted shell); add the key by hand.', retryable: false },
      { cause: error },
    );
  }
}
