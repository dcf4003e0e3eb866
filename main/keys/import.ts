/**
 * Import a private key from a file or pasted text, whatever format it is in: OpenSSH, PEM,
 * PKCS#8 (PEM or DER) or PuTTY .ppk v2/v3. The format is detected from the content, never
 * from the file name. Public keys, SSH-1 keys, ssh.com keys and anything else are refused
 * with an error that names what was given and what to choose instead. The decoding itself
 * (decode.ts: key derivation, decryption, checks) runs on the key worker thread, so a slow
 * Argon2 or bcrypt never stalls the main thread; reading the file and asking for the
 * passphrase stay here.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { PortholeError } from '../shared/errors';
import { unreadable, unsupported } from './errors';
import type { ImportedKey } from './imported-key';
import { fromWire } from './key-jobs';
import { keyWork } from './key-work';

export type KeySource = { readonly path: string } | { readonly text: string | Buffer; readonly label?: string };

/** Asks the user for the passphrase of `keyLabel`; `retry` after a wrong one. Null: the user declined. */
export type AskPassphrase = (keyLabel: string, retry: boolean) => Promise<string | null>;

export interface ImportOptions {
  readonly passphrase?: string;
  /** Asked when the key needs a passphrase and none (or a wrong one) was given; up to three times. */
  readonly askPassphrase?: AskPassphrase;
}

/** Key files are a few KB; anything this big is something else. */
export const MAX_KEY_FILE_BYTES = 1024 * 1024;
const MAX_PASSPHRASE_TRIES = 3;

export async function importKey(source: KeySource, options: ImportOptions = {}): Promise<ImportedKey> {
  const { bytes, label, path } = await readSource(source);
  let passphrase = options.passphrase;
  for (let attempt = 1; ; attempt++) {
    try {
      const request = { bytes, label, ...(path !== undefined ? { path } : {}), ...(passphrase !== undefined ? { passphrase } : {}) };
      return fromWire(await keyWork({ kind: 'decode', request }, `reading ${label}`));
    } catch (error) {
      const asking = error instanceof PortholeError && (error.code === 'keys.passphrase-required' || error.code === 'keys.wrong-passphrase');
      if (!asking || options.askPassphrase === undefined || attempt > MAX_PASSPHRASE_TRIES) throw error;
      const answer = await options.askPassphrase(label, error.code === 'keys.wrong-passphrase');
      if (answer === null) throw error;
      passphrase = answer;
    }
  }
}

export function importKeyFile(path: string, options?: ImportOptions): Promise<ImportedKey> {
  return importKey({ path }, options);
}

export function importKeyText(text: string | Buffer, options?: ImportOptions & { readonly label?: string }): Promise<ImportedKey> {
  return importKey({ text, ...(options?.label !== undefined ? { label: options.label } : {}) }, options);
}

async function readSource(source: KeySource): Promise<{ bytes: Buffer; label: string; path?: string }> {
  if ('text' in source) {
    const bytes = typeof source.text === 'string' ? Buffer.from(source.text, 'utf8') : source.text;
    const label = source.label ?? 'the pasted key';
    if (bytes.length > MAX_KEY_FILE_BYTES) throw unsupported(label, 'far too large to be a key');
    return { bytes, label };
  }
  const path = resolve(source.path);
  const label = basename(path);
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw unreadable(label, 'it is a folder, not a file');
    if (info.size > MAX_KEY_FILE_BYTES) throw unsupported(label, `a ${Math.round(info.size / 1024)} KB file, far too large to be a key`);
    return { bytes: await readFile(path), label, path };
  } catch (error) {
    if (error instanceof PortholeError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message;
    throw unreadable(label, reason, error);
  }
}
