/**
 * Import a private key from a file or pasted text, whatever format it is in: OpenSSH, PEM,
 * PKCS#8 (PEM or DER) or PuTTY .ppk v2/v3. The format is detected from the content, never
 * from the file name. Public keys, SSH-1 keys, ssh.com keys and anything else are refused
 * with an error that names what was given and what to choose instead.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { PortholeError } from '../shared/errors';
import { pemLabels, readPemBlock } from './armor';
import { corrupt, KeyFormatError, publicKeyGiven, unknownFormat, unreadable, unsupported } from './errors';
import { buildImportedKey, type ImportedKey, type KeyFormat } from './imported-key';
import type { KeyMaterial } from './material';
import { decodeOpenSsh } from './openssh';
import { decodeDer, decodeEncryptedPkcs8, decodePkcs8, decodeTraditionalPem, TRADITIONAL_LABELS } from './pem';
import { decodePpk } from './ppk';

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
      const decoded = await decodeKey(bytes, label, passphrase);
      return buildImportedKey(decoded.material, {
        format: decoded.format,
        encrypted: decoded.encrypted,
        comment: decoded.comment,
        label,
        ...(path !== undefined ? { path } : {}),
      });
    } catch (error) {
      if (error instanceof KeyFormatError) throw corrupt(label, `${error.message}.`, error);
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

interface DecodedKey {
  readonly material: KeyMaterial;
  readonly comment: string;
  readonly encrypted: boolean;
  readonly format: KeyFormat;
}

const SSH1_MAGIC = 'SSH PRIVATE KEY FILE FORMAT 1.1\n';

/** Detects the format from the content and decodes it. */
async function decodeKey(bytes: Buffer, label: string, passphrase: string | undefined): Promise<DecodedKey> {
  // latin1 keeps every byte as one character, so offsets found in the text are byte offsets.
  let text = bytes.toString('latin1');
  if (text.startsWith('\xef\xbb\xbf')) text = text.slice(3);
  if (text.trim() === '') throw corrupt(label, 'it is empty.');
  if (text.startsWith(SSH1_MAGIC)) {
    throw unsupported(label, 'an SSH-1 (RSA1) key, for a protocol retired long ago', 'Create a new key (Porthole can generate one) and install it on the server.');
  }

  const ppk = /^PuTTY-User-Key-File-\d+:/m.exec(text);
  if (ppk) {
    const decoded = await decodePpk(Buffer.from(text.slice(ppk.index), 'latin1'), label, passphrase);
    return { ...decoded, format: decoded.version === 2 ? 'ppk-v2' : 'ppk-v3' };
  }
  if (text.includes('---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----')) {
    throw unsupported(label, 'an ssh.com (SECSH) private key', 'Load it in PuTTYgen and save it as a .ppk (or export an OpenSSH key), then import that file.');
  }

  const labels = pemLabels(text);
  const privateLabel = labels.find((l) => l.endsWith('PRIVATE KEY'));
  if (privateLabel !== undefined) {
    const block = readPemBlock(text, privateLabel);
    switch (privateLabel) {
      case 'OPENSSH PRIVATE KEY': {
        const decoded = decodeOpenSsh(block.text, block.body, label, passphrase);
        return { ...decoded, format: 'openssh' };
      }
      case 'PRIVATE KEY':
        return { ...decodePkcs8(block, label), comment: '', format: 'pkcs8' };
      case 'ENCRYPTED PRIVATE KEY':
        return { ...decodeEncryptedPkcs8(block, label, passphrase), comment: '', format: 'pkcs8' };
      default:
        if ((TRADITIONAL_LABELS as readonly string[]).includes(privateLabel)) return { ...decodeTraditionalPem(block, label, passphrase), comment: '', format: 'pem' };
        throw unsupported(label, `a "${privateLabel}" file`);
    }
  }
  if (labels.some((l) => l.endsWith('PUBLIC KEY')) || text.includes('---- BEGIN SSH2 PUBLIC KEY ----') || OPENSSH_PUBLIC_LINE.test(text)) {
    throw publicKeyGiven(label);
  }
  if (labels.length > 0) throw unsupported(label, `a "${labels[0]}" file, not an SSH private key`);
  if (bytes[0] === 0x30 && isBinary(bytes)) return { ...decodeDer(bytes, label, passphrase), comment: '', format: 'der' };
  throw unknownFormat(label);
}

/** A public key line as in .pub files and authorized_keys (possibly with options in front). */
const OPENSSH_PUBLIC_LINE = /(?:^|\s)(?:ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+|[a-z0-9-]+-cert-v01@openssh\.com)\s+AAAA[A-Za-z0-9+/]{8,}/m;

function isBinary(bytes: Buffer): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f]/.test(bytes.subarray(0, 4096).toString('latin1'));
}
