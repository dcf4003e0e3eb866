/**
 * Seeded fuzz: thousands of mutated and truncated profiles files. Whatever is on disk, the
 * store must open (never throw, never hang), keep any file it could not use byte for byte,
 * and keep working. A failure names the seed and the case, so it can be replayed with
 * PORTHOLE_FUZZ_SEED.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProfilesText, serializeProfiles } from '../../main/profiles/migrations';
import { validateProfile } from '../../main/profiles/schema';
import { ProfileStore } from '../../main/profiles/store';
import { hostileMutation, InputTimer } from '../support/fuzz';
import { mulberry32 as random } from '../support/prng';

const SEED = Number(process.env['PORTHOLE_FUZZ_SEED'] ?? 20240501);

const SEEDS: string[] = [
  serializeProfiles([
    validateProfile({
      name: 'gpu',
      user: 'ubuntu',
      key: { kind: 'vault', name: 'gpu-key' },
      jumpHosts: [{ host: 'bastion.example.com', user: 'jump' }],
      forwards: [
        { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'localhost', remotePort: 8888 },
        { kind: 'dynamic', bindHost: '127.0.0.1', bindPort: 1080 },
      ],
      jupyter: { flavour: 'lab', env: { kind: 'conda', name: 'pytorch' }, localPort: 18888 },
      cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', stopVmOnDisconnect: true, idleStopMinutes: 45, lastSeenAddress: '203.0.113.7' },
    }),
    validateProfile({ name: 'dsvm', user: 'azureuser', cloud: { provider: 'azure', subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'course', vmName: 'dsvm' } }),
    validateProfile({ name: 'Seminar VM', host: 'vm.westeurope.cloudapp.azure.com', port: 2222, user: 'azureuser', key: { kind: 'path', path: 'C:\\Users\\me\\vm.ppk' } }),
  ]),
  serializeProfiles([]),
  JSON.stringify({ version: 1, profiles: [{ name: 'old', host: 'old.example.com', identityFile: '/k/old.pem', jupyter: { flavour: 'notebook' } }] }),
];

type Random = () => number;
const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
const int = (rnd: Random, max: number) => Math.floor(rnd() * max);

const NASTY_VALUES: unknown[] = [null, true, 0, -1, 1.5, 65536, 1e308, '', ' ', 'a b', '-x', '\u0000', '\uFFFF', [], {}, [null], { kind: 'nope' }, '9'.repeat(400), 3, 99];

/** One JSON-aware mutation: change, drop or duplicate a value somewhere in the tree. */
function mutateTree(rnd: Random, value: unknown): unknown {
  if (rnd() < 0.25 || value === null || typeof value !== 'object') return rnd() < 0.5 ? pick(rnd, NASTY_VALUES) : value;
  if (Array.isArray(value)) {
    const copy = [...value];
    const choice = rnd();
    if (copy.length > 0 && choice < 0.3) copy.splice(int(rnd, copy.length), 1);
    else if (copy.length > 0 && choice < 0.5) copy.push(structuredClone(copy[int(rnd, copy.length)]));
    else if (copy.length > 0) {
      const index = int(rnd, copy.length);
      copy[index] = mutateTree(rnd, copy[index]);
    } else copy.push(pick(rnd, NASTY_VALUES));
    return copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const choice = rnd();
  if (keys.length > 0 && choice < 0.2) delete copy[pick(rnd, keys)];
  else if (choice < 0.3) copy[pick(rnd, ['extra', 'version', 'name', 'kind', '__proto__', 'constructor'])] = pick(rnd, NASTY_VALUES);
  else if (keys.length > 0) {
    const key = pick(rnd, keys);
    copy[key] = mutateTree(rnd, copy[key]);
  }
  return copy;
}

/** One byte-level mutation: truncate, flip, insert, delete, splice, re-encode. */
function mutateBytes(rnd: Random, text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  switch (int(rnd, 9)) {
    case 0:
      return bytes.subarray(0, int(rnd, bytes.length + 1));
    case 1: {
      const copy = Buffer.from(bytes);
      for (let n = 1 + int(rnd, 4); n > 0 && copy.length > 0; n--) copy[int(rnd, copy.length)] = int(rnd, 256);
      return copy;
    }
    case 2: {
      const at = int(rnd, bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(pick(rnd, ['{', '}', '[', ']', ',', '"', ':', '\\', '\n', 'null', '\u00e9', '\u0000'])), bytes.subarray(at)]);
    }
    case 3: {
      const at = int(rnd, bytes.length);
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + int(rnd, 40))]);
    }
    case 4:
      return Buffer.from(text.replace(/\d+/, () => String(pick(rnd, [0, 3, 65536, -22, 1.5, 999999999999]))), 'utf8');
    case 5:
      return Buffer.from(text.replace(/"version": \d+/, `"version": ${pick(rnd, ['0', '1', '2', '3', '-1', '2.0', '1e3', '"2"', 'null', '[]'])}`), 'utf8');
    case 6:
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case 7:
      return Buffer.from(Array.from({ length: int(rnd, 64) }, () => int(rnd, 256)));
    default:
      return Buffer.concat([bytes, bytes.subarray(0, int(rnd, bytes.length))]);
  }
}

function mutant(rnd: Random): Buffer {
  // Oversized numbers, oversized lengths and repetition, on top of the JSON and byte damage.
  if (rnd() < 0.1) return Buffer.from(hostileMutation(rnd, rnd() < 0.5 ? pick(rnd, SEEDS) : mutant(rnd).toString('utf8')), 'utf8');
  const seed = pick(rnd, SEEDS);
  if (rnd() < 0.5) {
    let tree: unknown = JSON.parse(seed);
    for (let n = 1 + int(rnd, 3); n > 0; n--) tree = mutateTree(rnd, tree);
    const text = JSON.stringify(tree, null, rnd() < 0.5 ? 2 : undefined) ?? 'undefined';
    return rnd() < 0.2 ? mutateBytes(rnd, text) : Buffer.from(text, 'utf8');
  }
  return mutateBytes(rnd, seed);
}

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'porthole-profiles-fuzz-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe(`profiles fuzz (seed ${SEED})`, () => {
  it('classifies 20000 mutated texts without ever throwing', { timeout: 180_000 }, () => {
    const rnd = random(SEED);
    const kinds = { ok: 0, newer: 0, damaged: 0 };
    const timer = new InputTimer('profiles text');
    for (let i = 0; i < 20_000; i++) {
      const text = mutant(rnd).toString('utf8');
      let reading;
      try {
        reading = timer.runSync(() => `seed ${SEED} case ${i}: ${JSON.stringify(text.slice(0, 200))}`, () => readProfilesText(text));
      } catch (error) {
        throw new Error(`seed ${SEED} case ${i}: readProfilesText threw ${String(error)} for ${JSON.stringify(text)}`, { cause: error });
      }
      kinds[reading.kind]++;
    }
    timer.finish();
    // The mutations must reach every branch, or this test proves little.
    expect(kinds.ok).toBeGreaterThan(2000);
    expect(kinds.newer).toBeGreaterThan(500);
    expect(kinds.damaged).toBeGreaterThan(10_000);
  });

  it('opens every one of 2000 mutated files, keeps what it could not use, and keeps working', async () => {
    const rnd = random(SEED + 1);
    const outcomes = { damaged: 0, newer: 0, ok: 0, backupUsed: 0 };
    const timer = new InputTimer('profiles store');
    for (let i = 0; i < 2000; i++) {
      const dir = join(root, String(i));
      await mkdir(dir);
      const main = mutant(rnd);
      const withBackup = rnd() < 0.4;
      const backupBytes = withBackup ? (rnd() < 0.5 ? Buffer.from(pick(rnd, SEEDS)) : mutant(rnd)) : null;
      await writeFile(join(dir, 'profiles.json'), main);
      if (backupBytes) await writeFile(join(dir, 'profiles.json.bak'), backupBytes);
      const context = () => `seed ${SEED} case ${i}: main ${JSON.stringify(main.toString('latin1'))} backup ${JSON.stringify(backupBytes?.toString('latin1') ?? null)}`;

      let store: ProfileStore;
      try {
        store = await timer.run(() => context().slice(0, 300), () => ProfileStore.open(dir));
      } catch (error) {
        throw new Error(`${context()}: open threw ${String(error)}`, { cause: error });
      }

      const damagedMain = store.notices.find((n) => n.code === 'profiles.file-damaged' && n.keptAt?.includes('profiles.json.corrupt-'));
      if (damagedMain) {
        outcomes.damaged++;
        expect(Buffer.compare(await readFile(damagedMain.keptAt!), main), context()).toBe(0);
        if (damagedMain.message.includes('from the backup')) outcomes.backupUsed++;
      } else if (store.readOnly) {
        outcomes.newer++;
        expect(Buffer.compare(await readFile(join(dir, 'profiles.json')), main), context()).toBe(0);
      } else {
        outcomes.ok++;
        const reading = readProfilesText(main.toString('utf8'));
        expect(reading.kind, context()).toBe('ok');
        expect(store.list(), context()).toEqual(reading.kind === 'ok' ? reading.file.profiles : null);
      }
      const damagedBackup = store.notices.find((n) => n.keptAt?.includes('profiles.json.bak.'));
      if (damagedBackup) expect(Buffer.compare(await readFile(damagedBackup.keptAt!), backupBytes!), context()).toBe(0);

      // Keep working: every 10th store takes a new profile, and the file on disk shows it.
      if (!store.readOnly && i % 10 === 0) {
        await store.add({ name: `fuzz-added-${i}`, host: 'added.example.com' });
        const again = await ProfileStore.open(dir);
        expect(again.get(`fuzz-added-${i}`), context()).toBeDefined();
        expect(again.notices, context()).toEqual([]);
        if (damagedMain) expect(Buffer.compare(await readFile(damagedMain.keptAt!), main), context()).toBe(0);
      }
      expect((await readdir(dir)).filter((name) => name.includes('.tmp-')), context()).toEqual([]);
      await rm(dir, { recursive: true, force: true });
    }
    timer.finish();
    expect(outcomes.damaged).toBeGreaterThan(1000);
    expect(outcomes.ok).toBeGreaterThan(250);
    expect(outcomes.newer).toBeGreaterThan(40);
    expect(outcomes.backupUsed).toBeGreaterThan(150);
  }, 400_000);
});
