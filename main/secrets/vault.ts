/**
 * The vault: every secret Porthole keeps (private keys, passphrases, passwords, Jupyter
 * tokens, cloud credentials) in one file, `<dir>/vault.json`, encrypted record by record
 * (see vault-format.ts) with a 256-bit key that lives only in the OS keychain.
 *
 * What must stay true:
 *  - Nothing is ever stored in plaintext: without a usable keychain, open() fails with
 *    `secrets.keychain-unavailable` before anything is written.
 *  - No data is destroyed: a file that cannot be read with the keychain's key is moved
 *    aside (never overwritten) and the error says where it went.
 *  - Every operation reads the file afresh, and every change is a locked, atomic
 *    read-modify-write, so the app and the `porthole` command can share one vault.
 *  - Secret values never appear in errors or logs (this module logs nothing).
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { PortholeError } from '../shared/errors';
import {
  classifyKeychainError,
  invalidSecretId,
  keychainUnavailable,
  vaultDamaged,
  vaultKeyInvalid,
  vaultKeyMissing,
  vaultTooNew,
} from './errors';
import { osKeychain } from './os-keychain';
import type { KeychainBackend, SecretStore } from './types';
import { KEY_BYTES, VaultCipher, isValidSecretId, parseVaultStructure, type EncryptedRecord, type VaultStructure } from './vault-format';
import { moveAside, readVaultFile, removeFile, withFileLock, writeFileAtomic } from './vault-file';

export const DEFAULT_KEYCHAIN_SERVICE = 'Porthole';
export const DEFAULT_KEYCHAIN_ACCOUNT = 'vault-key';
export const VAULT_FILE_NAME = 'vault.json';

export interface VaultOptions {
  /** The data folder (normally dataDir()); the vault is `<dir>/vault.json`. */
  dir: string;
  /** Defaults to osKeychain(). */
  keychain?: KeychainBackend;
  /** Keychain entry of the vault key; tests use their own. */
  service?: string;
  account?: string;
}

export class Vault implements SecretStore {
  /** Absolute path of the vault file. */
  readonly file: string;
  private readonly cipher: VaultCipher;

  private constructor(file: string, key: Buffer) {
    this.file = file;
    this.cipher = new VaultCipher(key);
    key.fill(0);
  }

  /**
   * Gets the vault key from the keychain (creating it on first use) and checks the vault
   * file against it. A damaged file is moved aside and reported here, not on first use.
   */
  static async open(options: VaultOptions): Promise<Vault> {
    const file = resolve(join(options.dir, VAULT_FILE_NAME));
    const keychain = options.keychain ?? osKeychain();
    const entry = { service: options.service ?? DEFAULT_KEYCHAIN_SERVICE, account: options.account ?? DEFAULT_KEYCHAIN_ACCOUNT };
    const vault = new Vault(file, await obtainKey(file, keychain, entry));
    await vault.records(false);
    return vault;
  }

  async get(id: string): Promise<Buffer | null> {
    checkId(id);
    const record = (await this.records(false)).get(id);
    if (record === undefined) return null;
    const plaintext = this.cipher.decrypt(record);
    if (plaintext !== null) return plaintext;
    // Unreachable while the file MAC holds (it covers every record); a second line of defence.
    return withFileLock(this.file, async () => {
      const again = (await this.records(true)).get(id);
      if (again === undefined) return null;
      const retried = this.cipher.decrypt(again);
      if (retried !== null) return retried;
      throw vaultDamaged(this.file, await moveAside(this.file, 'corrupt'), 'tampered');
    });
  }

  async set(id: string, value: Buffer | string): Promise<void> {
    checkId(id);
    if (typeof value !== 'string' && !Buffer.isBuffer(value)) throw new TypeError('A secret value is a Buffer or a string.');
    const plaintext = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    await withFileLock(this.file, async () => {
      const records = await this.records(true);
      records.set(id, this.cipher.encrypt(id, plaintext));
      await writeFileAtomic(this.file, this.cipher.serialize(records));
    });
  }

  async delete(id: string): Promise<boolean> {
    checkId(id);
    return withFileLock(this.file, async () => {
      const records = await this.records(true);
      if (!records.delete(id)) return false;
      await writeFileAtomic(this.file, this.cipher.serialize(records));
      return true;
    });
  }

  async list(prefix = ''): Promise<string[]> {
    if (typeof prefix !== 'string') throw new TypeError('A list prefix is a string.');
    return [...(await this.records(false)).keys()].filter((id) => id.startsWith(prefix)).sort();
  }

  /**
   * The records on disk, authenticated. Without the lock, a bad reading is re-checked under
   * it before the file is moved aside, so a file another process just replaced is not.
   */
  private async records(locked: boolean): Promise<Map<string, EncryptedRecord>> {
    const bytes = await readVaultFile(this.file);
    if (bytes === null) return new Map();
    const reading = this.cipher.read(bytes);
    switch (reading.kind) {
      case 'ok':
        return reading.records;
      case 'too-new':
        throw vaultTooNew(this.file, reading.version);
      case 'damaged':
        if (locked) throw vaultDamaged(this.file, await moveAside(this.file, 'corrupt'), reading.reason);
        return withFileLock(this.file, () => this.records(true));
    }
  }
}

function checkId(id: string): void {
  if (!isValidSecretId(id)) throw invalidSecretId();
}

interface KeychainEntry {
  readonly service: string;
  readonly account: string;
}

/** Keychain errors from any backend end up as `secrets.keychain-unavailable`. */
async function keychainCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof PortholeError) throw error;
    throw keychainUnavailable(process.platform, classifyKeychainError(error), error);
  }
}

function decodeKey(stored: string, entry: KeychainEntry): Buffer {
  const key = Buffer.from(stored, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== stored) throw vaultKeyInvalid(entry.service, entry.account);
  return key;
}

/**
 * The keychain entry of the key with this id: `<account>-<key id in hex>`. Each key has an
 * entry of its own, so making a new key never overwrites another's entry (a keychain that
 * wrongly answers "no entry", as a locked collection does on some backends, would otherwise
 * cost the old vault its key for good). Entries are never deleted: a vault kept aside
 * records its key id and can still be opened with its entry.
 */
function entryFor(base: KeychainEntry, keyId: Buffer): KeychainEntry {
  return { service: base.service, account: `${base.account}-${keyId.toString('hex')}` };
}

const keyIdOf = (key: Buffer) => new VaultCipher(key).keyId;

/**
 * The vault key from the keychain. The vault file records the id of its key; the key is
 * looked up under that id's entry, else (vaults from before entries were named by key id)
 * under the old single entry `<account>`, whose key is then copied to its named entry and
 * left in place for older Porthole versions. A new key is made only when no vault file
 * holds secrets, and goes to a new entry; a vault whose key is gone is moved aside and
 * reported. The first keychain call comes before any file is touched, so an unusable
 * keychain leaves the folder as it was.
 */
async function obtainKey(file: string, keychain: KeychainBackend, base: KeychainEntry): Promise<Buffer> {
  const get = (entry: KeychainEntry) => keychainCall(() => keychain.getSecret(entry.service, entry.account));
  const legacyText = await get(base);
  const legacy = legacyText === null ? null : decodeKey(legacyText, base);

  /** The key with this id, from its named entry or (migrating) from the old single entry. */
  const keyFor = async (keyId: Buffer): Promise<Buffer | null> => {
    const named = entryFor(base, keyId);
    const stored = await get(named);
    if (stored !== null) {
      const key = decodeKey(stored, named);
      if (!keyIdOf(key).equals(keyId)) throw vaultKeyInvalid(named.service, named.account);
      return key;
    }
    if (legacy === null || !keyIdOf(legacy).equals(keyId)) return null;
    await store(named, legacy);
    return Buffer.from(legacy);
  };
  const store = async (entry: KeychainEntry, key: Buffer): Promise<void> => {
    const encoded = key.toString('base64');
    await keychainCall(() => keychain.setSecret(entry.service, entry.account, encoded));
    // Read it back: a store that drops it would otherwise cost every secret written next.
    if ((await get(entry)) !== encoded) throw keychainUnavailable(process.platform, 'not-kept');
  };

  // Most opens: the file names its key and the keychain has it; no lock needed.
  const first = await readStructure(file);
  if (first?.kind === 'ok') {
    const key = await keyFor(first.keyId);
    if (key !== null) return key;
  }
  // Under the lock, so two processes starting at once do not each make a key.
  return withFileLock(file, async () => {
    const structure = await readStructure(file);
    if (structure !== null) {
      switch (structure.kind) {
        case 'too-new':
          throw vaultTooNew(file, structure.version);
        case 'damaged':
          throw vaultDamaged(file, await moveAside(file, 'corrupt'), structure.reason);
        case 'ok': {
          const key = await keyFor(structure.keyId);
          if (key !== null) return key;
          // An empty vault holds nothing to lose, and a new key could not read it.
          if (structure.records.size === 0) await removeFile(file);
          else if (legacy !== null) throw vaultDamaged(file, await moveAside(file, 'corrupt'), 'wrong-key');
          else {
            const named = entryFor(base, structure.keyId);
            throw vaultKeyMissing(file, await moveAside(file, 'no-key'), named.service, named.account);
          }
        }
      }
    }
    const key = randomBytes(KEY_BYTES);
    const cipher = new VaultCipher(key);
    await store(entryFor(base, cipher.keyId), key);
    // An empty vault records the key id at once, so a process opening next uses this key.
    await writeFileAtomic(file, cipher.serialize(new Map()));
    return key;
  });
}

async function readStructure(file: string): Promise<VaultStructure | null> {
  const bytes = await readVaultFile(file);
  return bytes === null ? null : parseVaultStructure(bytes);
}
