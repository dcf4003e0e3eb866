/**
 * The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, or
 * on Linux the Secret Service (gnome-keyring, KeePassXC). Every failure becomes
 * `secrets.keychain-unavailable` with a hint for this platform; nothing falls back.
 */
import type * as Keyring from '@napi-rs/keyring';
import { classifyKeychainError, keychainUnavailable } from './errors';
import type { KeychainBackend } from './types';

/**
 * Pins Linux to the Secret Service. Without it the library silently falls back to the
 * kernel keyutils store, which forgets the vault key at reboot (and with it every secret).
 * With it, an unreachable Secret Service is an error. Other platforms ignore the option.
 */
export const KEYRING_ENTRY_OPTIONS: Keyring.EntryOptions = { linux: { store: 'secret-service' } };

type KeyringModule = typeof Keyring;
let loading: Promise<KeyringModule> | undefined;

/**
 * Loaded on first use, not at import: the native addon is per platform, and a missing one
 * must become a keychain error, not a crash of everything that imports main/secrets.
 */
function loadKeyring(): Promise<KeyringModule> {
  loading ??= import('@napi-rs/keyring').then(
    (mod) => ((mod as Partial<KeyringModule>).AsyncEntry ? mod : (mod as unknown as { default: KeyringModule }).default),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

export function osKeychain(platform: NodeJS.Platform = process.platform): KeychainBackend {
  async function withEntry<T>(service: string, account: string, use: (entry: Keyring.AsyncEntry) => Promise<T>): Promise<T> {
    try {
      const { AsyncEntry } = await loadKeyring();
      // The constructor already talks to D-Bus on Linux and throws when there is no session bus.
      return await use(new AsyncEntry(service, account, KEYRING_ENTRY_OPTIONS));
    } catch (error) {
      throw keychainUnavailable(platform, classifyKeychainError(error), error);
    }
  }
  return {
    getSecret: (service, account) => withEntry(service, account, (entry) => entry.getPassword()),
    setSecret: (service, account, secret) => withEntry(service, account, (entry) => entry.setPassword(secret)),
    deleteSecret: (service, account) => withEntry(service, account, (entry) => entry.deleteCredential()),
  };
}
