/**
 * Seeded fuzzing of the vault file: whatever bytes are on disk, opening and reading the
 * vault ends in either exactly the secrets that were stored, or `secrets.vault-damaged`
 * with the bytes kept aside unchanged. Never a crash, a hang, a wrong value or lost bytes.
 * (One more outcome is legitimate: a mutation that turns `"version": 1` into a higher
 * number is a "newer Porthole" file, reported as `secrets.vault-too-new` and left in place.)
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Vault, type KeychainBackend } from '../../main/secrets';
import { VaultCipher } from '../../main/secrets/vault-format';
import { PortholeError } from '../../main/shared/errors';
import { hostileMutation, InputTimer } from '../support/fuzz';
import { memoryKeychain } from '../support/memory-keychain';
import { mulberry32 } from '../support/prng';

const root = mkdtempSync(join(tmpdir(), 'porthole-vault-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Seeded helpers over mulberry32, so a failure replays exactly. */
function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]) => items[int(items.length)]! };
}
type Rng = ReturnType<typeof prng>;

const SECRETS: Record<string, Buffer> = {
  'key:vm': Buffer.from('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n'),
  'passphrase:vm': Buffer.from('pass phrase'),
  'jupyter-token:lab': Buffer.from('0123456789abcdef0123456789abcdef'),
  empty: Buffer.alloc(0),
  binary: Buffer.from([0, 255, 1, 254, 2, 253]),
};
const IDS = Object.keys(SECRETS).sort();

const BASE64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=');
const isBase64Byte = (byte: number) => BASE64.includes(byte);

/** One mutation: raw byte damage, or a structural edit that keeps the JSON valid. */
function mutateOnce(input: Buffer, rng: Rng): Buffer {
  const bytes = Buffer.from(input);
  const at = () => rng.int(Math.max(bytes.length, 1));
  switch (rng.int(11)) {
    case 10:
      // Oversized numbers (the version), oversized lengths (a base64 field), repetition (records).
      return Buffer.from(hostileMutation(rng.next, bytes.toString('utf8')), 'utf8');
    case 0: {
      if (bytes.length > 0) bytes[at()]! ^= 1 << rng.int(8);
      return bytes;
    }
    case 1: {
      if (bytes.length > 0) bytes[at()] = rng.int(256);
      return bytes;
    }
    case 2: {
      const start = at();
      return Buffer.concat([bytes.subarray(0, start), bytes.subarray(start + 1 + rng.int(20))]);
    }
    case 3: {
      const start = at();
      const junk = Buffer.from(Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)));
      return Buffer.concat([bytes.subarray(0, start), junk, bytes.subarray(start)]);
    }
    case 4:
      return bytes.subarray(0, at());
    case 5: {
      const start = at();
      const slice = bytes.subarray(start, start + 1 + rng.int(40));
      const to = at();
      return Buffer.concat([bytes.subarray(0, to), slice, bytes.subarray(to)]);
    }
    case 6:
    case 7: {
      // Change one base64 character into another: the JSON stays valid.
      const positions = [...bytes.keys()].filter((i) => isBase64Byte(bytes[i]!));
      if (positions.length > 0) bytes[rng.pick(positions)] = rng.pick([...BASE64]);
      return bytes;
    }
    default:
      return structuralEdit(bytes, rng);
  }
}

function structuralEdit(bytes: Buffer, rng: Rng): Buffer {
  let doc: { records?: Record<string, unknown>[]; [key: string]: unknown };
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    return bytes;
  }
  if (typeof doc !== 'object' || doc === null) return bytes;
  const records = Array.isArray(doc.records) ? doc.records : [];
  const record = records.length > 0 ? rng.pick(records) : undefined;
  const other = records.length > 0 ? rng.pick(records) : undefined;
  const field = rng.pick(['id', 'nonce', 'ciphertext', 'tag']);
  switch (rng.int(9)) {
    case 0: // reorder records: still the same vault
      records.reverse();
      break;
    case 1: // reformat: still the same vault
      return Buffer.from(JSON.stringify(doc, null, rng.int(5)));
    case 2:
      if (record && other) [record[field], other[field]] = [other[field], record[field]];
      break;
    case 3:
      if (record) delete record[field];
      break;
    case 4:
      if (record) record[field] = rng.pick([42, null, [], {}, '', 'AAAA']);
      break;
    case 5:
      if (record) records.push({ ...record });
      break;
    case 6:
      if (records.length > 0) records.splice(rng.int(records.length), 1);
      break;
    case 7:
      doc[rng.pick(['format', 'version', 'keyId', 'mac', 'records'])] = rng.pick([0, 1, 2, -1, 1.5, 'x', null, true, [], {}]);
      break;
    default:
      doc['extra'] = { note: 'unknown field' };
  }
  return Buffer.from(JSON.stringify(doc));
}

function parsedVersion(bytes: Buffer): unknown {
  try {
    return (JSON.parse(bytes.toString('utf8')) as { version?: unknown }).version;
  } catch {
    return undefined;
  }
}

describe('vault file fuzzing', () => {
  let keychain: KeychainBackend;
  let pristine: Buffer;
  beforeAll(async () => {
    keychain = memoryKeychain();
    const dir = join(root, 'base');
    const vault = await Vault.open({ dir, keychain });
    for (const id of IDS) await vault.set(id, SECRETS[id]!);
    pristine = readFileSync(join(dir, 'vault.json'));
  });

  it('1200 mutated vault files each end in the stored secrets or a damaged error with the bytes kept', { timeout: 300_000 }, async () => {
    const rng = prng(0x5eed_2024);
    const dir = join(root, 'fuzz');
    const outcomes = { valid: 0, damaged: 0, tooNew: 0 };
    const timer = new InputTimer('vault files');
    for (let round = 0; round < 1200; round += 1) {
      rmSync(dir, { recursive: true, force: true });
      let mutated = pristine;
      for (let n = 1 + rng.int(3); n > 0; n -= 1) mutated = mutateOnce(mutated, rng);
      mkdirSync(dir);
      writeFileSync(join(dir, 'vault.json'), mutated);

      const context = `round ${round}: ${JSON.stringify(mutated.toString('latin1'))}`;
      try {
        await timer.run(context.slice(0, 300), async () => {
          const vault = await Vault.open({ dir, keychain });
          expect(await vault.list(), context).toEqual(IDS);
          for (const id of IDS) expect(await vault.get(id), context).toEqual(SECRETS[id]);
        });
        outcomes.valid += 1;
      } catch (error) {
        if (!(error instanceof PortholeError)) throw new Error(`${context} threw ${String(error)}`, { cause: error });
        if (error.code === 'secrets.vault-too-new') {
          const version = parsedVersion(mutated);
          expect(typeof version === 'number' && version > 1, context).toBe(true);
          expect(readFileSync(join(dir, 'vault.json')), context).toEqual(mutated);
          outcomes.tooNew += 1;
        } else {
          // A changed keyId names a key the keychain has no entry for: indistinguishable
          // from a vault made on another computer, so reported (and kept) as such.
          expect(['secrets.vault-damaged', 'secrets.vault-key-missing'], `${context}: ${error.message}`).toContain(error.code);
          const names = readdirSync(dir);
          expect(names, context).toHaveLength(1);
          expect(names[0], context).toMatch(error.code === 'secrets.vault-damaged' ? /^vault\.json\.corrupt-/ : /^vault\.json\.no-key-/);
          expect(readFileSync(join(dir, names[0]!)), context).toEqual(mutated);
          expect(error.message, context).toContain(join(dir, names[0]!));
          outcomes.damaged += 1;
        }
      }
    }
    timer.finish();
    expect(outcomes.valid + outcomes.damaged + outcomes.tooNew).toBe(1200);
    // Both outcomes must actually occur, or the fuzzer is not exercising much. (The mutation
    // sequence is seeded; the vault's key and nonces are random, so counts vary a little:
    // about 20 valid, 1180 damaged.)
    expect(outcomes.valid).toBeGreaterThanOrEqual(5);
    expect(outcomes.damaged).toBeGreaterThan(900);
  });

  it('the parser never throws on 10000 mutated inputs, and accepts none under a key that did not write them', { timeout: 60_000 }, () => {
    const rng = prng(0xc0ffee);
    const cipher = new VaultCipher(Buffer.from(Array.from({ length: 32 }, (_, i) => i)));
    const kinds = new Map<string, number>();
    const timer = new InputTimer('vault parser');
    for (let round = 0; round < 10_000; round += 1) {
      let mutated = pristine;
      for (let n = 1 + rng.int(4); n > 0; n -= 1) mutated = mutateOnce(mutated, rng);
      const { kind } = timer.runSync(() => `round ${round}: ${mutated.toString('latin1').slice(0, 200)}`, () => cipher.read(mutated));
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    timer.finish();
    expect(kinds.get('ok')).toBeUndefined();
    expect((kinds.get('damaged') ?? 0) + (kinds.get('too-new') ?? 0)).toBe(10_000);
  });
});
