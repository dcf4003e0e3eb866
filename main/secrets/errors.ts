/**
 * The errors main/secrets reports. Messages name files and keychain entries, never a
 * secret value; hints say what the user can do next, in the words of their platform.
 */
import { PortholeError } from '../shared/errors';

/** Every code main/secrets throws (as PortholeError.code). */
export type SecretsErrorCode =
  | 'secrets.keychain-unavailable'
  | 'secrets.vault-damaged'
  | 'secrets.vault-key-missing'
  | 'secrets.vault-key-invalid'
  | 'secrets.vault-too-new'
  | 'secrets.vault-busy'
  | 'secrets.vault-io'
  | 'secrets.invalid-id';

/** Why the OS keychain could not be used, as far as its error tells. */
export type KeychainProblem = 'no-session' | 'no-service' | 'locked' | 'not-kept' | 'no-module' | 'other';

/** Sorts a raw keychain error (from @napi-rs/keyring or an injected backend) into a problem we can explain. */
export function classifyKeychainError(error: unknown): KeychainProblem {
  const text = errorText(error);
  if (/native binding|Cannot find module|MODULE_NOT_FOUND/i.test(text)) return 'no-module';
  if (/prompt was dismissed|is locked|\blocked\b|interaction is not allowed|errSecInteractionNotAllowed|user canceled/i.test(text)) return 'locked';
  if (/org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service|No such secret service|secret service.*(not|un)available/i.test(text)) return 'no-service';
  if (/DBUS_SESSION_BUS_ADDRESS|autolaunch|Failed to connect to socket|D-?Bus error/i.test(text)) return 'no-session';
  return 'other';
}

/** The text of an error and its causes (the keyring library nests the D-Bus reason in `cause`). */
function errorText(error: unknown, depth = 0): string {
  if (depth > 4 || error === null || error === undefined) return '';
  if (error instanceof Error) return `${error.message}\n${errorText((error as { cause?: unknown }).cause, depth + 1)}`;
  return typeof error === 'string' ? error : '';
}

const NO_PLAINTEXT = 'Porthole never falls back to storing secrets unencrypted.';

export function keychainUnavailable(platform: NodeJS.Platform, problem: KeychainProblem, cause?: unknown): PortholeError {
  const { message, hint } = keychainText(platform, problem);
  return new PortholeError(
    { code: 'secrets.keychain-unavailable', message, hint: `${hint} ${NO_PLAINTEXT}`, retryable: true },
    cause === undefined ? undefined : { cause },
  );
}

function keychainText(platform: NodeJS.Platform, problem: KeychainProblem): { message: string; hint: string } {
  if (problem === 'no-module') {
    return {
      message: 'Porthole could not load its keychain module on this system, so it cannot open your saved secrets.',
      hint: 'Reinstall Porthole (or run `npm ci` in a checkout) and try again.',
    };
  }
  const kept = problem === 'not-kept' ? ' The keychain accepted the key but did not return it when asked.' : '';
  switch (platform) {
    case 'darwin':
      return {
        message: `Porthole could not use your macOS Keychain, where it keeps the key to your saved secrets.${kept}`,
        hint:
          problem === 'locked'
            ? 'Unlock your login keychain (Keychain Access, or log out and in again) and allow Porthole when macOS asks, then try again.'
            : 'Open Keychain Access, check that your login keychain exists and is unlocked, and allow Porthole when macOS asks; then try again.',
      };
    case 'win32':
      return {
        message: `Porthole could not use Windows Credential Manager, where it keeps the key to your saved secrets.${kept}`,
        hint: 'Open Credential Manager (Control Panel > Credential Manager > Windows Credentials) to check it works for your account, and run Porthole as yourself rather than as a service; then try again.',
      };
    default:
      return linuxText(problem, kept);
  }
}

function linuxText(problem: KeychainProblem, kept: string): { message: string; hint: string } {
  const base = 'Porthole could not reach your system keyring (the Secret Service), where it keeps the key to your saved secrets';
  const providers = 'gnome-keyring (package gnome-keyring), or KeePassXC with "Secret Service integration" enabled';
  switch (problem) {
    case 'no-session':
      return {
        message: `${base}: there is no desktop session (no D-Bus session bus).`,
        hint: `Run Porthole from your desktop session, not over plain SSH or as a system service. On a machine without a desktop, start a D-Bus session (dbus-run-session) with a Secret Service in it: ${providers}. Then try again.`,
      };
    case 'no-service':
      return { message: `${base}: no Secret Service is running in your session.`, hint: `Install and start one: ${providers}. Then try again.` };
    case 'locked':
      return {
        message: `${base}: the keyring is locked and could not be unlocked.`,
        hint: 'Unlock your login keyring (Passwords and Keys / Seahorse, KeePassXC, or log out and in again) and try again.',
      };
    default:
      return {
        message: `${base}.${kept}`,
        hint: `Make sure you are in a desktop session with a running, unlocked Secret Service: ${providers}. Then try again.`,
      };
  }
}

/** Why a vault file cannot be read with the key in the keychain. */
export type DamageReason = 'unparseable' | 'wrong-key' | 'tampered';

const DAMAGE_TEXT: Record<DamageReason, string> = {
  unparseable: 'is not a readable Porthole vault (it is cut short or not valid)',
  'wrong-key': 'was encrypted with a different key than the one in your keychain',
  tampered: 'failed its integrity check (it was changed or damaged outside Porthole)',
};

export function vaultDamaged(file: string, keptAs: string, reason: DamageReason): PortholeError {
  return new PortholeError({
    code: 'secrets.vault-damaged',
    message: `Porthole's vault ${file} ${DAMAGE_TEXT[reason]}, so the secrets in it cannot be read. The file was kept as ${keptAs}.`,
    hint: 'Porthole starts a new, empty vault: add your keys and passwords again. Keep the old file if you may restore a backup of it.',
    retryable: true,
  });
}

export function vaultKeyMissing(file: string, keptAs: string, service: string, account: string): PortholeError {
  return new PortholeError({
    code: 'secrets.vault-key-missing',
    message: `The key to Porthole's vault ${file} is not in your keychain (entry "${service}" / "${account}"), so the secrets in it cannot be read on this computer. The file was kept as ${keptAs}.`,
    hint: 'If you moved to a new computer or reset your keychain, add your keys and passwords again: Porthole starts a new vault. If you can restore the old keychain entry, do so and move the kept file back to vault.json.',
    retryable: true,
  });
}

export function vaultKeyInvalid(service: string, account: string): PortholeError {
  return new PortholeError({
    code: 'secrets.vault-key-invalid',
    message: `The keychain entry "${service}" / "${account}" does not hold a Porthole vault key, so Porthole cannot open your saved secrets.`,
    hint: 'Another program may have written that entry. Remove it from your keychain (keep a copy if unsure) and try again; Porthole then starts a new vault.',
    retryable: false,
  });
}

export function vaultTooNew(file: string, version: number): PortholeError {
  return new PortholeError({
    code: 'secrets.vault-too-new',
    message: `Porthole's vault ${file} was written by a newer version of Porthole (format ${version}).`,
    hint: 'Update Porthole to use your saved secrets. The file was left unchanged.',
    retryable: false,
  });
}

export function vaultBusy(file: string): PortholeError {
  return new PortholeError({
    code: 'secrets.vault-busy',
    message: `Another Porthole process kept the vault ${file} locked.`,
    hint: 'Try again in a moment. If it keeps happening, close other Porthole windows and `porthole` commands.',
    retryable: true,
  });
}

export function vaultIo(file: string, action: 'read' | 'save', cause: unknown): PortholeError {
  const code = (cause as { code?: unknown } | null)?.code;
  const detail = typeof code === 'string' ? ` (${code})` : '';
  return new PortholeError(
    {
      code: 'secrets.vault-io',
      message: `Porthole could not ${action} its vault ${file}${detail}.`,
      hint: 'Check that the folder belongs to you and that the disk is not full, then try again.',
      retryable: true,
    },
    { cause },
  );
}

export function invalidSecretId(): PortholeError {
  return new PortholeError({
    code: 'secrets.invalid-id',
    message: 'A secret id must be 1 to 512 characters long, without control characters.',
    retryable: false,
  });
}
