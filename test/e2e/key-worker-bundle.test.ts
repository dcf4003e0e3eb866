/**
 * The key worker as the app ships it: out/main/key-worker.js from `npm run build` (a second
 * entry of the main build, beside out/main/index.js), loaded by plain Node with no tsx
 * anywhere, decodes an Argon2id .ppk v3 and reports a wrong passphrase as the same keys.*
 * error as from source. Needs the build (`npm test` and `npm run test:browser` build first).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromWire, type KeyJob, type KeyJobReply } from '../../main/keys/key-jobs';
import { WorkerRunner } from '../../main/keys/worker-runner';
import { PortholeError } from '../../main/shared/errors';
import { runChecked } from '../env/processes';

const ROOT = resolve(__dirname, '../..');
const BUILT_WORKER = join(ROOT, 'out/main/key-worker.js');
const PASSPHRASE = 'bundle pass 3';
let dir: string;
const file = (name: string) => join(dir, name);
let expected: { fingerprint: string; publicKey: string };

/** The built worker, refusing to test a missing or stale one rather than passing on old code. */
function builtWorker(): string {
  if (!existsSync(BUILT_WORKER)) throw new Error(`${BUILT_WORKER} is missing: run \`npm run build\` first.`);
  const sources = ['main/keys', 'main/shared'].flatMap((folder) => readdirSync(join(ROOT, folder)).map((name) => join(ROOT, folder, name)));
  const newest = Math.max(...sources.map((path) => statSync(path).mtimeMs));
  if (statSync(BUILT_WORKER).mtimeMs < newest) throw new Error(`${BUILT_WORKER} is older than main/keys: run \`npm run build\` again.`);
  return BUILT_WORKER;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-key-worker-bundle-'));
  writeFileSync(file('pass'), PASSPHRASE);
  await runChecked('puttygen', ['-q', '-t', 'ed25519', '-C', 'bundle key', '-o', file('bundle.ppk'), '--new-passphrase', file('pass'), '--ppk-param', 'version=3,kdf=argon2id,memory=1024,passes=2']);
  const fingerprint = /SHA256:[A-Za-z0-9+/]+/.exec(await runChecked('puttygen', [file('bundle.ppk'), '--old-passphrase', file('pass'), '-O', 'fingerprint']))![0];
  const publicKey = (await runChecked('puttygen', [file('bundle.ppk'), '--old-passphrase', file('pass'), '-O', 'public-openssh'])).trim();
  expected = { fingerprint, publicKey };
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the built key worker', { timeout: 60_000 }, () => {
  it('runs under plain Node (no tsx): decodes an Argon2id .ppk v3, and a wrong passphrase is keys.wrong-passphrase', async () => {
    const worker = builtWorker();
    // A stand-alone CommonJS script speaking the worker protocol, run by node itself.
    const script = file('check-bundle.cjs');
    writeFileSync(
      script,
      `'use strict';
const { readFileSync } = require('node:fs');
const { Worker } = require('node:worker_threads');
const [workerPath, ppkPath, passFile] = process.argv.slice(2);
const worker = new Worker(workerPath);
worker.on('error', (error) => { console.error('worker error: ' + error.message); process.exit(3); });
function ask(id, request) {
  return new Promise((resolve) => {
    const onMessage = (reply) => { if (reply.id === id) { worker.off('message', onMessage); resolve(reply); } };
    worker.on('message', onMessage);
    worker.postMessage({ id, request });
  });
}
(async () => {
  const bytes = readFileSync(ppkPath);
  const good = await ask(1, { kind: 'decode', request: { bytes, label: 'bundle.ppk', passphrase: readFileSync(passFile, 'utf8') } });
  const wrong = await ask(2, { kind: 'decode', request: { bytes, label: 'bundle.ppk', passphrase: 'not the passphrase' } });
  const key = good.ok ? good.value : null;
  console.log(JSON.stringify({
    loaders: process.execArgv.concat(Object.keys(require.cache).filter((p) => p.includes('tsx'))),
    good: key ? { info: key.info, privateKeyIsOpenSsh: Buffer.from(key.privateKey).toString('utf8').startsWith('-----BEGIN OPENSSH PRIVATE KEY-----') } : good.error,
    wrong: wrong.ok ? 'accepted' : wrong.error,
  }));
  await worker.terminate();
})();
`,
    );
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    const child = spawn(process.execPath, [script, worker, file('bundle.ppk'), file('pass')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { loaders: string[]; good: { info: { fingerprint: string; publicKey: string; format: string; encrypted: boolean }; privateKeyIsOpenSsh: boolean }; wrong: { porthole?: { code: string } } };
    expect(result.loaders).toEqual([]);
    expect(result.good.info).toMatchObject({ fingerprint: expected.fingerprint, format: 'ppk-v3', encrypted: true, comment: 'bundle key' });
    expect(result.good.info.publicKey).toBe(expected.publicKey);
    expect(result.good.privateKeyIsOpenSsh).toBe(true);
    expect(result.wrong.porthole?.code).toBe('keys.wrong-passphrase');
  });

  it('is what WorkerRunner starts for a built bundle: the import through it gives the key puttygen describes', async () => {
    const runner = new WorkerRunner<KeyJob, KeyJobReply>({ script: { path: builtWorker(), typescript: false } });
    try {
      const bytes = readFileSync(file('bundle.ppk'));
      const reply = (await runner.run({ kind: 'decode', request: { bytes, label: 'bundle.ppk', passphrase: PASSPHRASE } }, 'reading bundle.ppk')) as KeyJobReply<'decode'>;
      const key = fromWire(reply);
      expect(key.fingerprint).toBe(expected.fingerprint);
      expect(key.privateKey.toString('utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
      const refused = await runner.run({ kind: 'decode', request: { bytes, label: 'bundle.ppk' } }, 'reading bundle.ppk').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PortholeError);
      expect((refused as PortholeError).code).toBe('keys.passphrase-required');
    } finally {
      await runner.close();
    }
  });
});
