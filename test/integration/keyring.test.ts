/**
 * A real Secret Service for keychain tests: gnome-keyring in a private D-Bus session.
 * Checked from outside Porthole with libsecret's secret-tool, in separate processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeyring, type TestKeyring } from '../env/keyring';
import { run } from '../env/processes';
import { makeDir } from '../env/run-dir';

describe('test keyring', () => {
  let keyring: TestKeyring;
  beforeAll(async () => {
    keyring = await startKeyring();
  });
  afterAll(async () => {
    await keyring?.stop();
  });

  const env = () => ({ PATH: process.env['PATH'], ...keyring.env });
  const attributes = ['service', 'porthole-test', 'account', 'vault-key'];

  it('stores a secret, reads it back from another process, and deletes it', async () => {
    const stored = await run('secret-tool', ['store', '--label=Porthole test', ...attributes], { env: env(), input: 's3cr3t-value' });
    expect(stored).toMatchObject({ code: 0 });
    expect(await run('secret-tool', ['lookup', ...attributes], { env: env() })).toMatchObject({ code: 0, stdout: 's3cr3t-value' });
    expect(await run('secret-tool', ['clear', ...attributes], { env: env() })).toMatchObject({ code: 0 });
    expect((await run('secret-tool', ['lookup', ...attributes], { env: env() })).code).not.toBe(0);
  });

  it('is private: a process without this bus cannot reach the secret', async () => {
    await run('secret-tool', ['store', '--label=Porthole test', ...attributes], { env: env(), input: 'private' });
    const elsewhere = makeDir('no-bus');
    const result = await run('secret-tool', ['lookup', ...attributes], {
      env: { PATH: process.env['PATH'], HOME: elsewhere, XDG_RUNTIME_DIR: elsewhere, DBUS_SESSION_BUS_ADDRESS: `unix:path=${elsewhere}/none` },
    });
    expect(result.code).not.toBe(0);
    expect(result.stdout).not.toContain('private');
  });
});
