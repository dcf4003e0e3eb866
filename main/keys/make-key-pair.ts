/**
 * A new key pair, on whichever thread calls it (the key worker, normally): ssh2 makes it in
 * OpenSSH format (Node's crypto underneath), encrypting it with the passphrase if there is
 * one (bcrypt KDF, aes256-ctr, as ssh-keygen does), and it is read back through the
 * importer: the same checks and conversion as every other key. Both bcrypt runs (the
 * encryption and the read-back) are why this belongs off the main thread.
 */
import { utils } from 'ssh2';
import { decodeKeyBytes } from './decode';
import { withOrigin, type ImportedKey } from './imported-key';

export type GeneratedKeyType = 'ed25519' | 'rsa';

/** Already checked by generateKey: a known type, a sensible size, a comment. */
export interface KeyPairSpec {
  readonly type: GeneratedKeyType;
  readonly bits: number;
  readonly comment: string;
  readonly passphrase?: string;
}

/** ssh-keygen's default bcrypt rounds. */
const KDF_ROUNDS = 16;

export async function makeKeyPair(spec: KeyPairSpec): Promise<ImportedKey> {
  const { type, bits, comment, passphrase } = spec;
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
  const imported = await decodeKeyBytes({ bytes: generated, label: 'the new key', ...(passphrase !== undefined ? { passphrase } : {}) });
  return withOrigin(imported, { format: 'generated', ...(passphrase !== undefined ? { encryptedPrivateKey: generated } : {}) });
}
