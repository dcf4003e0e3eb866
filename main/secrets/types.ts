/**
 * The two seams of main/secrets: what a secret store offers its users (main/keys,
 * main/cloud, main/session), and what the vault needs from an OS keychain (injectable, so
 * the vault logic can be tested without D-Bus).
 */

/** What a key store needs (main/keys codes against this). */
export interface SecretStore {
  /** The stored value, or null when there is none. */
  get(id: string): Promise<Buffer | null>;
  /** Stores (or replaces) a value; strings are stored as UTF-8. */
  set(id: string, value: Buffer | string): Promise<void>;
  /** True when a value was there and is now gone. */
  delete(id: string): Promise<boolean>;
  /** Ids (sorted) that start with `prefix`, or all ids. */
  list(prefix?: string): Promise<string[]>;
}

/** One secret string per (service, account) in the OS keychain. */
export interface KeychainBackend {
  getSecret(service: string, account: string): Promise<string | null>;
  setSecret(service: string, account: string, secret: string): Promise<void>;
  deleteSecret(service: string, account: string): Promise<boolean>;
}
