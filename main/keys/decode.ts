/**
 * Bytes (+ passphrase) -> ImportedKey, on whichever thread calls it: format detection from
 * the content, decryption (Argon2, bcrypt, scrypt/PBKDF2, as the format says), the checks
 * on the numbers, and the conversion to OpenSSH. All the CPU-heavy part of an import is
 * here, so the key worker runs exactly this (see key-jobs.ts); import.ts keeps the file
 * reading and the passphrase questions on the main thread.
 */
import { pemLabels, readPemBlock } from './armor';
import { corrupt, KeyFormatError, publicKeyGiven, unknownFormat, unsupported } from './errors';
import { buildImportedKey, type ImportedKey, type KeyFormat } from './imported-key';
import type { KeyMaterial } from './material';
import { decodeOpenSsh } from './openssh';
import { decodeDer, decodeEncryptedPkcs8, decodePkcs8, decodeTraditionalPem, TRADITIONAL_LABELS } from './pem';
import { decodePpk } from './ppk';

export interface DecodeRequest {
  readonly bytes: Buffer;
  /** How the user knows the key: a file name or "the pasted key". */
  readonly label: string;
  readonly path?: string;
  readonly passphrase?: string;
}

/** Throws PortholeError (keys.*) for anything wrong with the key, its format or the passphrase. */
export async function decodeKeyBytes(request: DecodeRequest): Promise<ImportedKey> {
  const { bytes, label, path, passphrase } = request;
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
    throw error;
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
