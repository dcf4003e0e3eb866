/**
 * The vault's logic with an in-memory keychain: encryption, integrity, what happens to
 * damaged files, atomic writes, file modes, keychain failures. (The real Secret Service is
 * in test/integration/secrets-keychain.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Vault, type KeychainBackend } from '../../main/secrets';
import { VaultCipher, parseVaultStructure, type EncryptedRecord } from '../../main/secrets/vault-format';
import { PortholeError } from '../../main/shared/errors';

const root = mkdtempSync(join(tmpdir(), 'porthole-vault-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
/** A fresh, not yet existing data folder. */
const freshDir = () => join(root, `d${++dirCount}`, 'Porthole');

class MemoryKeychain implements KeychainBackend {
  readonly entries = new Map<string, string>();
  failWith: Error | undefined;
  /** Accepts writes but forgets them (a broken store). */
  dropWrites = false;
  /** Entries looked up as "no entry" although they are there (a locked collection on some backends). */
  wronglyMissing = new Set<string>();
  async getSecret(service: string, account: string) {
    if (this.failWith) throw this.failWith;
    if (this.wronglyMissing.has(`${service}/${account}`)) return null;
    return this.entries.get(`${service}/${account}`) ?? null;
  }
  async setSecret(service: string, account: string, secret: string) {
    if (this.failWith) throw this.failWith;
    if (!this.dropWrites) this.entries.set(`${service}/${account}`, secret);
  }
  async deleteSecret(service: string, account: string) {
    if (this.failWith) throw this.failWith;
    return this.entries.delete(`${service}/${account}`);
  }
}

/** The one vault key entry a fresh vault makes: `Porthole/vault-key-<key id in hex>`. */
function keyEntry(keychain: MemoryKeychain): string {
  const names = [...keychain.entries.keys()].filter((name) => /^Porthole\/vault-key-[0-9a-f]{32}$/.test(name));
  expect(names).toHaveLength(1);
  return names[0]!;
}

async function openNew() {
  const dir = freshDir();
  const keychain = new MemoryKeychain();
  const vault = await Vault.open({ dir, keychain });
  return { dir, keychain, vault, file: join(dir, 'vault.json') };
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<PortholeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortholeError);
  return error as PortholeError;
}

function keptFiles(dir: string, label: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith(`vault.json.${label}-`));
}

interface RawRecord {
  id: string;
  nonce: string;
  ciphertext: string;
  tag: string;
}
const rawDoc = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { records: RawRecord[]; keyId: string; mac: string; version: number };
const flipFirstBit = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[0]! ^= 0x01;
  return bytes.toString('base64');
};

const SECRETS = {
  'key:work-vm': '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n',
  'passphrase:work-vm': 'correct horse battery staple',
  'jupyter-token:lab': '3f1c0a9b7d2e4f6a8c0e1b3d5f7a9c1e3b5d7f9a1c3e5b7d',
  'aws:default': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

describe('vault round trip', () => {
  it('stores strings and bytes, lists, deletes, and reads them back after reopening', async () => {
    const { dir, keychain, vault } = await openNew();
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (const [id, value] of Object.entries(SECRETS)) await vault.set(id, value);
    await vault.set('bin', binary);
    await vault.set('empty', '');

    expect((await vault.get('passphrase:work-vm'))!.toString('utf8')).toBe(SECRETS['passphrase:work-vm']);
    expect(await vault.get('bin')).toEqual(binary);
    expect(await vault.get('empty')).toEqual(Buffer.alloc(0));
    expect(await vault.get('nothing-here')).toBeNull();
    expect(await vault.list()).toEqual(['aws:default', 'bin', 'empty', 'jupyter-token:lab', 'key:work-vm', 'passphrase:work-vm']);
    expect(await vault.list('key:')).toEqual(['key:work-vm']);

    expect(await vault.delete('bin')).toBe(true);
    expect(await vault.delete('bin')).toBe(false);
    expect(await vault.get('bin')).toBeNull();

    const reopened = await Vault.open({ dir, keychain });
    for (const [id, value] of Object.entries(SECRETS)) expect((await reopened.get(id))!.toString('utf8')).toBe(value);
    expect(await reopened.list()).not.toContain('bin');
  });

  it('replaces a value set twice', async () => {
    const { vault } = await openNew();
    await vault.set('token', 'first');
    await vault.set('token', Buffer.from('second'));
    expect((await vault.get('token'))!.toString()).toBe('second');
    expect(await vault.list()).toEqual(['token']);
  });

  it('keeps one 256-bit key in the keychain under Porthole / vault-key-<key id>, made once', async () => {
    const { dir, keychain, vault } = await openNew();
    await vault.set('a', 'b');
    const name = keyEntry(keychain);
    expect([...keychain.entries.keys()]).toEqual([name]);
    const key = keychain.entries.get(name)!;
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    await Vault.open({ dir, keychain });
    expect([...keychain.entries]).toEqual([[name, key]]);
  });

  it('uses the service and account it is given', async () => {
    const keychain = new MemoryKeychain();
    await Vault.open({ dir: freshDir(), keychain, service: 'Porthole-test', account: 'other-key' });
    expect([...keychain.entries.keys()]).toEqual([expect.stringMatching(/^Porthole-test\/other-key-[0-9a-f]{32}$/)]);
  });

  it('refuses ids that are empty, too long or contain control characters', async () => {
    const { vault } = await openNew();
    for (const id of ['', 'x'.repeat(513), 'a\nb', 'nul\0', 'lone\ud800']) {
      expect((await rejection(vault.set(id, 'v'))).code).toBe('secrets.invalid-id');
      expect((await rejection(vault.get(id))).code).toBe('secrets.invalid-id');
    }
    await vault.set('x'.repeat(512), 'v');
    await vault.set('ünïcødé 🔑', 'v');
    expect(await vault.list()).toHaveLength(2);
  });
});

describe('vault encryption', () => {
  it('uses a fresh nonce for every record write', { timeout: 30_000 }, async () => {
    const { vault, file } = await openNew();
    const nonces = new Set<string>();
    const ciphertexts = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      await vault.set('same-id', 'same value');
      const record = rawDoc(file).records[0]!;
      nonces.add(record.nonce);
      ciphertexts.add(record.ciphertext);
    }
    for (let i = 0; i < 100; i += 1) await vault.set(`id-${i}`, 'same value');
    for (const record of rawDoc(file).records) nonces.add(record.nonce);
    expect(nonces.size).toBe(300);
    expect(ciphertexts.size).toBe(200);
  });

  it('never writes a secret, or the vault key, into the file in any readable encoding', async () => {
    const { vault, file, keychain } = await openNew();
    for (const [id, value] of Object.entries(SECRETS)) await vault.set(id, value);
    const raw = readFileSync(file);
    const text = raw.toString('latin1');
    for (const value of Object.values(SECRETS)) {
      for (const encoded of [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex'), JSON.stringify(value).slice(1, -1)]) {
        expect(raw.includes(Buffer.from(encoded))).toBe(false);
      }
      // Any 12-character piece of the secret would do as a leak, too.
      for (let start = 0; start + 12 <= value.length; start += 6) expect(text.includes(value.slice(start, start + 12))).toBe(false);
    }
    const key = keychain.entries.get(keyEntry(keychain))!;
    expect(text.includes(key)).toBe(false);
    expect(raw.includes(Buffer.from(key, 'base64'))).toBe(false);
  });

  it('binds each value to its id: values swapped between ids do not decrypt, even with a valid file seal', async () => {
    const { dir, keychain, vault, file } = await openNew();
    await vault.set('a', 'value of a');
    await vault.set('b', 'value of b');
    const cipher = new VaultCipher(Buffer.from(keychain.entries.get(keyEntry(keychain))!, 'base64'));
    const structure = parseVaultStructure(readFileSync(file));
    if (structure.kind !== 'ok') throw new Error('vault file not readable');
    const a = structure.records.get('a')!;
    const b = structure.records.get('b')!;
    const swapped = new Map<string, EncryptedRecord>([
      ['a', { ...b, id: 'a' }],
      ['b', { ...a, id: 'b' }],
    ]);
    const sealed = cipher.serialize(swapped); // recomputes the file MAC, as an attacker with the key's MAC could
    writeFileSync(file, sealed);

    const error = await rejection(vault.get('a'));
    expect(error.code).toBe('secrets.vault-damaged');
    const kept = keptFiles(dir, 'corrupt');
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0]!))).toEqual(sealed);
    expect(error.message).toContain(join(dir, kept[0]!));
  });
});

describe('damaged vault files are kept, never overwritten', () => {
  const fields = ['ciphertext', 'nonce', 'tag', 'id'] as const;
  for (const field of fields) {
    it(`a changed record ${field} is reported as damaged and the file is moved aside intact`, async () => {
      const { dir, keychain, vault, file } = await openNew();
      await vault.set('key:one', 'first secret');
      await vault.set('key:two', 'second secret');
      const doc = rawDoc(file);
      const record = doc.records[1]!;
      if (field === 'id') record.id = 'key:tw0';
      else record[field] = flipFirstBit(record[field]);
      const tampered = Buffer.from(JSON.stringify(doc));
      writeFileSync(file, tampered);

      const error = await rejection(Vault.open({ dir, keychain }));
      expect(error.code).toBe('secrets.vault-damaged');
      expect(error.message).toContain('integrity check');
      for (const text of [error.message, error.hint]) expect(text).not.toMatch(/first secret|second secret/);
      const kept = keptFiles(dir, 'corrupt');
      expect(kept).toHaveLength(1);
      expect(readFileSync(join(dir, kept[0]!))).toEqual(tampered);
      expect(error.message).toContain(join(dir, kept[0]!));
      expect(readdirSync(dir)).not.toContain('vault.json');

      // Afterwards Porthole works again, with a new empty vault beside the kept file.
      const fresh = await Vault.open({ dir, keychain });
      expect(await fresh.list()).toEqual([]);
      await fresh.set('key:one', 'again');
      expect(keptFiles(dir, 'corrupt')).toHaveLength(1);
    });
  }

  it('a removed record is caught by the file seal', async () => {
    const { dir, keychain, vault, file } = await openNew();
    await vault.set('one', '1');
    await vault.set('two', '2');
    const doc = rawDoc(file);
    doc.records.pop();
    writeFileSync(file, JSON.stringify(doc));
    expect((await rejection(Vault.open({ dir, keychain }))).code).toBe('secrets.vault-damaged');
    expect(keptFiles(dir, 'corrupt')).toHaveLength(1);
  });

  it('a file changed under an open vault is caught on the next read', async () => {
    const { dir, vault, file } = await openNew();
    await vault.set('one', '1');
    const doc = rawDoc(file);
    doc.records[0]!.tag = flipFirstBit(doc.records[0]!.tag);
    writeFileSync(file, JSON.stringify(doc));
    expect((await rejection(vault.get('one'))).code).toBe('secrets.vault-damaged');
    expect(keptFiles(dir, 'corrupt')).toHaveLength(1);
    expect(await vault.get('one')).toBeNull();
  });

  const garbage: Record<string, (valid: Buffer) => Buffer> = {
    truncated: (valid) => valid.subarray(0, Math.floor(valid.length / 2)),
    empty: () => Buffer.alloc(0),
    'random bytes': () => Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 151 + 7) % 256)),
    'JSON null': () => Buffer.from('null'),
    'another JSON file': () => Buffer.from('{"profiles":[]}'),
  };
  for (const [name, make] of Object.entries(garbage)) {
    it(`a ${name} vault file is moved aside and reported as damaged`, async () => {
      const { dir, keychain, vault, file } = await openNew();
      await vault.set('one', 'secret one');
      const bad = make(readFileSync(file));
      writeFileSync(file, bad);
      const error = await rejection(Vault.open({ dir, keychain }));
      expect(error.code).toBe('secrets.vault-damaged');
      expect(error.message).toContain('not a readable Porthole vault');
      expect(error.hint).toBeTruthy();
      const kept = keptFiles(dir, 'corrupt');
      expect(kept).toHaveLength(1);
      expect(readFileSync(join(dir, kept[0]!))).toEqual(bad);
    });
  }

  it('a vault encrypted with another key than the keychain holds is reported as such and kept', async () => {
    const { dir, keychain, vault, file } = await openNew();
    await vault.set('one', 'secret one');
    const before = readFileSync(file);
    keychain.entries.delete(keyEntry(keychain));
    keychain.entries.set('Porthole/vault-key', Buffer.alloc(32, 7).toString('base64'));
    const error = await rejection(Vault.open({ dir, keychain }));
    expect(error.code).toBe('secrets.vault-damaged');
    expect(error.message).toContain('different key');
    expect(readFileSync(join(dir, keptFiles(dir, 'corrupt')[0]!))).toEqual(before);
  });

  it('a vault whose key is gone from the keychain (new computer) is kept aside with a clear error, then a new vault starts', async () => {
    const { dir, keychain, vault, file } = await openNew();
    await vault.set('one', 'secret one');
    const before = readFileSync(file);
    keychain.entries.clear();

    const error = await rejection(Vault.open({ dir, keychain }));
    expect(error.code).toBe('secrets.vault-key-missing');
    expect(error.message).toMatch(/"Porthole" \/ "vault-key-[0-9a-f]{32}"/);
    const kept = keptFiles(dir, 'no-key');
    expect(kept).toHaveLength(1);
    expect(error.message).toContain(join(dir, kept[0]!));
    expect(readFileSync(join(dir, kept[0]!))).toEqual(before);
    // No key was made while the old vault was still in place.
    expect(keychain.entries.size).toBe(0);

    const fresh = await Vault.open({ dir, keychain });
    expect(await fresh.list()).toEqual([]);
    expect(keychain.entries.size).toBe(1);
  });

  it('a keychain that wrongly answers "no entry" costs no key: the vault kept aside opens again later', async () => {
    const { dir, keychain, vault, file } = await openNew();
    await vault.set('one', 'secret one');
    const entriesBefore = new Map(keychain.entries);
    keychain.wronglyMissing = new Set(keychain.entries.keys());
    const error = await rejection(Vault.open({ dir, keychain }));
    expect(error.code).toBe('secrets.vault-key-missing');
    // The next start, still told "no entry", begins a new vault with a key of its own...
    const fresh = await Vault.open({ dir, keychain });
    await fresh.set('two', 'secret two');
    keychain.wronglyMissing.clear();
    for (const [name, value] of entriesBefore) expect(keychain.entries.get(name)).toBe(value);
    // ...and the old key was not overwritten: the kept vault, moved back, still opens.
    const kept = join(dir, keptFiles(dir, 'no-key')[0]!);
    renameSync(file, `${file}.newer`);
    renameSync(kept, file);
    const old = await Vault.open({ dir, keychain });
    expect((await old.get('one'))!.toString()).toBe('secret one');
  });

  it('names each keychain entry by the key id its vault file records', async () => {
    const { keychain, vault, file } = await openNew();
    await vault.set('a', 'b');
    const structure = parseVaultStructure(readFileSync(file));
    if (structure.kind !== 'ok') throw new Error('vault file not readable');
    expect([...keychain.entries.keys()]).toEqual([`Porthole/vault-key-${structure.keyId.toString('hex')}`]);
  });

  it('keeps a vault written under the old single entry name readable, and copies its key to the named entry', async () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    const key = Buffer.alloc(32, 9);
    const cipher = new VaultCipher(key);
    writeFileSync(join(dir, 'vault.json'), cipher.serialize(new Map([['one', cipher.encrypt('one', Buffer.from('secret one'))]])));
    const keychain = new MemoryKeychain();
    keychain.entries.set('Porthole/vault-key', key.toString('base64'));
    const vault = await Vault.open({ dir, keychain });
    expect((await vault.get('one'))!.toString()).toBe('secret one');
    // The old entry stays (older Porthole versions read it); the named one is added.
    expect(keychain.entries.get('Porthole/vault-key')).toBe(key.toString('base64'));
    expect(keychain.entries.get(`Porthole/vault-key-${cipher.keyId.toString('hex')}`)).toBe(key.toString('base64'));
    keychain.entries.delete('Porthole/vault-key');
    expect((await (await Vault.open({ dir, keychain })).get('one'))!.toString()).toBe('secret one');
  });

  it('an empty vault whose key is gone is simply replaced', async () => {
    const { dir, keychain, vault } = await openNew();
    await vault.set('one', '1');
    await vault.delete('one');
    keychain.entries.clear();
    const fresh = await Vault.open({ dir, keychain });
    await fresh.set('two', '2');
    expect(readdirSync(dir)).toEqual(['vault.json']);
  });

  it('a keychain entry that is not a vault key is reported and left alone, like the vault', async () => {
    const { dir, keychain, vault, file } = await openNew();
    await vault.set('one', '1');
    const before = readFileSync(file);
    keychain.entries.set('Porthole/vault-key', 'hunter2');
    const error = await rejection(Vault.open({ dir, keychain }));
    expect(error.code).toBe('secrets.vault-key-invalid');
    expect(error.message).not.toContain('hunter2');
    expect(keychain.entries.get('Porthole/vault-key')).toBe('hunter2');
    expect(readFileSync(file)).toEqual(before);
  });

  it('a vault from a newer Porthole is left in place and not written to', async () => {
    const { dir, keychain, vault, file } = await openNew();
    await vault.set('one', '1');
    const doc = rawDoc(file);
    doc.version = 2;
    const newer = Buffer.from(JSON.stringify(doc));
    writeFileSync(file, newer);
    expect((await rejection(Vault.open({ dir, keychain }))).code).toBe('secrets.vault-too-new');
    expect((await rejection(vault.set('two', '2'))).code).toBe('secrets.vault-too-new');
    expect(readFileSync(file)).toEqual(newer);
    expect(readdirSync(dir)).toEqual(['vault.json']);
  });
});

describe('keychain failures', () => {
  // The text @napi-rs/keyring gives when there is no session bus (recorded on Debian 12).
  const noBus = new Error('Platform failure: DBus error: Failed to connect to socket /run/user/1000/bus: No such file or directory');

  it('an unreachable keychain fails open() with keychain-unavailable and writes nothing', async () => {
    const dir = join(root, `unreachable-${++dirCount}`);
    mkdirSync(dir);
    const keychain = new MemoryKeychain();
    keychain.failWith = noBus;
    const error = await rejection(Vault.open({ dir, keychain }));
    expect(error.code).toBe('secrets.keychain-unavailable');
    expect(error.retryable).toBe(true);
    expect(error.hint).toContain('unencrypted');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a keychain that fails to store the new key leaves no vault and no lock behind', async () => {
    const dir = freshDir();
    const keychain = new MemoryKeychain();
    keychain.setSecret = async () => {
      throw new Error("Couldn't access platform storage: Secret Service: unlock prompt was dismissed");
    };
    const error = await rejection(Vault.open({ dir, keychain }));
    expect(error.code).toBe('secrets.keychain-unavailable');
    expect(error.message).toContain('locked');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a keychain that accepts the key but does not keep it is caught before any secret is written', async () => {
    const dir = freshDir();
    const keychain = new MemoryKeychain();
    keychain.dropWrites = true;
    const error = await rejection(Vault.open({ dir, keychain }));
    expect(error.code).toBe('secrets.keychain-unavailable');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a keychain that fails after open() fails later opens, not stored secrets', async () => {
    const { dir, keychain, vault, file } = await openNew();
    await vault.set('one', '1');
    const before = readFileSync(file);
    keychain.failWith = noBus;
    expect((await rejection(Vault.open({ dir, keychain }))).code).toBe('secrets.keychain-unavailable');
    expect(readFileSync(file)).toEqual(before);
  });
});

describe('vault files on disk', () => {
  it('writes the file 0600 in a folder it creates 0700, whatever the umask', async () => {
    const previous = process.umask(0o000);
    try {
      const { dir, vault, file } = await openNew();
      await vault.set('one', '1');
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      chmodSync(file, 0o644);
      await vault.set('two', '2');
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('leaves no temp or lock files after writes', { timeout: 30_000 }, async () => {
    const { dir, vault } = await openNew();
    for (let i = 0; i < 50; i += 1) await vault.set(`id-${i % 7}`, `value ${i}`);
    await vault.delete('id-3');
    expect(readdirSync(dir)).toEqual(['vault.json']);
  });

  it('readers only ever see a whole file while writes go on', { timeout: 30_000 }, async () => {
    const { vault, file } = await openNew();
    await vault.set('seed', 'x');
    let writing = true;
    const writes = (async () => {
      for (let i = 0; i < 60; i += 1) await vault.set(`id-${i}`, 'v'.repeat(i * 50));
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      expect(parseVaultStructure(readFileSync(file)).kind).toBe('ok');
      reads += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writes;
    expect(reads).toBeGreaterThan(0);
  });

  it('two vault objects on one file lose no update when writing at once', { timeout: 30_000 }, async () => {
    const { dir, keychain, vault } = await openNew();
    const other = await Vault.open({ dir, keychain });
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? vault : other).set(`id-${i}`, `value ${i}`)));
    expect(await vault.list()).toHaveLength(60);
    for (let i = 0; i < 60; i += 1) expect((await other.get(`id-${i}`))!.toString()).toBe(`value ${i}`);
    expect(readdirSync(dir)).toEqual(['vault.json']);
  });

  it('breaks a leftover lock that names this very process (pids repeat in containers)', { timeout: 30_000 }, async () => {
    const { dir, vault } = await openNew();
    writeFileSync(join(dir, 'vault.json.lock'), `${process.pid}\n`);
    // A lock taken as live is waited for and then fails with secrets.vault-busy: succeeding at all proves it was broken.
    await vault.set('one', '1');
    expect((await vault.get('one'))!.toString()).toBe('1');
    expect(readdirSync(dir)).toEqual(['vault.json']);
  });

  it('removes temp files a crashed earlier write left next to the vault', async () => {
    const { dir, vault } = await openNew();
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(dir, `vault.json.tmp-${gone}-0123456789ab`), 'half a vault');
    writeFileSync(join(dir, `vault.json.tmp-${process.pid}-ba9876543210`), 'half a vault');
    await vault.set('one', '1');
    expect(readdirSync(dir)).toEqual(['vault.json']);
  });

  it('breaks a lock left behind by a process that no longer runs', async () => {
    const { dir, vault } = await openNew();
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(dir, 'vault.json.lock'), `${gone}\n`);
    await vault.set('one', '1');
    expect((await vault.get('one'))!.toString()).toBe('1');
    expect(readdirSync(dir)).toEqual(['vault.json']);
  });
});
