/**
 * PuTTY private key files (.ppk), versions 2 and 3, as PuTTY's sshpubk.c writes them:
 *
 *   PuTTY-User-Key-File-<2|3>: <algorithm>
 *   Encryption: none | aes256-cbc
 *   Comment: <text>
 *   Public-Lines: <n>            followed by n lines of base64 (the SSH public key blob)
 *   Key-Derivation: Argon2id|i|d  \
 *   Argon2-Memory: <KiB>           |  version 3, encrypted files only
 *   Argon2-Passes: <n>             |
 *   Argon2-Parallelism: <n>        |
 *   Argon2-Salt: <hex>            /
 *   Private-Lines: <n>           followed by n lines of base64 (the private fields)
 *   Private-MAC: <hex>
 *
 * Encryption is AES-256-CBC without padding. Version 2 derives the key as
 * SHA-1(00000000 || passphrase) || SHA-1(00000001 || passphrase), truncated to 32 bytes,
 * with a zero IV; the MAC is HMAC-SHA-1 keyed with SHA-1("putty-private-key-file-mac-key"
 * || passphrase). Version 3 runs Argon2 over the passphrase and salt to 80 bytes: AES key
 * (32), IV (16), HMAC-SHA-256 key (32); unencrypted v3 files use an empty MAC key. The MAC
 * covers, as SSH strings: algorithm, encryption, comment, public blob, decrypted private
 * blob (with its padding). The MAC is always checked: it is what tells a damaged file or a
 * wrong passphrase from a key.
 */
import { createDecipheriv, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { argon2d, argon2i, argon2id } from 'hash-wasm';
import { corrupt, KeyFormatError, passphraseRequired, unsupported, wrongPassphrase } from './errors';
import { checkConsistent, CURVES, isSupportedKeyType, type EcdsaCurve, type KeyMaterial } from './material';
import { decodeBase64, WireReader, WireWriter } from './wire';

export interface DecodedPpk {
  readonly version: 2 | 3;
  readonly material: KeyMaterial;
  readonly comment: string;
  readonly encrypted: boolean;
}

/** PuTTY refuses more lines than this too (its MAX_KEY_BLOB_LINES); real keys need < 40. */
const MAX_BLOB_LINES = 1024;

/**
 * Argon2 limits: PuTTYgen's defaults are 8 MiB and ~100 ms of passes. These caps keep a
 * hostile or damaged file from tying Porthole up for minutes or exhausting memory.
 */
export const ARGON2_LIMITS = { maxMemoryKiB: 256 * 1024, maxPasses: 1024, maxWorkKiB: 4 * 1024 * 1024, maxParallelism: 16 } as const;

const ARGON2 = { Argon2id: argon2id, Argon2i: argon2i, Argon2d: argon2d } as const;

interface PpkFile {
  readonly version: 2 | 3;
  readonly algorithm: string;
  readonly encryption: 'none' | 'aes256-cbc';
  readonly commentBytes: Buffer;
  readonly publicBlob: Buffer;
  readonly kdf?: { readonly flavour: keyof typeof ARGON2; readonly memory: number; readonly passes: number; readonly parallelism: number; readonly salt: Buffer };
  readonly privateBlob: Buffer;
  readonly mac: Buffer;
}

/** `data` starts with the `PuTTY-User-Key-File-` line; it is read as bytes (comments may be in any code page). */
export async function decodePpk(data: Buffer, label: string, passphrase: string | undefined): Promise<DecodedPpk> {
  const file = parsePpkFile(data, label);
  const encrypted = file.encryption !== 'none';
  if (encrypted && passphrase === undefined) throw passphraseRequired(label);
  const secret = Buffer.from(encrypted ? (passphrase ?? '') : '', 'utf8');

  let cipherKey: Buffer | undefined;
  let iv: Buffer | undefined;
  let macKey: Buffer;
  if (file.version === 2) {
    const sha1 = (...parts: Buffer[]) => createHash('sha1').update(Buffer.concat(parts)).digest();
    if (encrypted) {
      cipherKey = Buffer.concat([sha1(Buffer.from([0, 0, 0, 0]), secret), sha1(Buffer.from([0, 0, 0, 1]), secret)]).subarray(0, 32);
      iv = Buffer.alloc(16);
    }
    macKey = sha1(Buffer.from('putty-private-key-file-mac-key', 'latin1'), secret);
  } else if (file.kdf) {
    const derived = await runArgon2(file.kdf, secret);
    cipherKey = derived.subarray(0, 32);
    iv = derived.subarray(32, 48);
    macKey = derived.subarray(48, 80);
  } else {
    macKey = Buffer.alloc(0);
  }

  let privatePlain = file.privateBlob;
  if (cipherKey && iv) {
    if (file.privateBlob.length === 0 || file.privateBlob.length % 16 !== 0) throw new KeyFormatError('the encrypted private part has an impossible length');
    const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv).setAutoPadding(false);
    privatePlain = Buffer.concat([decipher.update(file.privateBlob), decipher.final()]);
  }

  const macData = new WireWriter()
    .string(file.algorithm)
    .string(file.encryption)
    .string(file.commentBytes)
    .string(file.publicBlob)
    .string(privatePlain)
    .toBuffer();
  const expected = createHmac(file.version === 2 ? 'sha1' : 'sha256', macKey).update(macData).digest();
  const macOk = expected.length === file.mac.length && timingSafeEqual(expected, file.mac);
  if (!macOk) {
    if (!encrypted) throw corrupt(label, 'its integrity check (Private-MAC) failed, so the file was changed or damaged.');
    // Encrypted: a wrong passphrase decrypts into noise. If the private part decrypted into
    // the very key the public part describes, or at least starts like a key (its first
    // length field fits; noise does that about once in a million), the passphrase was right
    // and the file was changed.
    if (decryptedIntoTheKey(file, privatePlain)) throw corrupt(label, 'its integrity check (Private-MAC) failed although the passphrase is right, so the file was changed or damaged.');
    if (startsLikeAKey(privatePlain)) throw corrupt(label, 'its private part is damaged (its integrity check, Private-MAC, failed).');
    throw wrongPassphrase(label);
  }
  return { version: file.version, material: keyMaterial(file.algorithm, file.publicBlob, privatePlain), comment: decodeComment(file.commentBytes), encrypted };
}

function decryptedIntoTheKey(file: PpkFile, privatePlain: Buffer): boolean {
  try {
    checkConsistent(keyMaterial(file.algorithm, file.publicBlob, privatePlain));
    return true;
  } catch {
    return false;
  }
}

function startsLikeAKey(privatePlain: Buffer): boolean {
  if (privatePlain.length < 4) return false;
  const first = privatePlain.readUInt32BE(0);
  return first > 0 && first <= privatePlain.length - 4;
}

function parsePpkFile(data: Buffer, label: string): PpkFile {
  // latin1 maps bytes 1:1, so the comment's bytes survive for the MAC.
  const lines = data.toString('latin1').split(/\r?\n/).map((line) => line.replace(/[ \t\r]+$/, ''));
  let index = 0;
  const next = (): string => {
    const line = lines[index++];
    if (line === undefined) throw new KeyFormatError('the file ends early');
    return line;
  };
  const header = (name: string): string => {
    const line = next();
    const prefix = `${name}: `;
    if (!line.startsWith(prefix) && line !== `${name}:`) throw new KeyFormatError(`line ${index} should start with "${name}:"`);
    return line.slice(prefix.length);
  };
  const count = (name: string, max: number): number => {
    const value = header(name);
    if (!/^\d{1,9}$/.test(value) || Number(value) > max) throw new KeyFormatError(`"${name}: ${value.slice(0, 20)}" is not a sensible number`);
    return Number(value);
  };
  const blob = (name: string): Buffer => {
    const n = count(name, MAX_BLOB_LINES);
    const body: string[] = [];
    for (let i = 0; i < n; i++) body.push(next());
    return decodeBase64(body.join(''), `the ${name === 'Public-Lines' ? 'public' : 'private'} part`);
  };

  const first = /^PuTTY-User-Key-File-(\d+): (.*)$/.exec(next());
  if (!first) throw new KeyFormatError('the first line is not a PuTTY key header');
  const version = Number(first[1]);
  const algorithm = first[2]!;
  if (version === 1) {
    throw unsupported(label, 'a PuTTY key file in the old format 1', 'Open it in PuTTYgen (0.75 or newer) and save it again with "Save private key", then import the new .ppk.');
  }
  if (version !== 2 && version !== 3) throw unsupported(label, `a PuTTY key file of format ${version}, newer than Porthole knows`, 'Save it from PuTTYgen as an OpenSSH key (Conversions > Export OpenSSH key) and import that.');
  if (!isSupportedKeyType(algorithm)) throw unsupported(label, describeUnsupportedAlgorithm(algorithm), unsupportedAlgorithmHint(algorithm));

  const encryption = header('Encryption');
  if (encryption !== 'none' && encryption !== 'aes256-cbc') throw unsupported(label, `a PuTTY key encrypted with "${encryption.slice(0, 40)}"`);
  const commentBytes = Buffer.from(header('Comment'), 'latin1');
  const publicBlob = blob('Public-Lines');

  let kdf: PpkFile['kdf'];
  if (version === 3 && encryption !== 'none') {
    const flavour = header('Key-Derivation');
    if (!(flavour in ARGON2)) throw unsupported(label, `a PuTTY key protected with the key derivation "${flavour.slice(0, 40)}"`);
    const memory = count('Argon2-Memory', Number.MAX_SAFE_INTEGER);
    const passes = count('Argon2-Passes', Number.MAX_SAFE_INTEGER);
    const parallelism = count('Argon2-Parallelism', Number.MAX_SAFE_INTEGER);
    const saltHex = header('Argon2-Salt');
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(saltHex)) throw new KeyFormatError('the Argon2 salt is not hexadecimal');
    kdf = { flavour: flavour as keyof typeof ARGON2, memory, passes, parallelism, salt: Buffer.from(saltHex, 'hex') };
    checkArgon2Limits(kdf, label);
  }
  const privateBlob = blob('Private-Lines');
  const macHex = header('Private-MAC');
  if (!/^[0-9a-fA-F]+$/.test(macHex) || macHex.length !== (version === 2 ? 40 : 64)) throw new KeyFormatError('the Private-MAC line is garbled');
  return { version, algorithm, encryption, commentBytes, publicBlob, ...(kdf ? { kdf } : {}), privateBlob, mac: Buffer.from(macHex, 'hex') };
}

function checkArgon2Limits(kdf: NonNullable<PpkFile['kdf']>, label: string): void {
  const { memory, passes, parallelism } = kdf;
  // Argon2 itself needs at least 8 KiB per lane, one pass, one lane, and an 8-byte salt.
  if (passes < 1 || parallelism < 1 || memory < 8 * parallelism || kdf.salt.length < 8) throw new KeyFormatError('the Argon2 parameters are impossible');
  if (memory > ARGON2_LIMITS.maxMemoryKiB || passes > ARGON2_LIMITS.maxPasses || parallelism > ARGON2_LIMITS.maxParallelism || memory * passes > ARGON2_LIMITS.maxWorkKiB) {
    throw unsupported(
      label,
      `a PuTTY key protected with unusually expensive Argon2 settings (${memory} KiB, ${passes} passes, ${parallelism} lanes)`,
      'Open it in PuTTYgen, and save it again with the default parameters (Key > Parameters for saving key files).',
    );
  }
}

async function runArgon2(kdf: NonNullable<PpkFile['kdf']>, secret: Buffer): Promise<Buffer> {
  try {
    const output = await ARGON2[kdf.flavour]({
      password: secret,
      salt: kdf.salt,
      parallelism: kdf.parallelism,
      iterations: kdf.passes,
      memorySize: kdf.memory,
      hashLength: 80,
      outputType: 'binary',
    });
    return Buffer.from(output);
  } catch (error) {
    throw new KeyFormatError('the Argon2 parameters are impossible', { cause: error });
  }
}

/** The numbers from a PuTTY public blob and (decrypted) private blob. */
function keyMaterial(algorithm: string, publicBlob: Buffer, privatePlain: Buffer): KeyMaterial {
  const pub = new WireReader(publicBlob, 'the public part');
  // The private blob is followed by padding up to the cipher block: never read to its end.
  const priv = new WireReader(privatePlain, 'the private part');
  if (pub.text() !== algorithm) throw new KeyFormatError('the public part is for a different key type than the header says');
  let material: KeyMaterial;
  switch (algorithm) {
    case 'ssh-rsa': {
      const e = pub.mpint();
      const n = pub.mpint();
      const d = priv.mpint();
      const p = priv.mpint();
      const q = priv.mpint();
      priv.mpint(); // iqmp: recomputed when the key is written out
      material = { kind: 'rsa', n, e, d, p, q };
      break;
    }
    case 'ssh-dss': {
      const [p, q, g, y] = [pub.mpint(), pub.mpint(), pub.mpint(), pub.mpint()];
      material = { kind: 'dsa', p, q, g, y, x: priv.mpint() };
      break;
    }
    case 'ssh-ed25519': {
      const publicKey = pub.string();
      // PuTTY writes the secret scalar as a little-endian integer without its top zero bytes.
      const le = priv.string();
      if (le.length > 32) throw new KeyFormatError('the Ed25519 private part has the wrong length');
      material = { kind: 'ed25519', publicKey, seed: Buffer.concat([le, Buffer.alloc(32 - le.length)]) };
      break;
    }
    default: {
      const curve = algorithm.slice('ecdsa-sha2-'.length) as EcdsaCurve;
      if (!(curve in CURVES) || pub.text() !== curve) throw new KeyFormatError('the ECDSA curve does not match the key type');
      material = { kind: 'ecdsa', curve, publicPoint: pub.string(), d: priv.mpint() };
    }
  }
  pub.end();
  return material;
}

function decodeComment(bytes: Buffer): string {
  const utf8 = bytes.toString('utf8');
  // Older PuTTYgen on Windows wrote comments in the ANSI code page: show those as Latin-1.
  return Buffer.from(utf8, 'utf8').equals(bytes) ? utf8 : bytes.toString('latin1');
}

function describeUnsupportedAlgorithm(algorithm: string): string {
  const name = algorithm.slice(0, 60);
  if (name === 'ssh-ed448') return 'an Ed448 key';
  if (name.endsWith('-cert-v01@openssh.com')) return 'a key with an OpenSSH certificate attached';
  return `a "${name}" key`;
}

function unsupportedAlgorithmHint(algorithm: string): string | undefined {
  if (algorithm === 'ssh-ed448') return 'Few servers accept Ed448 and Porthole cannot use it. Create an Ed25519 key instead (Porthole can generate one).';
  if (algorithm.endsWith('-cert-v01@openssh.com')) return 'Remove the certificate in PuTTYgen (Key > Remove certificate from key), save, and import that file.';
  return undefined;
}
