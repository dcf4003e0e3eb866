/**
 * New key pairs: Ed25519 by default (small, fast, accepted by every current server), RSA
 * 3072 for servers that still want RSA. Made by ssh2 (Node's crypto underneath) in OpenSSH
 * format; with a passphrase the stored form is encrypted with it (bcrypt KDF, aes256-ctr,
 * as ssh-keygen does), so logging in with the key asks for it.
 */
import { hostname, userInfo } from 'node:os';
import { utils } from 'ssh2';
import { PortholeError } from '../shared/errors';
import { withOrigin, type ImportedKey } from './imported-key';
import { importKey } from './import';

export type GeneratedKeyType = 'ed25519' | 'rsa';

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
/** ssh-keygen's default bcrypt rounds. */
const KDF_ROUNDS = 16;

export async function generateKey(options: GenerateOptions = {}): Promise<ImportedKey> {
  const type = options.type ?? 'ed25519';
  if (type !== 'ed25519' && type !== 'rsa') throw badOption(`Porthole cannot generate "${String(type)}" keys.`, 'Choose ed25519 (recommended) or rsa.');
  const bits = options.bits ?? DEFAULT_RSA_BITS;
  if (type === 'rsa' && (!Number.isInteger(bits) || bits < 2048 || bits > 8192 || bits % 8 !== 0)) {
    throw badOption(`${bits} bits is not a sensible RSA key size.`, 'Use 3072 (the default) or 4096.');
  }
  const comment = options.comment ?? defaultComment();
  const passphrase = options.passphrase ? options.passphrase : undefined;
  const pair = await new Promise<{ private: string }>((resolve, reject) => {
    const settings = {
      comment,
      ...(passphrase !== undefined ? { passphrase, cipher: 'aes256-ctr', rounds: KDF_ROUNDS } : {}),
    };
    const done = (error: Error | null, keys: { private: string }) => (error ? reject(error) : resolve(keys));
    if (type === 'rsa') utils.generateKeyPair('rsa', { bits, ...settings }, done);
    else utils.generateKeyPair('ed25519', settings, done);
  });
  const generated = Buffer.from(pair.private, 'utf8');
  // Read back through the importer: the same checks and conversion as every other key.
  const imported = await importKey({ text: generated, label: 'the new key' }, passphrase !== undefined ? { passphrase } : {});
  return withOrigin(imported, { format: 'generated', ...(passphrase !== undefined ? { encryptedPrivateKey: generated } : {}) });
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
