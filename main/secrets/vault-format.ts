/**
 * The vault file format and its cryptography (pure: no files, no keychain).
 *
 * Version 1, UTF-8 JSON:
 *   { "format": "porthole-vault", "version": 1, "keyId": b64(16),
 *     "records": [{ "id", "nonce": b64(12), "ciphertext": b64, "tag": b64(16) }, ...],
 *     "mac": b64(32) }
 *
 * Each record is AES-256-GCM under the vault key, with a fresh random 96-bit nonce per
 * write and the record id as additional authenticated data, so a value moved to another id
 * does not decrypt. `keyId` (HKDF of the key, not the key) tells "encrypted with another
 * key" apart from damage. `mac`, an HMAC-SHA256 over the format, version, keyId and every
 * record (sorted by id) under an HKDF subkey, catches records removed, added or rolled back
 * one by one, which per-record authentication alone cannot.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DamageReason } from './errors';

export const VAULT_FORMAT = 'porthole-vault';
export const VAULT_VERSION = 1;
export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
const KEY_ID_BYTES = 16;
const MAC_BYTES = 32;

export interface EncryptedRecord {
  readonly id: string;
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/** A vault file read without the key: well formed or not, and how many records it holds. */
export type VaultStructure =
  | { readonly kind: 'ok'; readonly keyId: Buffer; readonly records: Map<string, EncryptedRecord>; readonly mac: Buffer }
  | { readonly kind: 'damaged'; readonly reason: DamageReason }
  | { readonly kind: 'too-new'; readonly version: number };

/** A vault file checked against the key. */
export type VaultReading =
  | { readonly kind: 'ok'; readonly records: Map<string, EncryptedRecord> }
  | { readonly kind: 'damaged'; readonly reason: DamageReason }
  | { readonly kind: 'too-new'; readonly version: number };

/** Ids name secrets in files and errors: printable, well-formed Unicode, bounded. */
export function isValidSecretId(id: unknown): id is string {
  return typeof id === 'string' && id.length >= 1 && id.length <= 512 && !/[\p{Cc}\p{Cs}]/u.test(id);
}

export function parseVaultStructure(bytes: Buffer): VaultStructure {
  const damaged = { kind: 'damaged', reason: 'unparseable' } as const;
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return damaged;
  }
  if (!isObject(doc) || doc['format'] !== VAULT_FORMAT) return damaged;
  const version = doc['version'];
  if (typeof version === 'number' && Number.isSafeInteger(version) && version > VAULT_VERSION) return { kind: 'too-new', version };
  if (version !== VAULT_VERSION) return damaged;
  const keyId = strictBase64(doc['keyId'], KEY_ID_BYTES);
  const mac = strictBase64(doc['mac'], MAC_BYTES);
  const list = doc['records'];
  if (!keyId || !mac || !Array.isArray(list)) return damaged;
  const records = new Map<string, EncryptedRecord>();
  for (const item of list) {
    if (!isObject(item)) return damaged;
    const id = item['id'];
    const nonce = strictBase64(item['nonce'], NONCE_BYTES);
    const ciphertext = strictBase64(item['ciphertext']);
    const tag = strictBase64(item['tag'], TAG_BYTES);
    if (!isValidSecretId(id) || !nonce || !ciphertext || !tag || records.has(id)) return damaged;
    records.set(id, { id, nonce, ciphertext, tag });
  }
  return { kind: 'ok', keyId, records, mac };
}

/** Encrypts, decrypts, seals and checks vault files with one vault key. */
export class VaultCipher {
  private readonly key: Buffer;
  private readonly macKey: Buffer;
  readonly keyId: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new RangeError(`A vault key has ${KEY_BYTES} bytes.`);
    this.key = Buffer.from(key);
    this.macKey = Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), 'porthole vault v1 index mac', MAC_BYTES));
    this.keyId = Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), 'porthole vault v1 key id', KEY_ID_BYTES));
  }

  encrypt(id: string, plaintext: Buffer): EncryptedRecord {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { id, nonce, ciphertext, tag: cipher.getAuthTag() };
  }

  /** The plaintext, or null when the record does not authenticate under this key and id. */
  decrypt(record: EncryptedRecord): Buffer | null {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, record.nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(record.id, 'utf8'));
      decipher.setAuthTag(record.tag);
      return Buffer.concat([decipher.update(record.ciphertext), decipher.final()]);
    } catch {
      return null;
    }
  }

  serialize(records: ReadonlyMap<string, EncryptedRecord>): Buffer {
    const sorted = sortedRecords(records);
    const doc = {
      format: VAULT_FORMAT,
      version: VAULT_VERSION,
      keyId: this.keyId.toString('base64'),
      records: sorted.map((r) => ({ id: r.id, nonce: r.nonce.toString('base64'), ciphertext: r.ciphertext.toString('base64'), tag: r.tag.toString('base64') })),
      mac: this.mac(sorted).toString('base64'),
    };
    return Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8');
  }

  read(bytes: Buffer): VaultReading {
    const structure = parseVaultStructure(bytes);
    if (structure.kind !== 'ok') return structure;
    if (!structure.keyId.equals(this.keyId)) return { kind: 'damaged', reason: 'wrong-key' };
    if (!timingSafeEqual(structure.mac, this.mac(sortedRecords(structure.records)))) return { kind: 'damaged', reason: 'tampered' };
    return { kind: 'ok', records: structure.records };
  }

  private mac(sorted: readonly EncryptedRecord[]): Buffer {
    // JSON of an array of strings is an unambiguous encoding of the sequence.
    const canonical = JSON.stringify([
      VAULT_FORMAT,
      VAULT_VERSION,
      this.keyId.toString('base64'),
      ...sorted.map((r) => [r.id, r.nonce.toString('base64'), r.ciphertext.toString('base64'), r.tag.toString('base64')]),
    ]);
    return createHmac('sha256', this.macKey).update(canonical, 'utf8').digest();
  }
}

function sortedRecords(records: ReadonlyMap<string, EncryptedRecord>): EncryptedRecord[] {
  return [...records.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Base64 that decodes to exactly what it says: Node's decoder skips stray characters and
 * ignores trailing bits, so a changed character could otherwise go unnoticed here.
 */
function strictBase64(value: unknown, length?: number): Buffer | null {
  if (typeof value !== 'string') return null;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value) return null;
  return length === undefined || bytes.length === length ? bytes : null;
}
