/**
 * The numbers that make up a private key, whatever file they came from, and the one place
 * they are checked and written out again. Every importer decodes into KeyMaterial; from it
 * come the public key blob (and so the fingerprint) and an unencrypted OpenSSH private key,
 * which is the only private form the rest of Porthole sees. The consistency checks make a
 * damaged file fail here, at import, rather than as a refused login later.
 */
import { createECDH, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { DerReader, TAG_OCTET_STRING } from './der';
import { PortholeError } from '../shared/errors';
import { KeyFormatError, unsupported } from './errors';
import { bigintToBytes, bitLength, bytesToBigint, modInverse, modPow, wrapBase64, WireWriter } from './wire';

export type EcdsaCurve = 'nistp256' | 'nistp384' | 'nistp521';

/** SSH key type names, as in public key lines and as ssh2 reports them. */
export type SshKeyType = 'ssh-ed25519' | 'ssh-rsa' | 'ssh-dss' | `ecdsa-sha2-${EcdsaCurve}`;

export type KeyMaterial =
  | { readonly kind: 'rsa'; readonly n: bigint; readonly e: bigint; readonly d: bigint; readonly p: bigint; readonly q: bigint }
  | { readonly kind: 'dsa'; readonly p: bigint; readonly q: bigint; readonly g: bigint; readonly y: bigint; readonly x: bigint }
  | { readonly kind: 'ecdsa'; readonly curve: EcdsaCurve; readonly publicPoint: Buffer; readonly d: bigint }
  | { readonly kind: 'ed25519'; readonly publicKey: Buffer; readonly seed: Buffer };

export const SUPPORTED_KEY_TYPES: readonly SshKeyType[] = ['ssh-ed25519', 'ssh-rsa', 'ssh-dss', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521'];

export function isSupportedKeyType(name: string): name is SshKeyType {
  return (SUPPORTED_KEY_TYPES as readonly string[]).includes(name);
}

interface CurveInfo {
  readonly openssl: string;
  readonly bytes: number;
  readonly bits: number;
}

export const CURVES: Readonly<Record<EcdsaCurve, CurveInfo>> = {
  nistp256: { openssl: 'prime256v1', bytes: 32, bits: 256 },
  nistp384: { openssl: 'secp384r1', bytes: 48, bits: 384 },
  nistp521: { openssl: 'secp521r1', bytes: 66, bits: 521 },
};

/**
 * Bigger than any real key; they bound the work a hostile or damaged file can cause (a
 * 32768-bit DSA exponent costs half a minute of modPow). Checked before any arithmetic.
 */
const MAX_MODULUS_BITS = 16384;
/** FIPS 186 DSA uses 160-, 224- or 256-bit subgroups. */
const MAX_DSA_Q_BITS = 512;
/** OpenSSL's own cap on RSA public exponents (RSA_MAX_PUBEXP_BITS). */
const MAX_RSA_E_BITS = 64;

export function keyTypeOf(material: KeyMaterial): SshKeyType {
  switch (material.kind) {
    case 'rsa':
      return 'ssh-rsa';
    case 'dsa':
      return 'ssh-dss';
    case 'ecdsa':
      return `ecdsa-sha2-${material.curve}`;
    case 'ed25519':
      return 'ssh-ed25519';
  }
}

/** The key size as `ssh-keygen -l` prints it. */
export function bitsOf(material: KeyMaterial): number {
  switch (material.kind) {
    case 'rsa':
      return bitLength(material.n);
    case 'dsa':
      return bitLength(material.p);
    case 'ecdsa':
      return CURVES[material.curve].bits;
    case 'ed25519':
      return 256;
  }
}

/** The public key blob in SSH wire format (what authorized_keys lines carry in base64). */
export function publicBlob(material: KeyMaterial): Buffer {
  const w = new WireWriter().string(keyTypeOf(material));
  switch (material.kind) {
    case 'rsa':
      return w.mpint(material.e).mpint(material.n).toBuffer();
    case 'dsa':
      return w.mpint(material.p).mpint(material.q).mpint(material.g).mpint(material.y).toBuffer();
    case 'ecdsa':
      return w.string(material.curve).string(material.publicPoint).toBuffer();
    case 'ed25519':
      return w.string(material.publicKey).toBuffer();
  }
}

/**
 * Fails with KeyFormatError when a number is larger than a key of its type can have. Cheap
 * (bit lengths and comparisons only), so it runs before anything that multiplies.
 */
export function checkSizes(material: KeyMaterial | DsaParameters): void {
  const tooLarge = (what: string) => new KeyFormatError(`${what} is too large for a real key`);
  switch (material.kind) {
    case 'rsa': {
      const { n, e, d, p, q } = material;
      const bits = bitLength(n);
      if (bits > MAX_MODULUS_BITS) throw tooLarge(`the RSA modulus (${bits} bits, at most ${MAX_MODULUS_BITS})`);
      if (bitLength(e) > MAX_RSA_E_BITS) throw tooLarge(`the RSA public exponent (${bitLength(e)} bits, at most ${MAX_RSA_E_BITS})`);
      if (d >= n || p >= n || q >= n) throw tooLarge('an RSA private number (larger than the modulus)');
      return;
    }
    case 'dsa': {
      const { p, q, g, x } = material;
      const bits = bitLength(p);
      if (bits > MAX_MODULUS_BITS) throw tooLarge(`the DSA prime p (${bits} bits, at most ${MAX_MODULUS_BITS})`);
      if (bitLength(q) > MAX_DSA_Q_BITS) throw tooLarge(`the DSA subgroup q (${bitLength(q)} bits, at most ${MAX_DSA_Q_BITS})`);
      if (g >= p) throw tooLarge('the DSA generator g (not below p)');
      if (x >= q) throw tooLarge('the DSA private number x (not below q)');
      if ('y' in material && material.y >= p) throw tooLarge('the DSA public number y (not below p)');
      return;
    }
    case 'ecdsa': {
      const info = CURVES[material.curve];
      if (material.publicPoint.length !== 1 + 2 * info.bytes) throw new KeyFormatError(`the ECDSA public point has ${material.publicPoint.length} bytes, not ${1 + 2 * info.bytes}`);
      if (bitLength(material.d) > info.bits) throw tooLarge(`the ECDSA private number (${bitLength(material.d)} bits on a ${info.bits}-bit curve)`);
      return;
    }
    case 'ed25519':
      if (material.seed.length !== 32 || material.publicKey.length !== 32) throw new KeyFormatError('the Ed25519 key has the wrong length');
      return;
  }
}

/** A DSA key before its public number y is computed (PKCS#8 files carry only p, q, g and x). */
export interface DsaParameters {
  readonly kind: 'dsa';
  readonly p: bigint;
  readonly q: bigint;
  readonly g: bigint;
  readonly x: bigint;
}

/**
 * p, q, g and x of a PKCS#8 DSA key, size-checked: computing y = g^x mod p is the one costly
 * step of reading a DSA key, and a hostile file picks x and p.
 * PrivateKeyInfo { version, AlgorithmIdentifier { oid, Dss-Parms { p, q, g } }, OCTET STRING { INTEGER x } }
 */
export function dsaParametersFromPkcs8(der: Buffer): DsaParameters {
  const info = new DerReader(der, 'the DSA key').sequence();
  info.integer();
  const algorithm = info.sequence();
  algorithm.oid();
  const params = algorithm.sequence();
  const [p, q, g] = [params.integer(), params.integer(), params.integer()];
  const x = new DerReader(info.next(TAG_OCTET_STRING).content, 'the DSA key').integer();
  const parameters = { kind: 'dsa', p, q, g, x } as const;
  checkSizes(parameters);
  return parameters;
}

/** Fails with KeyFormatError unless the private half really belongs to the public half. */
export function checkConsistent(material: KeyMaterial): void {
  checkSizes(material);
  switch (material.kind) {
    case 'rsa': {
      const { n, e, d, p, q } = material;
      if (p <= 1n || q <= 1n || p * q !== n) throw new KeyFormatError('the RSA numbers do not belong together');
      if (e <= 1n || d <= 1n || (e * d) % (p - 1n) !== 1n || (e * d) % (q - 1n) !== 1n) throw new KeyFormatError('the RSA exponents do not belong together');
      return;
    }
    case 'dsa': {
      const { p, q, g, y, x } = material;
      if (p <= 3n || q <= 1n || g <= 1n || g >= p || x <= 0n || x >= q || (p - 1n) % q !== 0n) throw new KeyFormatError('the DSA numbers are out of range');
      if (modPow(g, x, p) !== y) throw new KeyFormatError('the DSA numbers do not belong together');
      return;
    }
    case 'ecdsa': {
      const info = CURVES[material.curve];
      let derived: Buffer;
      try {
        const ecdh = createECDH(info.openssl);
        ecdh.setPrivateKey(bigintToBytes(material.d, info.bytes));
        derived = ecdh.getPublicKey();
      } catch (error) {
        throw new KeyFormatError('the ECDSA private number is out of range', { cause: error });
      }
      if (!derived.equals(material.publicPoint)) throw new KeyFormatError('the ECDSA public and private halves do not belong together');
      return;
    }
    case 'ed25519': {
      if (!ed25519PublicFromSeed(material.seed).equals(material.publicKey)) throw new KeyFormatError('the Ed25519 public and private halves do not belong together');
      return;
    }
  }
}

/**
 * Keys that are valid but that SSH servers refuse: DSA with a q other than 160 bits (the
 * ssh-dss signature has room for exactly 2 x 160 bits), and RSA under 1024 bits (OpenSSH's
 * RequiredRSASize). Refused at import, named, instead of failing at every login.
 */
export function checkUsableForSsh(material: KeyMaterial, label: string): void {
  if (material.kind === 'dsa' && bitLength(material.q) !== 160) {
    throw unsupported(label, `a DSA key with a ${bitLength(material.q)}-bit subgroup (SSH's ssh-dss works only with 160)`, 'Create a new key (Porthole can generate an Ed25519 key) and install it on the server.');
  }
  if (material.kind === 'rsa' && bitLength(material.n) < 1024) {
    throw unsupported(label, `an RSA key of only ${bitLength(material.n)} bits`, 'SSH servers refuse RSA keys under 1024 bits. Create a new key (Porthole can generate an Ed25519 key) and install it on the server.');
  }
}

// PKCS#8 PrivateKeyInfo for Ed25519 up to the 32-byte seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519PublicFromSeed(seed: Buffer): Buffer {
  const key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return base64url(createPublicKey(key).export({ format: 'jwk' }).x);
}

/**
 * The key as an unencrypted OpenSSH private key file ("openssh-key-v1", what
 * `ssh-keygen` writes), which ssh2 and OpenSSH both read. Returned as bytes so callers can
 * wipe it; it is never written to disk by Porthole.
 */
export function toOpenSshPrivateKey(material: KeyMaterial, comment: string): Buffer {
  const check = randomBytes(4).readUInt32BE(0);
  const priv = new WireWriter().uint32(check).uint32(check).string(keyTypeOf(material));
  switch (material.kind) {
    case 'rsa': {
      const { n, e, d, p, q } = material;
      priv.mpint(n).mpint(e).mpint(d).mpint(modInverse(q, p)).mpint(p).mpint(q);
      break;
    }
    case 'dsa':
      priv.mpint(material.p).mpint(material.q).mpint(material.g).mpint(material.y).mpint(material.x);
      break;
    case 'ecdsa':
      priv.string(material.curve).string(material.publicPoint).mpint(material.d);
      break;
    case 'ed25519':
      priv.string(material.publicKey).string(Buffer.concat([material.seed, material.publicKey]));
      break;
  }
  priv.string(comment);
  const unpadded = priv.toBuffer();
  // Padded to the cipher block size ("none": 8) with the bytes 1, 2, 3, ...
  const padding = Buffer.from(Array.from({ length: (8 - (unpadded.length % 8)) % 8 }, (_, i) => i + 1));
  const body = new WireWriter()
    .raw(Buffer.from('openssh-key-v1\0', 'latin1'))
    .string('none')
    .string('none')
    .string('')
    .uint32(1)
    .string(publicBlob(material))
    .string(Buffer.concat([unpadded, padding]))
    .toBuffer();
  return Buffer.from(`-----BEGIN OPENSSH PRIVATE KEY-----\n${wrapBase64(body, 70)}\n-----END OPENSSH PRIVATE KEY-----\n`, 'utf8');
}

/**
 * The numbers of a private key OpenSSL has parsed (PEM, PKCS#8, or what ssh2 decrypted).
 * Key types SSH cannot use are refused here, by name.
 */
export function materialFromKeyObject(key: KeyObject, label: string): KeyMaterial {
  try {
    return readKeyObject(key, label);
  } catch (error) {
    if (error instanceof KeyFormatError || error instanceof PortholeError) throw error;
    // OpenSSL refusing to export numbers it accepted on import: treat as a damaged key.
    throw new KeyFormatError('its private numbers are invalid', { cause: error });
  }
}

function readKeyObject(key: KeyObject, label: string): KeyMaterial {
  if (key.type !== 'private') throw new KeyFormatError('not a private key');
  const kind = key.asymmetricKeyType;
  switch (kind) {
    case 'rsa': {
      const jwk = key.export({ format: 'jwk' });
      return { kind: 'rsa', n: jwkNumber(jwk.n), e: jwkNumber(jwk.e), d: jwkNumber(jwk.d), p: jwkNumber(jwk.p), q: jwkNumber(jwk.q) };
    }
    case 'ec': {
      const named = key.asymmetricKeyDetails?.namedCurve ?? 'an unnamed curve';
      const curve = (Object.keys(CURVES) as EcdsaCurve[]).find((c) => CURVES[c].openssl === named);
      if (curve === undefined) {
        throw unsupported(label, `an EC key on the curve ${named}`, 'SSH uses only the NIST curves P-256, P-384 and P-521 for ECDSA. Create a new key (Porthole can generate an Ed25519 key).');
      }
      const jwk = key.export({ format: 'jwk' });
      const size = CURVES[curve].bytes;
      const point = Buffer.concat([Buffer.from([4]), fixed(base64url(jwk.x), size), fixed(base64url(jwk.y), size)]);
      return { kind: 'ecdsa', curve, publicPoint: point, d: jwkNumber(jwk.d) };
    }
    case 'ed25519': {
      const jwk = key.export({ format: 'jwk' });
      return { kind: 'ed25519', publicKey: base64url(jwk.x), seed: base64url(jwk.d) };
    }
    case 'dsa': {
      const { p, q, g, x } = dsaParametersFromPkcs8(key.export({ format: 'der', type: 'pkcs8' }));
      return { kind: 'dsa', p, q, g, x, y: modPow(g, x, p) };
    }
    default:
      throw unsupported(label, `a key of type ${describeNodeKeyType(kind)}`);
  }
}

function describeNodeKeyType(kind: string | undefined): string {
  switch (kind) {
    case 'rsa-pss':
      return 'RSA-PSS (a TLS key type SSH does not use)';
    case 'ed448':
      return 'Ed448';
    case 'x25519':
    case 'x448':
    case 'dh':
      return `${kind.toUpperCase()} (key agreement only, not for logging in)`;
    default:
      return kind ?? 'unknown';
  }
}

function base64url(value: string | undefined): Buffer {
  if (value === undefined) throw new KeyFormatError('a key number is missing');
  return Buffer.from(value, 'base64url');
}

function jwkNumber(value: string | undefined): bigint {
  return bytesToBigint(base64url(value));
}

function fixed(bytes: Buffer, length: number): Buffer {
  return bigintToBytes(bytesToBigint(bytes), length);
}
