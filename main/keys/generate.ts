/**
 * New key pairs: Ed25519 by default (small, fast, accepted by every current server), RSA
 * 3072 for servers that still want RSA. With a passphrase the stored form is encrypted
 * with it, so logging in with the key asks for it. The options are checked here; the
 * making (make-key-pair.ts) runs on the key worker thread.
 */
import { hostname, userInfo } from 'node:os';
import { PortholeError } from '../shared/errors';
import type { ImportedKey } from './imported-key';
import { fromWire } from './key-jobs';
import { keyWork } from './key-work';
import type { GeneratedKeyType } from './make-key-pair';

export type { GeneratedKeyType } from './make-key-pair';

export interface GenerateOptions {
  readonly type?: GeneratedKeyType;
  /** RSA only; default 3072. */
  readonly bits?: number;
  /** Default: user@host, as ssh-keygen does. */
  readonly comment?: string;
  /** Empty or absent: no passphrase. */
  readonly passphrase?: string;
}

export const DEFAULT_RSA_BITS = 3072;

export async function generateKey(options: GenerateOptions = {}): Promise<ImportedKey> {
  const type = options.type ?? 'ed25519';
  if (type !== 'ed25519' && type !== 'rsa') throw badOption(`Porthole cannot generate "${String(type)}" keys.`, 'Choose ed25519 (recommended) or rsa.');
  const bits = options.bits ?? DEFAULT_RSA_BITS;
  if (type === 'rsa' && (!Number.isInteger(bits) || bits < 2048 || bits > 8192 || bits % 8 !== 0)) {
    throw badOption(`${bits} bits is not a sensible RSA key size.`, 'Use 3072 (the default) or 4096.');
  }
  const comment = options.comment ?? defaultComment();
  const passphrase = options.passphrase ? options.passphrase : undefined;
  const request = { type, bits, comment, ...(passphrase !== undefined ? { passphrase } : {}) };
  return fromWire(await keyWork({ kind: 'generate', request }, `generating a new ${type === 'rsa' ? `${bits}-bit RSA` : 'Ed25519'} key`));
}

function defaultComment(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `porthole@${hostname()}`;
  }
}

function badOption(message: string, hint: string): PortholeError {
  return new PortholeError({ code: 'keys.invalid-option', message, hint, retryable: false });
}
