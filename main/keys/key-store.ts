/**
 * The user's keys, by name, on top of a SecretStore (the encrypted vault). Each key is two
 * records: `keys/<name>/meta` (type, fingerprint, public key: safe to list) and, for keys
 * kept in the vault, `keys/<name>/private` (the OpenSSH private key). A key may instead be
 * kept as a path to the user's own file, which is re-read and converted at every login, so
 * no copy of it exists anywhere. Nothing here writes key material to disk in the clear.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PortholeError } from '../shared/errors';
import type { SecretStore } from '../secrets/types';
import { unreadable } from './errors';
import { importKey, type AskPassphrase } from './import';
import type { ImportedKey, KeyFormat } from './imported-key';
import type { SshKeyType } from './material';

export interface KeyStoreEntry {
  readonly name: string;
  readonly type: SshKeyType;
  readonly bits: number;
  readonly fingerprint: string;
  readonly comment: string;
  /** The OpenSSH public key line. */
  readonly publicKey: string;
  /** `vault`: a converted copy is in the vault; `path`: only the file's path is kept. */
  readonly source: 'vault' | 'path';
  /** For `path` entries: the file read at each login. */
  readonly path?: string;
  /** The format the key was imported from. */
  readonly format: KeyFormat;
  /** Whether logging in with it asks for a passphrase (encrypted files kept by path, generated keys with one). */
  readonly needsPassphrase: boolean;
  readonly addedAt: string;
}

export interface AddOptions {
  /** Keep only this path (the file the key was imported from) instead of a copy in the vault. */
  readonly keepPathInstead?: string;
}

const PREFIX = 'keys/';
const MAX_NAME_LENGTH = 64;

export class KeyStore {
  /** Serialises changes, so two adds of one name cannot both succeed. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly secrets: SecretStore) {}

  add(name: string, key: ImportedKey, options: AddOptions = {}): Promise<KeyStoreEntry> {
    return this.serial(async () => {
      const clean = checkName(name);
      const existing = await this.list();
      const taken = existing.find((entry) => entry.name.toLowerCase() === clean.toLowerCase());
      if (taken) {
        throw new PortholeError({
          code: 'keys.name-taken',
          message: `There is already a key named "${taken.name}".`,
          hint: 'Choose another name, or remove the existing key first.',
          retryable: false,
        });
      }
      const same = existing.find((entry) => entry.fingerprint === key.fingerprint);
      if (same) {
        throw new PortholeError({
          code: 'keys.already-added',
          message: `This key is already in Porthole as "${same.name}" (${key.fingerprint}).`,
          hint: `Use "${same.name}", or remove it first to add the key again under another name.`,
          retryable: false,
        });
      }
      let path: string | undefined;
      if (options.keepPathInstead !== undefined) {
        path = resolve(options.keepPathInstead);
        await checkReadableFile(path);
      }
      const entry: KeyStoreEntry = {
        name: clean,
        type: key.type,
        bits: key.bits,
        fingerprint: key.fingerprint,
        comment: key.comment,
        publicKey: key.publicKey,
        source: path === undefined ? 'vault' : 'path',
        ...(path !== undefined ? { path } : {}),
        format: key.format,
        needsPassphrase: path === undefined ? key.encryptedPrivateKey !== undefined : key.encrypted,
        addedAt: new Date().toISOString(),
      };
      // The private record first: an entry is listed only once its meta record exists.
      if (path === undefined) await this.secrets.set(privateId(clean), key.encryptedPrivateKey ?? key.privateKey);
      await this.secrets.set(metaId(clean), JSON.stringify(entry));
      return entry;
    });
  }

  /** Every key's public facts, by name. Never any private material. */
  async list(): Promise<KeyStoreEntry[]> {
    const ids = (await this.secrets.list(PREFIX)).filter((id) => id.endsWith('/meta'));
    const entries: KeyStoreEntry[] = [];
    for (const id of ids) {
      const entry = parseEntry(await this.secrets.get(id));
      if (entry) entries.push(entry);
    }
    return entries.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The entry named `name` (names match regardless of case, as they are unique that way). */
  async get(name: string): Promise<KeyStoreEntry> {
    const wanted = name.trim();
    if (wanted.length > 0 && wanted.length <= MAX_NAME_LENGTH) {
      const exact = parseEntry(await this.secrets.get(metaId(wanted)));
      if (exact) return exact;
      const other = (await this.list()).find((entry) => entry.name.toLowerCase() === wanted.toLowerCase());
      if (other) return other;
    }
    throw notFound(name);
  }

  async publicKey(name: string): Promise<string> {
    return (await this.get(name)).publicKey;
  }

  /**
   * The private key, unencrypted, in OpenSSH format, for ssh2's `privateKey`. Path entries
   * are re-read and converted now; keys with a passphrase ask for it through askPassphrase.
   * Callers should drop (or zero) the buffer once logged in.
   */
  async privateKeyForLogin(name: string, askPassphrase: AskPassphrase): Promise<Buffer> {
    const entry = await this.get(name);
    let key: ImportedKey;
    if (entry.source === 'path') {
      key = await importKey({ path: entry.path! }, { askPassphrase });
      if (key.fingerprint !== entry.fingerprint) {
        throw new PortholeError({
          code: 'keys.file-changed',
          message: `The file ${entry.path} no longer holds the key "${entry.name}" (its fingerprint changed to ${key.fingerprint}).`,
          hint: `Put the original key file back, or remove "${entry.name}" and import the new file.`,
          retryable: false,
        });
      }
    } else {
      const stored = await this.secrets.get(privateId(entry.name));
      if (stored === null) {
        throw new PortholeError({
          code: 'keys.not-found',
          message: `The private part of the key "${entry.name}" is missing from the vault.`,
          hint: `Remove "${entry.name}" and import or generate it again.`,
          retryable: false,
        });
      }
      key = await importKey({ text: stored, label: `the key "${entry.name}"` }, { askPassphrase });
    }
    return key.privateKey;
  }

  remove(name: string): Promise<void> {
    return this.serial(async () => {
      const entry = await this.get(name);
      // Meta first: a half-removed key is never listed.
      await this.secrets.delete(metaId(entry.name));
      await this.secrets.delete(privateId(entry.name));
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function metaId(name: string): string {
  return `${PREFIX}${encodeURIComponent(name)}/meta`;
}

function privateId(name: string): string {
  return `${PREFIX}${encodeURIComponent(name)}/private`;
}

/** Names are shown in lists and typed on command lines: printable, short, no slashes. */
function checkName(name: string): string {
  const clean = name.trim();
  if (clean.length === 0 || clean.length > MAX_NAME_LENGTH || !/^[\p{L}\p{N}][\p{L}\p{N} ._@+-]*$/u.test(clean)) {
    throw new PortholeError({
      code: 'keys.invalid-name',
      message: `"${name.slice(0, 80)}" cannot be a key name.`,
      hint: `Use up to ${MAX_NAME_LENGTH} letters, digits, spaces and . _ - @ +, starting with a letter or digit (e.g. "aws-gpu").`,
      retryable: false,
    });
  }
  return clean;
}

function notFound(name: string): PortholeError {
  return new PortholeError({
    code: 'keys.not-found',
    message: `There is no key named "${name.slice(0, 80)}".`,
    hint: 'See your keys with "porthole keys list".',
    retryable: false,
  });
}

function parseEntry(value: Buffer | null): KeyStoreEntry | null {
  if (value === null) return null;
  try {
    const entry = JSON.parse(value.toString('utf8')) as KeyStoreEntry;
    return typeof entry.name === 'string' && typeof entry.fingerprint === 'string' ? entry : null;
  } catch {
    return null;
  }
}

async function checkReadableFile(path: string): Promise<void> {
  try {
    if (!(await stat(path)).isFile()) throw unreadable(path, 'it is not a file');
  } catch (error) {
    if (error instanceof PortholeError) throw error;
    throw unreadable(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such file' : (error as Error).message, error);
  }
}
