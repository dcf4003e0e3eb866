/**
 * OpenSSH private keys ("openssh-key-v1", what ssh-keygen writes by default). The outer
 * container is read here first, to refuse what Porthole cannot use (security-key and
 * certificate types, unknown KDFs, absurd bcrypt round counts) by name and before any
 * expensive work; decryption and field parsing are ssh2's (its bcrypt_pbkdf), and the
 * numbers then go through the same checks as every other format.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { utils } from 'ssh2';
import { KeyFormatError, passphraseRequired, unsupported, wrongPassphrase } from './errors';
import { isSupportedKeyType, materialFromKeyObject, publicBlob, type KeyMaterial } from './material';
import { WireReader } from './wire';

export interface DecodedOpenSsh {
  readonly material: KeyMaterial;
  readonly comment: string;
  readonly encrypted: boolean;
}

/**
 * ssh-keygen's default is 16 and hardening guides say 64-100. ssh2's bcrypt_pbkdf is plain
 * JS (~20 ms a round here; it runs on the key worker, not the main thread), so the cap
 * bounds how long a damaged or hostile file can hold the worker: 256 rounds is a few
 * seconds, well inside the worker's per-job time limit.
 */
export const MAX_BCRYPT_ROUNDS = 256;

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

/** `pemText` is the canonical armored block, `body` its decoded bytes. */
export function decodeOpenSsh(pemText: string, body: Buffer, label: string, passphrase: string | undefined): DecodedOpenSsh {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) throw new KeyFormatError('it does not start like an OpenSSH key');
  const r = new WireReader(body.subarray(MAGIC.length), 'the key');
  const cipher = r.text();
  const kdf = r.text();
  const kdfOptions = r.string();
  const keyCount = r.uint32();
  if (keyCount === 0) throw new KeyFormatError('it holds no key');
  if (keyCount > 1) throw unsupported(label, `a file holding ${keyCount} keys`, 'Split it into one file per key with ssh-keygen.');
  const outerPublic = r.string();
  const type = new WireReader(outerPublic, 'the public key').text();
  if (!isSupportedKeyType(type)) throw unsupported(label, describeOpenSshType(type), hintForOpenSshType(type));

  const encrypted = cipher !== 'none';
  if (encrypted) {
    if (kdf !== 'bcrypt') throw unsupported(label, `an OpenSSH key protected with the key derivation "${kdf.slice(0, 40)}"`);
    const options = new WireReader(kdfOptions, 'the key derivation options');
    options.string(); // salt
    const rounds = options.uint32();
    if (rounds === 0) throw new KeyFormatError('the key derivation has zero rounds');
    if (rounds > MAX_BCRYPT_ROUNDS) {
      throw unsupported(label, `an OpenSSH key protected with ${rounds} bcrypt rounds (over ${MAX_BCRYPT_ROUNDS})`, 'Re-save it with fewer rounds: ssh-keygen -p -a 64 -f KEYFILE');
    }
    if (passphrase === undefined) throw passphraseRequired(label);
  } else if (kdf !== 'none') {
    throw new KeyFormatError('it names a key derivation but no cipher');
  }

  let parsed: ReturnType<typeof utils.parseKey>;
  try {
    parsed = utils.parseKey(pemText, encrypted ? passphrase : undefined);
  } catch (error) {
    throw new KeyFormatError('its private part cannot be read', { cause: error });
  }
  if (parsed instanceof Error) {
    const message = parsed.message;
    const cipherMatch = /Unsupported cipher for OpenSSH key: (.*)/.exec(message);
    if (cipherMatch) throw unsupported(label, `an OpenSSH key encrypted with "${cipherMatch[1]!.slice(0, 40)}"`, 'Re-save it with the default cipher: ssh-keygen -p -f KEYFILE');
    if (/Unsupported OpenSSH private key type/.test(message)) throw unsupported(label, describeOpenSshType(type));
    // Decryption with a wrong passphrase shows as failed check bytes (or a failed AEAD tag).
    if (encrypted && !/Malformed/.test(message)) throw wrongPassphrase(label);
    throw new KeyFormatError('its private part cannot be read', { cause: parsed });
  }
  const key = Array.isArray(parsed) ? (parsed as unknown[])[0] : parsed;
  if (key === undefined || key === null || typeof (key as { getPrivatePEM?: unknown }).getPrivatePEM !== 'function') throw new KeyFormatError('it holds no private key');
  const parsedKey = key as Exclude<typeof parsed, Error>;

  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(parsedKey.getPrivatePEM());
  } catch (error) {
    throw new KeyFormatError('its private numbers are invalid', { cause: error });
  }
  const material = materialFromKeyObject(privateKey, label);
  if (!publicBlob(material).equals(outerPublic)) throw new KeyFormatError('its public and private parts hold different keys');
  return { material, comment: parsedKey.comment, encrypted };
}

export function describeOpenSshType(type: string): string {
  const name = type.slice(0, 60);
  if (name.startsWith('sk-')) return `a security-key (FIDO) key of type ${name}`;
  if (name.includes('-cert-')) return `an OpenSSH certificate (${name})`;
  if (name === 'ssh-ed448') return 'an Ed448 key';
  return `a key of type "${name}"`;
}

function hintForOpenSshType(type: string): string | undefined {
  if (type.startsWith('sk-')) return 'A security-key key works only with its hardware token through ssh-agent; let Porthole use your ssh-agent instead of importing it.';
  if (type.includes('-cert-')) return 'Import the private key file that goes with the certificate (without -cert.pub).';
  return undefined;
}
