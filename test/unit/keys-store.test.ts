/**
 * KeyStore over an in-memory SecretStore (the vault's interface): names are unique, lists
 * never carry private material, keys kept by path are never copied and are re-read at each
 * login, and generated keys with a passphrase keep asking for it.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utils } from 'ssh2';
import { generateKey, importKey, KeyStore } from '../../main/keys';
import type { SecretStore } from '../../main/secrets/types';
import { PortholeError } from '../../main/shared/errors';
import { fingerprintOf } from '../env/keys';
import { runChecked } from '../env/processes';

/** RSA generation and bcrypt/Argon2 key derivation take seconds when the other test files load both cores. */
const SLOW = { timeout: 30_000 };

/** The SecretStore contract in memory; values are copied in and out like a real store. */
class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, Buffer>();
  async get(id: string) {
    const value = this.values.get(id);
    return value ? Buffer.from(value) : null;
  }
  async set(id: string, value: Buffer | string) {
    this.values.set(id, Buffer.from(value));
  }
  async delete(id: string) {
    return this.values.delete(id);
  }
  async list(prefix = '') {
    return [...this.values.keys()].filter((id) => id.startsWith(prefix)).sort();
  }
  /** Everything stored, as one string, to search for key material. */
  dump(): string {
    return [...this.values.values()].map((v) => v.toString('latin1')).join('\n');
  }
}

const PASSPHRASE = 'store test pass';
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-keys-store-'));
  await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'plain', '-f', join(dir, 'plain')]);
  await runChecked('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', PASSPHRASE, '-f', join(dir, 'aws.pem')]);
  writeFileSync(join(dir, 'pass'), PASSPHRASE);
  await runChecked('puttygen', ['-q', '-t', 'ecdsa', '-b', '256', '-o', join(dir, 'lab.ppk'), '--new-passphrase', join(dir, 'pass')]);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<PortholeError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  if (!(error instanceof PortholeError)) throw error;
  return error;
}

const never = async () => {
  throw new Error('should not ask for a passphrase');
};

describe('KeyStore', SLOW, () => {
  it('adds, lists (public facts only), gives the public key and a private key ssh2 logs in with, and removes', async () => {
    const secrets = new MemorySecretStore();
    const store = new KeyStore(secrets);
    const imported = await importKey({ path: join(dir, 'aws.pem') }, { passphrase: PASSPHRASE });
    const entry = await store.add('aws-gpu', imported);
    expect(entry).toMatchObject({ name: 'aws-gpu', type: 'ssh-rsa', bits: 2048, source: 'vault', format: 'pem', needsPassphrase: false });
    expect(entry.fingerprint).toBe(await fingerprintOf(join(dir, 'aws.pem.pub')));

    const list = await store.list();
    expect(list.map((e) => e.name)).toEqual(['aws-gpu']);
    expect(JSON.stringify(list)).not.toMatch(/PRIVATE KEY/);
    expect(JSON.stringify(list)).not.toContain(imported.privateKey.toString('utf8').split('\n')[1]!.slice(0, 30));
    expect(await store.publicKey('aws-gpu')).toBe(imported.publicKey);

    const privateKey = await store.privateKeyForLogin('aws-gpu', never);
    const parsed = utils.parseKey(privateKey);
    if (parsed instanceof Error) throw parsed;
    expect(parsed.getPublicSSH().toString('base64')).toBe(imported.publicKey.split(' ')[1]);

    await store.remove('aws-gpu');
    expect(await store.list()).toEqual([]);
    expect(secrets.values.size).toBe(0);
  });

  it('refuses a second key of the same name (in any case), and the same key twice', async () => {
    const store = new KeyStore(new MemorySecretStore());
    const first = await importKey({ path: join(dir, 'plain') });
    const other = await generateKey();
    await store.add('Lab', first);
    expect((await rejection(store.add('lab', other))).code).toBe('keys.name-taken');
    expect((await rejection(store.add('  Lab ', other))).code).toBe('keys.name-taken');
    const again = await rejection(store.add('lab-copy', first));
    expect(again.code).toBe('keys.already-added');
    expect(again.message).toContain('"Lab"');
    // Two adds racing for one name: exactly one wins.
    const results = await Promise.allSettled([store.add('race', other), store.add('RACE', await generateKey())]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('says keys.not-found for unknown names, and keys.invalid-name for names it cannot keep', async () => {
    const store = new KeyStore(new MemorySecretStore());
    for (const call of [store.publicKey('nope'), store.privateKeyForLogin('nope', never), store.remove('nope'), store.get('')]) {
      const error = await rejection(call);
      expect(error.code).toBe('keys.not-found');
    }
    const key = await generateKey();
    for (const name of ['', '   ', 'a/b', '../x', 'x'.repeat(65), '-starts-with-dash', 'tab\there']) {
      expect((await rejection(store.add(name, key))).code, name).toBe('keys.invalid-name');
    }
    expect((await store.add('Émilie’s key'.replace('’', ''), key)).name).toBe('Émilies key');
    expect((await store.get('émilies KEY')).name).toBe('Émilies key');
  });

  it('keeps only the path when asked: no copy of the key anywhere, and the file is read (and decrypted) at each login', async () => {
    const secrets = new MemorySecretStore();
    const store = new KeyStore(secrets);
    const path = join(dir, 'lab-copy.ppk');
    copyFileSync(join(dir, 'lab.ppk'), path);
    const imported = await importKey({ path }, { passphrase: PASSPHRASE });
    const entry = await store.add('lab', imported, { keepPathInstead: path });
    expect(entry).toMatchObject({ source: 'path', path, needsPassphrase: true, format: 'ppk-v3' });
    expect([...secrets.values.keys()]).toEqual(['keys/lab/meta']);
    expect(secrets.dump()).not.toMatch(/PRIVATE|PuTTY-User-Key|Private-Lines/);
    expect(secrets.dump()).not.toContain(imported.privateKey.toString('utf8').split('\n')[1]!.slice(0, 30));

    const asked: boolean[] = [];
    const answers = ['wrong', PASSPHRASE];
    const privateKey = await store.privateKeyForLogin('lab', async (_label, retry) => (asked.push(retry), answers.shift() ?? null));
    expect(asked).toEqual([false, true]);
    expect(utils.parseKey(privateKey)).not.toBeInstanceOf(Error);

    // Replaced by another key: refused, not silently used.
    copyFileSync(join(dir, 'plain'), path);
    expect((await rejection(store.privateKeyForLogin('lab', never))).code).toBe('keys.file-changed');
    rmSync(path);
    expect((await rejection(store.privateKeyForLogin('lab', never))).code).toBe('keys.unreadable');
    // Removing the entry leaves the user's file alone (here: already gone) and the vault empty.
    await store.remove('lab');
    expect(secrets.values.size).toBe(0);
  });

  it('refuses to keep a path that is not there', async () => {
    const store = new KeyStore(new MemorySecretStore());
    const key = await importKey({ path: join(dir, 'plain') });
    expect((await rejection(store.add('gone', key, { keepPathInstead: join(dir, 'missing') }))).code).toBe('keys.unreadable');
    expect(await store.list()).toEqual([]);
  });

  it('stores a generated key with a passphrase encrypted with it, and asks for it at login', async () => {
    const secrets = new MemorySecretStore();
    const store = new KeyStore(secrets);
    const key = await generateKey({ passphrase: PASSPHRASE, comment: 'gen' });
    const entry = await store.add('gen', key);
    expect(entry.needsPassphrase).toBe(true);
    const stored = (await secrets.get('keys/gen/private'))!.toString('utf8');
    expect(utils.parseKey(stored)).toBeInstanceOf(Error); // needs the passphrase
    expect(utils.parseKey(stored, PASSPHRASE)).not.toBeInstanceOf(Error);

    const declined = await rejection(store.privateKeyForLogin('gen', async () => null));
    expect(declined.code).toBe('keys.passphrase-required');
    const privateKey = await store.privateKeyForLogin('gen', async () => PASSPHRASE);
    expect(utils.parseKey(privateKey)).not.toBeInstanceOf(Error);
  });

  it('stores imported keys decrypted (the vault encrypts at rest), so login does not ask', async () => {
    const store = new KeyStore(new MemorySecretStore());
    const key = await importKey({ path: join(dir, 'lab.ppk') }, { passphrase: PASSPHRASE });
    expect((await store.add('lab', key)).needsPassphrase).toBe(false);
    expect(utils.parseKey(await store.privateKeyForLogin('lab', never))).not.toBeInstanceOf(Error);
  });
});
