/**
 * The vault against a real Secret Service (gnome-keyring on a private D-Bus). The keyring
 * library reads the bus address from its process environment, so Porthole's side runs in
 * child processes (support/keyring-child.ts), a new one per step; libsecret's secret-tool
 * checks from outside what really is in the keyring.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VaultCipher, parseVaultStructure } from '../../main/secrets/vault-format';
import { startKeyring, type TestKeyring } from '../env/keyring';
import { run, runChecked } from '../env/processes';
import { makeDir } from '../env/run-dir';
import type { ChildJob, ChildResult } from './support/keyring-child';

const REPO = resolve(__dirname, '../..');
const CHILD = resolve(__dirname, 'support/keyring-child.ts');

const running = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all(
    [...running].map(async (child) => {
      const closed = new Promise((done) => child.once('close', done));
      child.kill('SIGKILL');
      await closed;
    }),
  );
});

/** Runs one job in a fresh Node process with the given environment and returns its answer. */
function vaultProcess(job: ChildJob, env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(job)], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      running.delete(child);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || line === '') {
        reject(new Error(`vault process exited ${code}: ${stderr.trim() || stdout.trim()}`));
        return;
      }
      resolveResult(JSON.parse(line) as ChildResult);
    });
  });
}

function expectOk(result: ChildResult): readonly (string | boolean | string[] | null)[] {
  if (!result.ok) throw new Error(`vault process failed: ${JSON.stringify(result.error)}`);
  return result.results;
}

function expectError(result: ChildResult): { code: string; message: string; hint?: string } {
  if (result.ok) throw new Error(`vault process succeeded, expected an error: ${JSON.stringify(result.results)}`);
  return result.error;
}

describe('vault with a real Secret Service', () => {
  let keyring: TestKeyring;
  beforeAll(async () => {
    keyring = await startKeyring();
  });
  afterAll(async () => {
    await keyring?.stop();
  });

  const keyringEnv = () => ({ ...process.env, ...keyring.env });
  const toolEnv = () => ({ PATH: process.env['PATH'], ...keyring.env });
  /** What the Secret Service holds for Porthole's entry, asked with libsecret, not with Porthole's code. */
  async function lookUpKey(account: string): Promise<string | null> {
    const result = await run('secret-tool', ['lookup', 'service', 'Porthole', 'username', account], { env: toolEnv() });
    return result.code === 0 ? result.stdout : null;
  }
  async function itemsFor(account: string): Promise<number> {
    const result = await run('secret-tool', ['search', '--all', 'service', 'Porthole', 'username', account], { env: toolEnv() });
    // secret-tool prints the attributes on stderr on some versions, stdout on others.
    return (`${result.stdout}\n${result.stderr}`.match(/^\[\/.*\]$/gm) ?? []).length;
  }

  /** The entry a vault file's key lives under: `<account>-<the key id the file records, in hex>`. */
  function keyAccount(file: string, account = 'vault-key'): string {
    const structure = parseVaultStructure(readFileSync(file));
    if (structure.kind !== 'ok') throw new Error(`vault file ${file} not readable: ${structure.kind}`);
    return `${account}-${structure.keyId.toString('hex')}`;
  }

  const TOKEN = 'jupyter-token-3f1c0a9b7d2e4f6a8c0e1b3d5f7a9c1e';
  const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n';

  it('stores a secret in one process, reads it in another, deletes it in a third; the key is in the Secret Service', async () => {
    const dir = makeDir('vault');
    const file = join(dir, 'vault.json');
    expect(await lookUpKey('vault-key')).toBeNull();

    expectOk(
      await vaultProcess(
        {
          dir,
          steps: [
            { op: 'set', id: 'jupyter-token:lab', value: TOKEN },
            { op: 'set', id: 'key:vm', value: KEY },
          ],
        },
        keyringEnv(),
      ),
    );

    // The vault key is really in gnome-keyring under service=Porthole (the library names the account attribute "username")...
    const stored = await lookUpKey(keyAccount(file));
    expect(stored).not.toBeNull();
    const key = Buffer.from(stored!, 'base64');
    expect(key).toHaveLength(32);
    expect(await itemsFor(keyAccount(file))).toBe(1);
    // Nothing under the old single entry name: a new vault uses named entries only.
    expect(await itemsFor('vault-key')).toBe(0);
    // ...and it is the key that encrypts the vault: decrypt the file with it, independently of Vault.
    const raw = readFileSync(file);
    const reading = new VaultCipher(key).read(raw);
    if (reading.kind !== 'ok') throw new Error(`vault file not readable with the keyring's key: ${reading.kind}`);
    expect(new VaultCipher(key).decrypt(reading.records.get('jupyter-token:lab')!)!.toString()).toBe(TOKEN);
    for (const secret of [TOKEN, KEY, stored!]) expect(raw.toString('latin1')).not.toContain(secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    expect(
      expectOk(
        await vaultProcess(
          {
            dir,
            steps: [
              { op: 'get', id: 'jupyter-token:lab' },
              { op: 'get', id: 'key:vm' },
              { op: 'list' },
            ],
          },
          keyringEnv(),
        ),
      ),
    ).toEqual([TOKEN, KEY, ['jupyter-token:lab', 'key:vm']]);

    expect(expectOk(await vaultProcess({ dir, steps: [{ op: 'delete', id: 'jupyter-token:lab' }] }, keyringEnv()))).toEqual([true]);
    expect(
      expectOk(
        await vaultProcess(
          {
            dir,
            steps: [
              { op: 'get', id: 'jupyter-token:lab' },
              { op: 'list' },
            ],
          },
          keyringEnv(),
        ),
      ),
    ).toEqual([null, ['key:vm']]);

    // One key for the vault's whole life; no temp or lock files left.
    expect(await lookUpKey(keyAccount(file))).toBe(stored);
    expect(readdirSync(dir)).toEqual(['vault.json']);
  });

  it('two processes starting at once on a new keychain entry make one key and lose no secret', async () => {
    const dir = makeDir('vault-race');
    const account = 'vault-key-race';
    const writer = (name: string): ChildJob => ({
      dir,
      account,
      parallel: true,
      steps: Array.from({ length: 15 }, (_, i) => ({ op: 'set', id: `${name}-${i}`, value: `${name} secret ${i}` }) as const),
    });
    const [a, b] = await Promise.all([vaultProcess(writer('a'), keyringEnv()), vaultProcess(writer('b'), keyringEnv())]);
    expectOk(a!);
    expectOk(b!);

    const ids = [...Array.from({ length: 15 }, (_, i) => `a-${i}`), ...Array.from({ length: 15 }, (_, i) => `b-${i}`)].sort();
    const results = expectOk(await vaultProcess({ dir, account, steps: [{ op: 'list' }, ...ids.map((id) => ({ op: 'get', id }) as const)] }, keyringEnv()));
    expect(results[0]).toEqual(ids);
    expect(results.slice(1)).toEqual(ids.map((id) => id.replace('-', ' secret ')));
    expect(await itemsFor(keyAccount(join(dir, 'vault.json'), account))).toBe(1);
    expect(readdirSync(dir)).toEqual(['vault.json']);
  });

  it('without a reachable keychain it refuses with keychain-unavailable and writes nothing', async () => {
    const dir = makeDir('vault-no-keychain');
    const nowhere = makeDir('no-bus');
    const noBus = { ...process.env, HOME: nowhere, XDG_RUNTIME_DIR: nowhere, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(nowhere, 'bus')}` };
    const unset: NodeJS.ProcessEnv = { ...noBus };
    delete unset['DBUS_SESSION_BUS_ADDRESS'];

    for (const env of [noBus, unset]) {
      const error = expectError(await vaultProcess({ dir, steps: [{ op: 'set', id: 'jupyter-token:lab', value: TOKEN }] }, env));
      expect(error.code).toBe('secrets.keychain-unavailable');
      expect(error.message).toContain('Secret Service');
      expect(error.message).toContain('no desktop session');
      expect(error.hint).toMatch(/gnome-keyring/);
      expect(error.hint).toMatch(/KeePassXC/);
      expect(error.hint).toMatch(/unencrypted/);
      expect(JSON.stringify(error)).not.toContain(TOKEN);
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('an existing vault is left untouched when the keychain is unreachable', async () => {
    const dir = makeDir('vault-then-no-keychain');
    expectOk(await vaultProcess({ dir, account: 'vault-key-kept', steps: [{ op: 'set', id: 'key:vm', value: KEY }] }, keyringEnv()));
    const before = readFileSync(join(dir, 'vault.json'));
    const nowhere = makeDir('no-bus');
    const env = { ...process.env, HOME: nowhere, XDG_RUNTIME_DIR: nowhere, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(nowhere, 'bus')}` };
    const error = expectError(await vaultProcess({ dir, account: 'vault-key-kept', steps: [{ op: 'get', id: 'key:vm' }] }, env));
    expect(error.code).toBe('secrets.keychain-unavailable');
    expect(readdirSync(dir)).toEqual(['vault.json']);
    expect(readFileSync(join(dir, 'vault.json'))).toEqual(before);
  });

  it('a vault whose key was removed from the keyring is kept aside with a clear error, then a new vault starts', async () => {
    const dir = makeDir('vault-key-lost');
    const account = 'vault-key-lost';
    expectOk(await vaultProcess({ dir, account, steps: [{ op: 'set', id: 'key:vm', value: KEY }] }, keyringEnv()));
    const oldAccount = keyAccount(join(dir, 'vault.json'), account);
    const oldKey = await lookUpKey(oldAccount);
    expect(oldKey).not.toBeNull();
    const before = readFileSync(join(dir, 'vault.json'));
    await runChecked('secret-tool', ['clear', 'service', 'Porthole', 'username', oldAccount], { env: toolEnv() });
    expect(await lookUpKey(oldAccount)).toBeNull();

    const error = expectError(await vaultProcess({ dir, account, steps: [{ op: 'get', id: 'key:vm' }] }, keyringEnv()));
    expect(error.code).toBe('secrets.vault-key-missing');
    const kept = readdirSync(dir).filter((name) => name.startsWith('vault.json.no-key-'));
    expect(kept).toHaveLength(1);
    expect(error.message).toContain(join(dir, kept[0]!));
    expect(readFileSync(join(dir, kept[0]!))).toEqual(before);
    expect(await lookUpKey(oldAccount)).toBeNull();

    expect(
      expectOk(
        await vaultProcess(
          {
            dir,
            account,
            steps: [
              { op: 'list' },
              { op: 'set', id: 'key:vm', value: 'new' },
            ],
          },
          keyringEnv(),
        ),
      ),
    ).toEqual([[], true]);
    const newKey = await lookUpKey(keyAccount(join(dir, 'vault.json'), account));
    expect(newKey).not.toBeNull();
    expect(newKey).not.toBe(oldKey);
    expect(readFileSync(join(dir, kept[0]!))).toEqual(before);
  });

  it('a locked keyring that cannot be unlocked is reported as such, and the vault is left as it was', async () => {
    const locked = await startKeyring(makeDir('keyring-locked'));
    try {
      const env = { ...process.env, ...locked.env };
      const dir = makeDir('vault-locked');
      expectOk(await vaultProcess({ dir, steps: [{ op: 'set', id: 'key:vm', value: KEY }] }, env));
      const before = readFileSync(join(dir, 'vault.json'));
      await runChecked(
        'dbus-send',
        ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets', 'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login'],
        { env: { PATH: process.env['PATH'], ...locked.env } },
      );

      // No display here, so gnome-keyring's unlock prompt cannot appear and is dismissed.
      const error = expectError(await vaultProcess({ dir, steps: [{ op: 'get', id: 'key:vm' }] }, env));
      expect(error.code).toBe('secrets.keychain-unavailable');
      expect(error.message).toContain('locked');
      expect(error.hint).toContain('Unlock');
      expect(readdirSync(dir)).toEqual(['vault.json']);
      expect(readFileSync(join(dir, 'vault.json'))).toEqual(before);
    } finally {
      await locked.stop();
    }
  });
});
