/**
 * The CPU-heavy key work, as jobs: a typed table of request -> reply, and the one function
 * that runs a job on the current thread. The key worker runs it for the main thread; the
 * benchmark runs it inline to measure what the main thread used to go through. Requests
 * and replies are plain data (they cross threads by structured clone, in memory only:
 * passphrases never touch argv, the environment or disk), so Buffers arrive as
 * Uint8Arrays and are turned back into Buffers on each side.
 */
import { decodeKeyBytes, type DecodeRequest } from './decode';
import { keyInfo, withPrivateParts, type ImportedKey, type KeyInfo } from './imported-key';
import { unlockLoginKey, type UnlockReply, type UnlockRequest } from './login-key';
import { makeKeyPair, type KeyPairSpec } from './make-key-pair';

/** An ImportedKey as it crosses threads: its facts, and its private parts as bytes. */
export interface WireKey {
  readonly info: KeyInfo;
  readonly privateKey: Uint8Array;
  readonly encryptedPrivateKey?: Uint8Array;
}

interface KeyJobTable {
  /** importKey's decode: bytes + passphrase -> the key (KDF, decryption, checks, conversion). */
  decode: { request: DecodeRequest; reply: WireKey };
  /** generateKey: a new pair, encrypted with the passphrase if any, read back. */
  generate: { request: KeyPairSpec; reply: WireKey };
  /** loadIdentities: ssh2's parseKey with a passphrase. */
  unlock: { request: UnlockRequest; reply: UnlockReply };
}

export type KeyJobKind = keyof KeyJobTable;
export type KeyJob<K extends KeyJobKind = KeyJobKind> = { [P in K]: { readonly kind: P; readonly request: KeyJobTable[P]['request'] } }[K];
export type KeyJobReply<K extends KeyJobKind = KeyJobKind> = KeyJobTable[K]['reply'];

export async function runKeyJob<K extends KeyJobKind>(job: KeyJob<K>): Promise<KeyJobReply<K>> {
  return (await runAny(job as KeyJob)) as KeyJobReply<K>;
}

async function runAny(job: KeyJob): Promise<KeyJobReply> {
  switch (job.kind) {
    case 'decode': {
      const { request } = job;
      return toWire(await decodeKeyBytes({ ...request, bytes: asBuffer(request.bytes) }));
    }
    case 'generate':
      return toWire(await makeKeyPair(job.request));
    case 'unlock': {
      const { request } = job;
      return unlockLoginKey({ ...request, data: typeof request.data === 'string' ? request.data : asBuffer(request.data) });
    }
  }
}

export function toWire(key: ImportedKey): WireKey {
  return { info: keyInfo(key), privateKey: key.privateKey, ...(key.encryptedPrivateKey ? { encryptedPrivateKey: key.encryptedPrivateKey } : {}) };
}

export function fromWire(wire: WireKey): ImportedKey {
  return withPrivateParts(wire.info, asBuffer(wire.privateKey), wire.encryptedPrivateKey ? asBuffer(wire.encryptedPrivateKey) : undefined);
}

/** A Buffer over the same bytes (structured clone turns Buffers into plain Uint8Arrays). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
