/**
 * Hostile key files whose numbers are far bigger than any real key: refused by size, with a
 * keys.* error, before any big-number work (a 32768-bit DSA key used to take half a minute
 * of modular exponentiation before anything looked at its size).
 */
import { describe, expect, it } from 'vitest';
import { importKeyText } from '../../main/keys';
import { PortholeError } from '../../main/shared/errors';

/** A DER INTEGER / SEQUENCE, enough to write PKCS#1-style private keys by hand. */
function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}
function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}
const derSequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
/** OID 1.2.840.10040.4.1 (id-dsa), DER-encoded. */
const DSA_OID = Buffer.from('06072a8648ce380401', 'hex');
/** PKCS#8 PrivateKeyInfo for DSA: { 0, { id-dsa, { p, q, g } }, OCTET STRING { INTEGER x } }. */
const dsaPkcs8 = (p: bigint, q: bigint, g: bigint, x: bigint) => pem('PRIVATE KEY', derSequence(derInteger(0n), derSequence(DSA_OID, derSequence(derInteger(p), derInteger(q), derInteger(g))), tlv(0x04, derInteger(x))));
function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`;
}
/** An odd number with exactly `bits` bits (all ones: as slow as exponents get). */
const ones = (bits: number) => (1n << BigInt(bits)) - 1n;

async function refusal(text: string): Promise<{ error: PortholeError; ms: number }> {
  const started = performance.now();
  const error = await importKeyText(text, { label: 'the hostile key' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  const ms = performance.now() - started;
  expect(error).toBeInstanceOf(PortholeError);
  return { error: error as PortholeError, ms };
}

describe('key sizes are checked before any big-number work', () => {
  it('refuses a PKCS#8 DSA key with 32768-bit numbers as keys.corrupt within a second', async () => {
    const big = ones(32768);
    const { error, ms } = await refusal(dsaPkcs8(big, big - 2n, big - 4n, big - 6n));
    expect(error.code).toBe('keys.corrupt');
    expect(error.message).toMatch(/too large/);
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses a PKCS#8 DSA key whose x is not below q, before computing y from it', async () => {
    const p = ones(2048);
    const { error, ms } = await refusal(dsaPkcs8(p, ones(160), 4n, ones(16384)));
    expect(error.code).toBe('keys.corrupt');
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses a traditional DSA key with 32768-bit numbers as keys.corrupt within a second', async () => {
    const big = ones(32768);
    const text = pem('DSA PRIVATE KEY', derSequence(derInteger(0n), derInteger(big), derInteger(big - 2n), derInteger(big - 4n), derInteger(big - 6n), derInteger(big - 8n)));
    const { error, ms } = await refusal(text);
    expect(error.code).toBe('keys.corrupt');
    expect(error.message).toMatch(/too large/);
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses a DSA key whose subgroup q is over 512 bits, even with a normal-sized p', async () => {
    const p = ones(2048);
    const q = ones(2047);
    const text = pem('DSA PRIVATE KEY', derSequence(derInteger(0n), derInteger(p), derInteger(q), derInteger(p - 2n), derInteger(p - 4n), derInteger(q - 2n)));
    const { error, ms } = await refusal(text);
    expect(error.code).toBe('keys.corrupt');
    expect(ms).toBeLessThan(1_000);
  });

  it('refuses an RSA key with a 32768-bit modulus and exponents as keys.corrupt within a second', async () => {
    const n = ones(32768);
    const text = pem('RSA PRIVATE KEY', derSequence(derInteger(0n), derInteger(n), derInteger(n - 2n), derInteger(n - 4n), derInteger(ones(16384)), derInteger(ones(16384)), derInteger(ones(16383)), derInteger(ones(16383)), derInteger(ones(16383))));
    const { error, ms } = await refusal(text);
    expect(error.code).toBe('keys.corrupt');
    expect(ms).toBeLessThan(1_000);
  });
});
