/**
 * Hostile key files whose numbers, or whose key-derivation settings, ask for far more work
 * than any real key: refused by size with a keys.* error BEFORE any of that work starts (a
 * 32768-bit DSA key used to take half a minute of modular exponentiation before anything
 * looked at its size).
 *
 * Proved by what ran, not by how long it took: every routine that does the costly work
 * (modPow and modInverse of main/keys/wire.ts, OpenSSL's key decoding and ECDH, ssh2's
 * bcrypt decryption, hash-wasm's Argon2) is wrapped to record its calls, and a refusal must
 * come with none of them. A real key of each kind shows the wrappers do see that work. The
 * key jobs run inline here (not on the key worker thread, which would not see the wrappers);
 * they are the same decode the worker runs.
 */
import type * as Crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as HashWasm from 'hash-wasm';
import type * as Ssh2 from 'ssh2';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { importKeyText } from '../../main/keys';
import { runKeyWorkInline } from '../../main/keys/key-work';
import type * as Wire from '../../main/keys/wire';
import { PortholeError } from '../../main/shared/errors';
import { runChecked } from '../env/processes';

/**
 * `work`: the names of the costly routines called since the last reset, in order;
 * `recording(name, fn)`: `fn`, adding `name` to `work` at each call. (Hoisted: the module
 * mocks below are set up before anything else in this file runs.)
 */
const { work, recording } = vi.hoisted(() => {
  const calls: string[] = [];
  const wrap = <F extends (...args: never[]) => unknown>(name: string, fn: F): F => ((...args: Parameters<F>) => (calls.push(name), fn(...args))) as F;
  return { work: calls, recording: wrap };
});

vi.mock('../../main/keys/wire', async (importOriginal) => {
  const real = await importOriginal<typeof Wire>();
  return { ...real, modPow: recording('modPow', real.modPow), modInverse: recording('modInverse', real.modInverse) };
});
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof Crypto>();
  // OpenSSL computes y = g^x mod p while it decodes a PKCS#8 DSA key.
  return { ...real, createPrivateKey: recording('createPrivateKey', real.createPrivateKey), createECDH: recording('createECDH', real.createECDH) };
});
vi.mock('ssh2', async (importOriginal) => {
  const real = await importOriginal<typeof Ssh2>();
  // ssh2's parseKey runs bcrypt_pbkdf over the passphrase of an encrypted OpenSSH key.
  return { ...real, utils: { ...real.utils, parseKey: recording('bcrypt parseKey', real.utils.parseKey) } };
});
vi.mock('hash-wasm', async (importOriginal) => {
  const real = await importOriginal<typeof HashWasm>();
  return { ...real, argon2id: recording('argon2', real.argon2id), argon2i: recording('argon2', real.argon2i), argon2d: recording('argon2', real.argon2d) };
});

/** Everything that multiplies big numbers or derives keys; OpenSSL's plain decoding of given numbers is not among them. */
const COSTLY = ['modPow', 'modInverse', 'createECDH', 'bcrypt parseKey', 'argon2'];
const costlyWork = () => work.filter((name) => COSTLY.includes(name));

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

const PASSPHRASE = 'open sesame 7';
let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  runKeyWorkInline(true);
  dir = mkdtempSync(join(tmpdir(), 'porthole-keys-sizes-'));
  writeFileSync(file('pass'), PASSPHRASE);
  await Promise.all([
    runChecked('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', PASSPHRASE, '-f', file('openssh-enc')]),
    runChecked('ssh-keygen', ['-q', '-t', 'rsa', '-b', '1024', '-m', 'PEM', '-N', '', '-f', file('rsa.pem')]),
    runChecked('puttygen', ['-q', '-t', 'ed25519', '-o', file('v3-enc.ppk'), '--new-passphrase', file('pass'), '--ppk-param', 'version=3,kdf=argon2id,memory=1024,passes=2']),
    runChecked('openssl', ['genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024', '-pkeyopt', 'dsa_paramgen_q_bits:160', '-out', file('dsa-params.pem')]).then(() =>
      runChecked('openssl', ['genpkey', '-paramfile', file('dsa-params.pem'), '-out', file('dsa.pk8')]),
    ),
  ]);
}, 60_000);

afterAll(() => {
  runKeyWorkInline(false);
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  work.length = 0;
});

async function refusal(text: string, passphrase?: string): Promise<PortholeError> {
  const error = await importKeyText(text, { label: 'the hostile key', ...(passphrase !== undefined ? { passphrase } : {}) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortholeError);
  return error as PortholeError;
}

describe('the wrappers see the costly work a real key needs (or the checks below could not fail)', () => {
  it.each([
    ['a PKCS#8 DSA key: y = g^x mod p', 'dsa.pk8', undefined, ['createPrivateKey', 'modPow']],
    ['a PEM RSA key: the CRT coefficient', 'rsa.pem', undefined, ['modInverse']],
    ['an encrypted OpenSSH key: bcrypt, and the ECDSA point', 'openssh-enc', PASSPHRASE, ['bcrypt parseKey', 'createECDH']],
    ['an encrypted PuTTY v3 key: Argon2', 'v3-enc.ppk', PASSPHRASE, ['argon2']],
  ] as const)('%s', async (_what, name, passphrase, expected) => {
    await importKeyText(readFileSync(file(name)), passphrase !== undefined ? { passphrase } : {});
    expect(work).toEqual(expect.arrayContaining([...expected]));
  });
});

describe('key sizes are checked before any big-number work', () => {
  it('refuses a PKCS#8 DSA key with 32768-bit numbers as keys.corrupt, before OpenSSL decodes it', async () => {
    const big = ones(32768);
    const error = await refusal(dsaPkcs8(big, big - 2n, big - 4n, big - 6n));
    expect(error.code).toBe('keys.corrupt');
    expect(error.message).toMatch(/the DSA prime p \(32768 bits, at most 16384\) is too large/);
    expect(work).toEqual([]);
  });

  it('refuses a PKCS#8 DSA key whose x is not below q, before computing y from it', async () => {
    const error = await refusal(dsaPkcs8(ones(2048), ones(160), 4n, ones(16384)));
    expect(error.code).toBe('keys.corrupt');
    expect(error.message).toMatch(/the DSA private number x \(not below q\) is too large/);
    expect(work).toEqual([]);
  });

  it('refuses a traditional DSA key with 32768-bit numbers as keys.corrupt, before any arithmetic on them', async () => {
    const big = ones(32768);
    const text = pem('DSA PRIVATE KEY', derSequence(derInteger(0n), derInteger(big), derInteger(big - 2n), derInteger(big - 4n), derInteger(big - 6n), derInteger(big - 8n)));
    const error = await refusal(text);
    expect(error.code).toBe('keys.corrupt');
    expect(error.message).toMatch(/the DSA prime p \(32768 bits, at most 16384\) is too large/);
    expect(costlyWork()).toEqual([]);
  });

  it('refuses a DSA key whose subgroup q is over 512 bits, even with a normal-sized p', async () => {
    const p = ones(2048);
    const q = ones(2047);
    const text = pem('DSA PRIVATE KEY', derSequence(derInteger(0n), derInteger(p), derInteger(q), derInteger(p - 2n), derInteger(p - 4n), derInteger(q - 2n)));
    const error = await refusal(text);
    expect(error.code).toBe('keys.corrupt');
    expect(error.message).toMatch(/the DSA subgroup q \(2047 bits, at most 512\) is too large/);
    expect(costlyWork()).toEqual([]);
  });

  it('refuses an RSA key with a 32768-bit modulus and exponents as keys.corrupt, before any arithmetic on them', async () => {
    const n = ones(32768);
    const text = pem('RSA PRIVATE KEY', derSequence(derInteger(0n), derInteger(n), derInteger(n - 2n), derInteger(n - 4n), derInteger(ones(16384)), derInteger(ones(16384)), derInteger(ones(16383)), derInteger(ones(16383)), derInteger(ones(16383))));
    const error = await refusal(text);
    expect(error.code).toBe('keys.corrupt');
    expect(error.message).toMatch(/the RSA modulus \(32768 bits, at most 16384\) is too large/);
    expect(costlyWork()).toEqual([]);
  });
});

describe('key-derivation settings are checked before any key derivation', () => {
  it('an absurd bcrypt round count in an OpenSSH key is refused before bcrypt runs', async () => {
    const text = readFileSync(file('openssh-enc'), 'utf8');
    const body = Buffer.from(text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    // magic, then string cipher, string kdf, string kdfoptions { string salt, uint32 rounds }
    let at = 15;
    at += 4 + body.readUInt32BE(at);
    at += 4 + body.readUInt32BE(at);
    at += 4;
    at += 4 + body.readUInt32BE(at);
    expect(body.readUInt32BE(at)).toBe(16);
    body.writeUInt32BE(1_000_000, at);
    const damaged = `-----BEGIN OPENSSH PRIVATE KEY-----\n${body.toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const error = await refusal(damaged, PASSPHRASE);
    expect(error.code).toBe('keys.unsupported');
    expect(error.message).toMatch(/1000000 bcrypt rounds/);
    expect(costlyWork()).toEqual([]);
  });

  it('an absurd Argon2 memory setting in a PuTTY key is refused before Argon2 runs', async () => {
    const text = readFileSync(file('v3-enc.ppk'), 'latin1').replace(/Argon2-Memory: \d+/, 'Argon2-Memory: 4194304');
    const error = await refusal(text, PASSPHRASE);
    expect(error.code).toBe('keys.unsupported');
    expect(error.message).toMatch(/Argon2 settings \(4194304 KiB/);
    expect(costlyWork()).toEqual([]);
  });
});
