/** Keychain failures explained in the words of the user's platform, from the keyring library's real error texts. */
import { describe, expect, it } from 'vitest';
import { KEYRING_ENTRY_OPTIONS, classifyKeychainError, keychainUnavailable, type KeychainProblem } from '../../main/secrets';

/** Errors as @napi-rs/keyring 2.1.2 raised them on Debian 12 (see test-environment.md). */
function napiError(message: string, cause?: string): Error {
  const error = new Error(message, cause === undefined ? undefined : { cause: new Error(cause) });
  (error as { code?: string }).code = 'GenericFailure';
  return error;
}

describe('classifyKeychainError', () => {
  const cases: [string, Error, KeychainProblem][] = [
    [
      'a session bus address whose socket does not exist',
      napiError('Platform failure: DBus error: Failed to connect to socket /tmp/run/none: No such file or directory', 'Failed to connect to socket /tmp/run/none: No such file or directory'),
      'no-session',
    ],
    [
      'no DBUS_SESSION_BUS_ADDRESS at all',
      napiError('Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead'),
      'no-session',
    ],
    ['a locked keyring whose unlock prompt cannot be shown', napiError("Couldn't access platform storage: Secret Service: unlock prompt was dismissed"), 'locked'],
    [
      'a bus without a Secret Service',
      napiError('Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files'),
      'no-service',
    ],
    ['a missing native addon', new Error('Cannot find native binding. npm has a bug related to optional dependencies'), 'no-module'],
    ['anything else', napiError("Couldn't access platform storage: AccessDenied"), 'other'],
  ];
  for (const [name, error, problem] of cases) {
    it(`recognises ${name}`, () => expect(classifyKeychainError(error)).toBe(problem));
  }
});

describe('keychainUnavailable', () => {
  const problems: KeychainProblem[] = ['no-session', 'no-service', 'locked', 'not-kept', 'other'];

  it('on Linux names the Secret Service and what to start (gnome-keyring, KeePassXC)', () => {
    for (const problem of problems) {
      const error = keychainUnavailable('linux', problem);
      expect(error.code).toBe('secrets.keychain-unavailable');
      expect(error.message).toContain('Secret Service');
      expect(error.hint).toMatch(/unencrypted/);
    }
    expect(keychainUnavailable('linux', 'no-session').message).toContain('no desktop session');
    expect(keychainUnavailable('linux', 'no-session').hint).toMatch(/desktop session.*gnome-keyring.*KeePassXC/s);
    expect(keychainUnavailable('linux', 'no-service').hint).toMatch(/gnome-keyring.*KeePassXC/s);
    expect(keychainUnavailable('linux', 'locked').message).toContain('locked');
    expect(keychainUnavailable('linux', 'locked').hint).toContain('Unlock');
  });

  it('on macOS names the Keychain, on Windows the Credential Manager', () => {
    for (const problem of problems) {
      const mac = keychainUnavailable('darwin', problem);
      expect(mac.message).toContain('macOS Keychain');
      expect(mac.hint).toContain('Keychain Access');
      expect(mac.message + mac.hint).not.toMatch(/Secret Service|gnome|Credential Manager/);
      const win = keychainUnavailable('win32', problem);
      expect(win.message).toContain('Windows Credential Manager');
      expect(win.hint).toContain('Credential Manager');
      expect(win.message + win.hint).not.toMatch(/Secret Service|gnome|Keychain Access/);
    }
  });

  it('keeps the raw error as the cause, out of the message', () => {
    const raw = napiError("Couldn't access platform storage: Secret Service: unlock prompt was dismissed");
    const error = keychainUnavailable('linux', classifyKeychainError(raw), raw);
    expect(error.cause).toBe(raw);
    expect(error.toInfo()).toEqual({ code: 'secrets.keychain-unavailable', message: error.message, hint: error.hint, retryable: true });
  });
});

describe('osKeychain', () => {
  it('pins Linux to the Secret Service, so the key never lands in the kernel keyring (lost at reboot)', () => {
    expect(KEYRING_ENTRY_OPTIONS).toEqual({ linux: { store: 'secret-service' } });
  });
});
