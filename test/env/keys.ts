/** Key pairs made by the real ssh-keygen, and fingerprints as ssh-keygen itself prints them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecked } from './processes';

export interface KeyPair {
  readonly privatePath: string;
  readonly publicPath: string;
  readonly publicLine: string;
  /** `SHA256:...` exactly as `ssh-keygen -lf` prints it. */
  readonly fingerprint: string;
}

export type KeyType = 'ed25519' | 'ecdsa' | 'rsa';

export async function generateKeyPair(
  dir: string,
  name: string,
  { type = 'ed25519', passphrase = '', comment = name }: { type?: KeyType; passphrase?: string; comment?: string } = {},
): Promise<KeyPair> {
  const privatePath = join(dir, name);
  const args = ['-q', '-t', type, '-N', passphrase, '-C', comment, '-f', privatePath];
  if (type === 'rsa') args.push('-b', '3072');
  await runChecked('ssh-keygen', args);
  const publicPath = `${privatePath}.pub`;
  return { privatePath, publicPath, publicLine: readFileSync(publicPath, 'utf8').trim(), fingerprint: await fingerprintOf(publicPath) };
}

/** `ssh-keygen -lf FILE` prints `256 SHA256:xxxx comment (ED25519)`; this returns `SHA256:xxxx`. */
export async function fingerprintOf(publicKeyPath: string): Promise<string> {
  const output = await runChecked('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyPath]);
  const match = /\b(SHA256:[A-Za-z0-9+/]+)/.exec(output);
  if (!match?.[1]) throw new Error(`unexpected ssh-keygen -l output: ${output}`);
  return match[1];
}
