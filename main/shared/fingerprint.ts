import { createHash } from 'node:crypto';

/**
 * The OpenSSH fingerprint of a public key blob, exactly as `ssh-keygen -lf` prints it:
 * `SHA256:` + unpadded base64 of SHA-256 over the raw (wire-format) key blob.
 */
export function sha256Fingerprint(keyBlob: Uint8Array): string {
  const digest = createHash('sha256').update(keyBlob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** The key blob of an OpenSSH public key line (`ssh-ed25519 AAAA... comment`). */
export function keyBlobFromPublicKeyLine(line: string): Buffer {
  const base64 = line.trim().split(/\s+/)[1];
  if (base64 === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new Error('Not an OpenSSH public key line.');
  }
  return Buffer.from(base64, 'base64');
}
