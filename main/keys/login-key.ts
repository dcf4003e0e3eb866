/**
 * What ssh2's utils.parseKey(data, passphrase) does for a login, on whichever thread calls
 * it (the key worker, normally): with a passphrase it runs the key's KDF (bcrypt for
 * OpenSSH keys, ~25 ms a round in plain JS), which is the slow part. A ParsedKey cannot
 * cross threads, so a private key comes back as an unencrypted OpenSSH key that the main
 * thread parses again cheaply; errors come back as ssh2's own message, so they are
 * classified exactly as before.
 */
import { createPrivateKey } from 'node:crypto';
import { utils } from 'ssh2';
import { materialFromKeyObject, publicBlob, toOpenSshPrivateKey } from './material';

export interface UnlockRequest {
  /** The key file's content as given by the user (file or vault record). */
  readonly data: Buffer | string;
  readonly passphrase: string;
  /** For error messages only. */
  readonly label: string;
}

export type UnlockReply =
  /** Decrypted: the same key, unencrypted, in OpenSSH format. */
  | { readonly kind: 'private'; readonly privateKey: Buffer }
  /** A public key: the caller parses it itself (no KDF is involved) and says so. */
  | { readonly kind: 'public' }
  /** ssh2 refused it (wrong passphrase, unsupported, damaged): its message, for the classifier. */
  | { readonly kind: 'error'; readonly message: string };

export function unlockLoginKey(request: UnlockRequest): UnlockReply {
  const parsed = utils.parseKey(request.data, request.passphrase);
  if (parsed instanceof Error) return { kind: 'error', message: parsed.message };
  const key = Array.isArray(parsed) ? (parsed as unknown[])[0] as typeof parsed : parsed;
  if (key === undefined || !key.isPrivateKey()) return { kind: 'public' };
  const material = materialFromKeyObject(createPrivateKey(key.getPrivatePEM()), request.label);
  // Our conversion not giving back the same key is a bug, never the user's file.
  if (!publicBlob(material).equals(key.getPublicSSH())) throw new Error(`the decrypted ${request.label} does not convert back to the same key`);
  return { kind: 'private', privateKey: toOpenSshPrivateKey(material, key.comment) };
}
