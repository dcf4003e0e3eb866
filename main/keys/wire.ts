/**
 * The SSH wire encoding (RFC 4251 §5: uint32, string, mpint) that OpenSSH and PuTTY key
 * files are built from, plus the big-integer and base64 helpers the parsers share. Every
 * read is bounds-checked and fails with KeyFormatError: key files come from users and may
 * be cut short or damaged anywhere.
 */
import { KeyFormatError } from './errors';

export class WireReader {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  uint32(): number {
    if (this.remaining < 4) throw new KeyFormatError(`${this.what} ends early`);
    const value = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  bytes(length: number): Buffer {
    if (length > this.remaining) throw new KeyFormatError(`${this.what} ends early`);
    const value = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  /** A length-prefixed byte string. */
  string(): Buffer {
    return this.bytes(this.uint32());
  }

  /** A length-prefixed string that must be printable text (key type names, comments). */
  text(): string {
    const raw = this.string();
    const value = raw.toString('utf8');
    if (!Buffer.from(value, 'utf8').equals(raw)) throw new KeyFormatError(`${this.what} has text that is not UTF-8`);
    return value;
  }

  /** A non-negative multiple-precision integer (key numbers are never negative). */
  mpint(): bigint {
    const raw = this.string();
    if (raw.length > 0 && (raw[0]! & 0x80) !== 0) throw new KeyFormatError(`${this.what} has a negative number`);
    return bytesToBigint(raw);
  }

  /** Fails unless everything was read. */
  end(): void {
    if (this.remaining !== 0) throw new KeyFormatError(`${this.what} has unexpected data at the end`);
  }
}

export class WireWriter {
  private readonly parts: Buffer[] = [];

  uint32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value >>> 0);
    this.parts.push(b);
    return this;
  }

  raw(bytes: Buffer): this {
    this.parts.push(bytes);
    return this;
  }

  string(value: Buffer | string): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    return this.uint32(bytes.length).raw(bytes);
  }

  mpint(value: bigint): this {
    return this.string(bigintToMpint(value));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Unsigned big-endian bytes to a bigint. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  return BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

/** A non-negative bigint as unsigned big-endian bytes, left-padded with zeros to `length` if given. */
export function bigintToBytes(value: bigint, length?: number): Buffer {
  if (value < 0n) throw new RangeError('negative');
  let hex = value === 0n ? '' : value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  if (length === undefined || bytes.length === length) return bytes;
  if (bytes.length > length) throw new RangeError(`number does not fit in ${length} bytes`);
  return Buffer.concat([Buffer.alloc(length - bytes.length), bytes]);
}

/** The SSH mpint body: minimal big-endian two's complement (a leading 0 when the top bit is set). */
export function bigintToMpint(value: bigint): Buffer {
  const bytes = bigintToBytes(value);
  return bytes.length > 0 && (bytes[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

/** The inverse of a modulo m (a and m coprime), by the extended Euclidean algorithm. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new KeyFormatError('key numbers are inconsistent (no modular inverse)');
  return ((oldS % m) + m) % m;
}

const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64: whitespace is ignored, anything else that is not base64 is an error. */
export function decodeBase64(text: string, what: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!BASE64_BODY.test(compact) || compact.length % 4 === 1) throw new KeyFormatError(`${what} is not valid base64`);
  return Buffer.from(compact, 'base64');
}

/** Base64 wrapped at `width` characters per line, as OpenSSH (70) and PEM (64) write it. */
export function wrapBase64(bytes: Buffer, width: number): string {
  const text = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.join('\n');
}

export { sha256Fingerprint } from '../shared/fingerprint';
