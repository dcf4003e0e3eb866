/**
 * Just enough DER to check the outer shape of PEM/PKCS#8 keys before handing them to
 * OpenSSL (so a cut-off file is reported as damaged, not as a wrong passphrase), to name
 * the algorithm of a PKCS#8 key OpenSSL does not know, and to read DSA numbers, which
 * Node cannot export as JWK.
 */
import { KeyFormatError } from './errors';
import { bytesToBigint } from './wire';

export const TAG_INTEGER = 0x02;
export const TAG_OCTET_STRING = 0x04;
export const TAG_OID = 0x06;
export const TAG_SEQUENCE = 0x30;

export interface DerElement {
  readonly tag: number;
  readonly content: Buffer;
}

export class DerReader {
  private pos = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  next(expectedTag?: number): DerElement {
    if (this.buf.length - this.pos < 2) throw new KeyFormatError(`${this.what} ends early`);
    const tag = this.buf[this.pos++]!;
    let length = this.buf[this.pos++]!;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 4 || this.buf.length - this.pos < count) throw new KeyFormatError(`${this.what} has a bad length`);
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + this.buf[this.pos++]!;
    }
    if (length > this.buf.length - this.pos) throw new KeyFormatError(`${this.what} ends early`);
    if (expectedTag !== undefined && tag !== expectedTag) throw new KeyFormatError(`${this.what} is not shaped like a key`);
    const content = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return { tag, content };
  }

  /** A nested reader over the content of the next element. */
  sequence(): DerReader {
    return new DerReader(this.next(TAG_SEQUENCE).content, this.what);
  }

  integer(): bigint {
    const { content } = this.next(TAG_INTEGER);
    if (content.length === 0 || (content[0]! & 0x80) !== 0) throw new KeyFormatError(`${this.what} has a bad number`);
    return bytesToBigint(content);
  }

  oid(): string {
    return decodeOid(this.next(TAG_OID).content);
  }

  end(): void {
    if (!this.done) throw new KeyFormatError(`${this.what} has unexpected data at the end`);
  }
}

/** Fails unless `der` is exactly one SEQUENCE (what every PEM private key body is). */
export function checkSingleSequence(der: Buffer, what: string): void {
  const reader = new DerReader(der, what);
  reader.next(TAG_SEQUENCE);
  reader.end();
}

function decodeOid(content: Buffer): string {
  if (content.length === 0) throw new KeyFormatError('empty object identifier');
  const parts: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new KeyFormatError('object identifier too long');
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** PKCS#8 algorithm identifiers: the ones Porthole uses, and others named in error messages. */
export const PKCS8_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.10045.2.1': 'EC',
  '1.2.840.10040.4.1': 'DSA',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.3.101.110': 'X25519 (a key-agreement key, not a signing key)',
  '1.3.101.111': 'X448 (a key-agreement key, not a signing key)',
  '1.2.840.113549.1.1.10': 'RSA-PSS (a TLS key type SSH does not use)',
  '1.2.840.113549.1.3.1': 'Diffie-Hellman (a key-agreement key, not a signing key)',
  '1.2.643.7.1.1.1.1': 'GOST R 34.10-2012',
  '1.2.156.10197.1.301': 'SM2',
};

/** The algorithm OID of an unencrypted PKCS#8 PrivateKeyInfo. */
export function pkcs8AlgorithmOid(der: Buffer): string {
  const info = new DerReader(der, 'the PKCS#8 key').sequence();
  info.integer(); // version
  return info.sequence().oid();
}
