/**
 * What every import (and generation) produces: the facts about the key that may be shown
 * and stored anywhere, plus the private key converted to unencrypted OpenSSH format, in
 * memory. The private parts are non-enumerable, so JSON.stringify, console.log or a spread
 * of an ImportedKey never carries them; only code that asks for `.privateKey` by name does.
 */
import { utils } from 'ssh2';
import { unsupported } from './errors';
import { bitsOf, checkConsistent, checkUsableForSsh, keyTypeOf, publicBlob, toOpenSshPrivateKey, type KeyMaterial, type SshKeyType } from './material';
import { sha256Fingerprint } from './wire';

/** Where the key came from. `generated` keys were made by Porthole. */
export type KeyFormat = 'openssh' | 'pem' | 'pkcs8' | 'der' | 'ppk-v2' | 'ppk-v3' | 'generated';

export interface KeyInfo {
  readonly type: SshKeyType;
  readonly bits: number;
  readonly format: KeyFormat;
  /** Whether the source was protected by a passphrase. */
  readonly encrypted: boolean;
  readonly comment: string;
  /** The OpenSSH public key line, e.g. `ssh-ed25519 AAAA... comment`. */
  readonly publicKey: string;
  /** `SHA256:...`, exactly as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
  /** Absolute path of the file it was read from, when it was read from a file. */
  readonly path?: string;
}

export interface ImportedKey extends KeyInfo {
  /** Unencrypted OpenSSH private key (PEM text as bytes), accepted by ssh2's utils.parseKey. Not enumerable. */
  readonly privateKey: Buffer;
  /**
   * Generated keys with a passphrase only: the same key encrypted with it (OpenSSH format).
   * This is what the key store keeps, so logging in with it asks for the passphrase.
   * Not enumerable.
   */
  readonly encryptedPrivateKey?: Buffer;
}

export interface BuildOptions {
  readonly format: KeyFormat;
  readonly encrypted: boolean;
  readonly comment: string;
  readonly path?: string;
  readonly label: string;
  readonly encryptedPrivateKey?: Buffer;
}

/** Checks the numbers, converts, and proves ssh2 can sign with the result. */
export function buildImportedKey(material: KeyMaterial, options: BuildOptions): ImportedKey {
  checkConsistent(material);
  checkUsableForSsh(material, options.label);
  const type = keyTypeOf(material);
  const blob = publicBlob(material);
  const comment = cleanComment(options.comment);
  const privateKey = toOpenSshPrivateKey(material, comment);
  proveUsable(privateKey, blob, options.label);
  const info: KeyInfo = {
    type,
    bits: bitsOf(material),
    format: options.format,
    encrypted: options.encrypted,
    comment,
    publicKey: `${type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`,
    fingerprint: sha256Fingerprint(blob),
    ...(options.path !== undefined ? { path: options.path } : {}),
  };
  return withPrivateParts(info, privateKey, options.encryptedPrivateKey);
}

/** The same key with a different origin (generated keys) and, optionally, its encrypted form. */
export function withOrigin(key: ImportedKey, origin: { readonly format: KeyFormat; readonly encryptedPrivateKey?: Buffer }): ImportedKey {
  return withPrivateParts({ ...keyInfo(key), format: origin.format }, key.privateKey, origin.encryptedPrivateKey);
}

/** An ImportedKey from its shareable facts and private parts (e.g. as they come back from the key worker). */
export function withPrivateParts(info: KeyInfo, privateKey: Buffer, encryptedPrivateKey: Buffer | undefined): ImportedKey {
  const key = { ...info } as ImportedKey;
  Object.defineProperty(key, 'privateKey', { value: privateKey, enumerable: false });
  if (encryptedPrivateKey) Object.defineProperty(key, 'encryptedPrivateKey', { value: encryptedPrivateKey, enumerable: false });
  return Object.freeze(key);
}

/** The shareable facts of a key, without any private part. */
export function keyInfo(key: KeyInfo): KeyInfo {
  const { type, bits, format, encrypted, comment, publicKey, fingerprint, path } = key;
  return { type, bits, format, encrypted, comment, publicKey, fingerprint, ...(path !== undefined ? { path } : {}) };
}

/** One line, no control characters: comments end up in authorized_keys lines. */
function cleanComment(comment: string): string {
  // eslint-disable-next-line no-control-regex
  return comment.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

const PROBE = Buffer.from('porthole key check');

function proveUsable(privateKey: Buffer, blob: Buffer, label: string): void {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error || !parsed.isPrivateKey() || !parsed.getPublicSSH().equals(blob)) {
    // Our own output not round-tripping is a bug, not the user's file.
    throw new Error(`the converted key does not read back in ssh2 (${parsed instanceof Error ? parsed.message : 'public key differs'})`);
  }
  let signs: boolean;
  try {
    const signature: unknown = parsed.sign(PROBE);
    signs = signature instanceof Buffer && parsed.verify(PROBE, signature) === true;
  } catch {
    signs = false;
  }
  if (!signs) {
    throw unsupported(label, `a ${parsed.type} key that the SSH library cannot sign with`, 'Create a new key (Porthole can generate an Ed25519 key) and install it on the server.');
  }
}
