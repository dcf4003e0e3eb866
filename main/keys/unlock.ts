/**
 * ssh2's utils.parseKey(data, passphrase) for logins, with the key derivation on the key
 * worker thread: an encrypted OpenSSH key costs ~16 bcrypt rounds of plain JS (~0.4 s),
 * which on the main thread would freeze the window and every open tunnel. Same result
 * shape as utils.parseKey, so callers classify its errors as they always did.
 */
import { utils, type ParsedKey } from 'ssh2';
import { asBuffer } from './key-jobs';
import { keyWork } from './key-work';

export async function parseKeyOffThread(data: Buffer | string, passphrase: string, label: string): Promise<ParsedKey | Error> {
  const reply = await keyWork({ kind: 'unlock', request: { data, passphrase, label } }, `unlocking ${label}`);
  switch (reply.kind) {
    case 'error':
      return new Error(reply.message);
    case 'public':
      // No KDF for a public key: parsed here, so the caller can say it is not a private key.
      return firstKey(utils.parseKey(data));
    case 'private':
      return firstKey(utils.parseKey(asBuffer(reply.privateKey)));
  }
}

function firstKey(parsed: ReturnType<typeof utils.parseKey>): ParsedKey | Error {
  return Array.isArray(parsed) ? ((parsed as unknown[])[0] as ParsedKey | undefined) ?? new Error('no key in the data') : parsed;
}
