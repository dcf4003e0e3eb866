/**
 * Parser robustness: thousands of damaged key files of every format (seeded, so a failure
 * reproduces) each end quickly in either a key or a PortholeError with a keys.* code; never
 * a crash, a raw exception or a hang. Besides blind byte damage, mutations go inside the
 * base64 (so the binary parsers see the damage) and re-seal unencrypted .ppk files with a
 * valid MAC (so the PuTTY field parser is reached, not only the MAC check).
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utils } from 'ssh2';
import { importKeyText, sha256Fingerprint } from '../../main/keys';
import { PortholeError } from '../../main/shared/errors';
import { runChecked } from '../env/processes';
import { hostileMutation, InputTimer } from '../support/fuzz';
import { mulberry32 as random } from '../support/prng';

const PASSPHRASE = 'fuzz pass 1';
const SEED = 0x5eed_2024;
const CASES_PER_FIXTURE = 400;
const KEY_CODES = new Set(['keys.public-key-given', 'keys.wrong-passphrase', 'keys.passphrase-required', 'keys.corrupt', 'keys.unsupported']);

let dir: string;
const fixtures = new Map<string, Buffer>();

/** Cheap KDF settings (bcrypt 1 round, Argon2 8 KiB x 1) so thousands of decryptions stay fast. */
const MAKE: Record<string, (path: string) => string[][]> = {
  'openssh-ed25519': (p) => [['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'fuzz', '-f', p]],
  'openssh-ecdsa-enc': (p) => [['ssh-keygen', '-q', '-t', 'ecdsa', '-a', '1', '-N', PASSPHRASE, '-f', p]],
  'openssh-rsa': (p) => [['ssh-keygen', '-q', '-t', 'rsa', '-b', '1024', '-N', '', '-f', p]],
  'openssh-dsa': (p) => [['ssh-keygen', '-q', '-t', 'dsa', '-N', '', '-f', p]],
  'pem-rsa': (p) => [['ssh-keygen', '-q', '-t', 'rsa', '-b', '1024', '-m', 'PEM', '-N', '', '-f', p]],
  'pem-ec-enc': (p) => [['ssh-keygen', '-q', '-t', 'ecdsa', '-m', 'PEM', '-N', PASSPHRASE, '-f', p]],
  'pem-dsa': (p) => [['ssh-keygen', '-q', '-t', 'dsa', '-m', 'PEM', '-N', '', '-f', p]],
  'pkcs8-ec': (p) => [['ssh-keygen', '-q', '-t', 'ecdsa', '-b', '521', '-m', 'PKCS8', '-N', '', '-f', p]],
  'pkcs8-rsa-enc': (p) => [['ssh-keygen', '-q', '-t', 'rsa', '-b', '1024', '-m', 'PKCS8', '-N', PASSPHRASE, '-f', p]],
  'pkcs8-ed25519': (p) => [['openssl', 'genpkey', '-algorithm', 'ed25519', '-out', p]],
  'der-ec': (p) => [
    ['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384', '-out', `${p}.pem`],
    ['openssl', 'pkcs8', '-topk8', '-nocrypt', '-in', `${p}.pem`, '-outform', 'DER', '-out', p],
  ],
  'ppk2-dsa': (p) => [['puttygen', '-q', '-t', 'dsa', '-b', '1024', '-o', p, '--new-passphrase', join(dir, 'empty'), '--ppk-param', 'version=2']],
  'ppk2-rsa-enc': (p) => [['puttygen', '-q', '-t', 'rsa', '-b', '1024', '-o', p, '--new-passphrase', join(dir, 'pass'), '--ppk-param', 'version=2']],
  'ppk3-ecdsa': (p) => [['puttygen', '-q', '-t', 'ecdsa', '-b', '384', '-o', p, '--new-passphrase', join(dir, 'empty'), '--ppk-param', 'version=3']],
  'ppk3-ed25519': (p) => [['puttygen', '-q', '-t', 'ed25519', '-o', p, '--new-passphrase', join(dir, 'empty'), '--ppk-param', 'version=3']],
  'ppk3-rsa-enc': (p) => [['puttygen', '-q', '-t', 'rsa', '-b', '1024', '-o', p, '--new-passphrase', join(dir, 'pass'), '--ppk-param', 'version=3,kdf=argon2id,memory=8,passes=1']],
  'ppk3-ecdsa-enc': (p) => [['puttygen', '-q', '-t', 'ecdsa', '-b', '256', '-o', p, '--new-passphrase', join(dir, 'pass'), '--ppk-param', 'version=3,kdf=argon2d,memory=8,passes=1']],
  'openssh-pub': (p) => [['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', p.replace(/\.pub$/, '')]],
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-keys-fuzz-'));
  writeFileSync(join(dir, 'pass'), PASSPHRASE);
  writeFileSync(join(dir, 'empty'), '');
  await Promise.all(
    Object.entries(MAKE).map(async ([name, steps]) => {
      const path = join(dir, name === 'openssh-pub' ? 'pubkey.pub' : name);
      for (const [program, ...args] of steps(path)) await runChecked(program!, args);
      fixtures.set(name, readFileSync(path));
    }),
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Mutator = (data: Buffer, rnd: () => number) => Buffer;
const str = (b: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
};
/** One timer over every fixture: the per-input bound and the figures printed at the end. */
const timer = new InputTimer('keys');
const KDF_BOUND_MS = 10_000;
const int = (rnd: () => number, n: number) => Math.floor(rnd() * n);

/** Byte-level damage that any transfer or editor can do. */
const BLIND: Mutator[] = [
  (d, r) => d.subarray(0, int(r, d.length)),
  (d, r) => {
    const c = Buffer.from(d);
    for (let i = 0, n = 1 + int(r, 3); i < n; i++) {
      const at = int(r, c.length);
      c[at] = c[at]! ^ (1 << int(r, 8));
    }
    return c;
  },
  (d, r) => {
    const c = Buffer.from(d);
    c[int(r, c.length)] = int(r, 256);
    return c;
  },
  (d, r) => {
    const at = int(r, d.length);
    return Buffer.concat([d.subarray(0, at), d.subarray(Math.min(d.length, at + 1 + int(r, 64)))]);
  },
  (d, r) => {
    const at = int(r, d.length);
    const len = 1 + int(r, 64);
    return Buffer.concat([d.subarray(0, at), d.subarray(at, at + len), d.subarray(at)]);
  },
  (d, r) => {
    const at = int(r, d.length);
    return Buffer.concat([d.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(r, 8) }, () => int(r, 256))), d.subarray(at)]);
  },
  // Length fields: nudge a big-endian uint32 anywhere by a little, or set it to an edge value.
  (d, r) => {
    if (d.length < 4) return d;
    const c = Buffer.from(d);
    const at = int(r, c.length - 3);
    const edges = [0, 1, 0x7fffffff, 0xffffffff, c.length, c.length - at];
    c.writeUInt32BE(r() < 0.6 ? (c.readUInt32BE(at) + int(r, 17) - 8) >>> 0 : edges[int(r, edges.length)]! >>> 0, at);
    return c;
  },
  (d, r) => {
    const lines = d.toString('latin1').split('\n');
    const i = int(r, lines.length);
    if (r() < 0.5) lines.splice(i, 1);
    else lines.splice(i, 0, lines[int(r, lines.length)]!);
    return Buffer.from(lines.join('\n'), 'latin1');
  },
];

/**
 * SSH wire-format aware: read the data as length-prefixed fields (after the OpenSSH magic,
 * if any) and grow, shrink, empty or mis-length one of them, so parsers meet well-framed
 * but wrong-sized numbers and strings, not only framing errors.
 */
function wireField(data: Buffer, rnd: () => number): Buffer {
  const start = data.subarray(0, 15).toString('latin1') === 'openssh-key-v1\0' ? 15 : 0;
  const fields: { at: number; length: number }[] = [];
  for (let at = start; at + 4 <= data.length; ) {
    const length = data.readUInt32BE(at);
    if (at + 4 + length > data.length) break;
    fields.push({ at, length });
    at += 4 + length;
  }
  if (fields.length === 0) return BLIND[int(rnd, 6)]!(data, rnd);
  const { at, length } = fields[int(rnd, fields.length)]!;
  const content = data.subarray(at + 4, at + 4 + length);
  const choice = int(rnd, 4);
  const newContent =
    choice === 0 ? Buffer.concat([content, Buffer.from(Array.from({ length: 1 + int(rnd, 16) }, () => int(rnd, 256)))]) : choice === 1 ? content.subarray(0, int(rnd, length + 1)) : choice === 2 ? Buffer.alloc(0) : content;
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(choice === 3 ? (length + int(rnd, 9) - 4) >>> 0 : newContent.length);
  return Buffer.concat([data.subarray(0, at), prefix, newContent, data.subarray(at + 4 + length)]);
}

/**
 * Hostile sizes in the wire format: a length-prefixed field replaced by an oversized number
 * (up to 64 Kbit, top bit clear so it stays a positive mpint), or repeated many times.
 */
function hostileField(data: Buffer, rnd: () => number): Buffer {
  const start = data.subarray(0, 15).toString('latin1') === 'openssh-key-v1\0' ? 15 : 0;
  const fields: { at: number; length: number }[] = [];
  for (let at = start; at + 4 <= data.length; ) {
    const length = data.readUInt32BE(at);
    if (at + 4 + length > data.length) break;
    fields.push({ at, length });
    at += 4 + length;
  }
  if (fields.length === 0) return Buffer.from(hostileMutation(rnd, data.toString('latin1')), 'latin1');
  const { at, length } = fields[int(rnd, fields.length)]!;
  const whole = data.subarray(at, at + 4 + length);
  if (rnd() < 0.3) return Buffer.concat([data.subarray(0, at), ...Array.from({ length: 2 + int(rnd, 2_000) }, () => whole), data.subarray(at + 4 + length)]);
  const big = Buffer.from(Array.from({ length: 1 + int(rnd, 8_192) }, () => int(rnd, 256)));
  big[0] = 0x7f;
  return Buffer.concat([data.subarray(0, at), str(big), data.subarray(at + 4 + length)]);
}

/** One to three mutations on top of each other (a length grown *and* its data extended). */
function stacked(data: Buffer, rnd: () => number): Buffer {
  let result = data;
  for (let i = 0, n = 1 + int(rnd, 3); i < n && result.length > 0; i++) {
    const choice = rnd();
    result = choice < 0.15 ? hostileField(result, rnd) : choice < 0.45 ? wireField(result, rnd) : BLIND[int(rnd, 7)]!(result, rnd);
  }
  return result;
}

/** Damage inside the base64, re-encoded, so the binary parsers see it. */
function insideBase64(data: Buffer, rnd: () => number): Buffer {
  const text = data.toString('latin1');
  const runs = [...text.matchAll(/(?:[A-Za-z0-9+/=]{40,}\r?\n?)+/g)];
  if (runs.length === 0) return BLIND[1]!(data, rnd);
  const run = runs[int(rnd, runs.length)]!;
  const inner = Buffer.from(run[0].replace(/\s+/g, ''), 'base64');
  const mutated = stacked(inner, rnd);
  const encoded = (mutated.toString('base64').match(/.{1,64}/g) ?? []).join('\n') + '\n';
  return Buffer.from(text.slice(0, run.index) + encoded + text.slice(run.index + run[0].length), 'latin1');
}


/** For unencrypted .ppk: damage the public or private blob, then write a MAC that matches. */
function resealedPpk(data: Buffer, rnd: () => number): Buffer {
  const lines = data.toString('latin1').split('\n');
  const version = lines[0]!.startsWith('PuTTY-User-Key-File-2') ? 2 : 3;
  const algorithm = lines[0]!.split(': ')[1]!;
  const comment = lines[2]!.slice('Comment: '.length);
  const pubAt = lines.findIndex((l) => l.startsWith('Public-Lines: '));
  const pubCount = Number(lines[pubAt]!.slice(14));
  const privAt = lines.findIndex((l) => l.startsWith('Private-Lines: '));
  const privCount = Number(lines[privAt]!.slice(15));
  let pub: Buffer = Buffer.from(lines.slice(pubAt + 1, pubAt + 1 + pubCount).join(''), 'base64');
  let priv: Buffer = Buffer.from(lines.slice(privAt + 1, privAt + 1 + privCount).join(''), 'base64');
  if (rnd() < 0.5) pub = stacked(pub, rnd);
  else priv = stacked(priv, rnd);
  const macKey = version === 2 ? createHash('sha1').update('putty-private-key-file-mac-key').digest() : Buffer.alloc(0);
  const mac = createHmac(version === 2 ? 'sha1' : 'sha256', macKey)
    .update(Buffer.concat([str(Buffer.from(algorithm)), str(Buffer.from('none')), str(Buffer.from(comment, 'latin1')), str(pub), str(priv)]))
    .digest('hex');
  const b64 = (b: Buffer) => b.toString('base64').match(/.{1,64}/g) ?? [];
  return Buffer.from(
    [...lines.slice(0, pubAt), `Public-Lines: ${b64(pub).length}`, ...b64(pub), ...lines.slice(pubAt + 1 + pubCount, privAt), `Private-Lines: ${b64(priv).length}`, ...b64(priv), `Private-MAC: ${mac}`, ''].join('\n'),
    'latin1',
  );
}

interface Outcome {
  readonly ok: number;
  readonly codes: Map<string, number>;
}

async function fuzz(name: string, seed: number): Promise<Outcome> {
  const original = fixtures.get(name)!;
  const rnd = random(seed);
  const resealable = name.startsWith('ppk') && !name.endsWith('-enc');
  const codes = new Map<string, number>();
  let ok = 0;
  for (let i = 0; i < CASES_PER_FIXTURE; i++) {
    const pick = rnd();
    const mutated =
      resealable && pick < 0.35
        ? resealedPpk(original, rnd)
        : pick < 0.7
          ? insideBase64(original, rnd)
          : pick < 0.8
            ? Buffer.from(hostileMutation(rnd, original.toString('latin1')), 'latin1')
            : BLIND[int(rnd, BLIND.length)]!(original, rnd);
    try {
      const key = await timer.run(
        () => `${name} case ${i} (seed ${seed}), ${mutated.length} bytes`,
        () => importKeyText(mutated, { label: 'fuzz', passphrase: PASSPHRASE }),
        // Encrypted keys: a damaged KDF cost (bcrypt rounds, Argon2 memory and passes) may ask
        // for real work up to Porthole's documented caps (MAX_BCRYPT_ROUNDS, ARGON2_LIMITS:
        // "a few seconds"); that is the KDF doing its job, not a parser hanging.
        name.endsWith('-enc') ? KDF_BOUND_MS : undefined,
      );
      // Whatever was accepted is a real, usable key.
      const parsed = utils.parseKey(key.privateKey);
      if (parsed instanceof Error) throw new Error(`accepted a key ssh2 cannot read: ${parsed.message}`);
      expect(sha256Fingerprint(parsed.getPublicSSH())).toBe(key.fingerprint);
      ok++;
    } catch (error) {
      if (!(error instanceof PortholeError) || !KEY_CODES.has(error.code)) {
        throw new Error(`${name} case ${i} (seed ${seed}): not a PortholeError with a keys.* code: ${String(error)}\n${(error as Error).stack ?? ''}\ninput (base64): ${mutated.toString('base64')}`, { cause: error });
      }
      codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
    }
  }
  return { ok, codes };
}

describe('seeded fuzzing of every key format', () => {
  it('has a fixture of every format', () => {
    expect([...fixtures.keys()].sort()).toEqual(Object.keys(MAKE).sort());
    for (const data of fixtures.values()) expect(data.length).toBeGreaterThan(50);
  });

  it.each(Object.keys(MAKE).map((name, i) => [name, SEED + i] as const))(
    `%s: ${CASES_PER_FIXTURE} damaged copies end in a key or a keys.* error, each quickly`,
    async (name, seed) => {
      const outcome = await fuzz(name, seed);
      const total = outcome.ok + [...outcome.codes.values()].reduce((a, b) => a + b, 0);
      expect(total).toBe(CASES_PER_FIXTURE);
      // Damage must be noticed: most copies are refused (a few changes, e.g. in a comment, are harmless).
      expect(outcome.ok).toBeLessThan(CASES_PER_FIXTURE / 2);
    },
    60_000,
  );

  it('took under 1 s for every single input (10 s for a KDF cost within the caps), oversized numbers and lengths included', () => {
    expect(timer.count).toBe(CASES_PER_FIXTURE * Object.keys(MAKE).length);
    timer.finish();
  });
});
