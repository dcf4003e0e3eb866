/**
 * The app and the `porthole` command share one profiles.json: two real processes adding
 * at once must both find their hosts on disk afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';

const REPO = resolve(__dirname, '..', '..');
const CHILD = join(REPO, 'test', 'unit', 'support', 'profiles-child.ts');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-profiles-proc-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Child {
  /** Resolves once the child has opened the store and waits for the start signal. */
  readonly ready: Promise<void>;
  start(): void;
  readonly result: Promise<{ ok: boolean; error?: { code: string; message: string } }>;
}

function runChild(prefix: string, count: number): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, prefix, String(count)], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const result = new Promise<{ ok: boolean; error?: { code: string; message: string } }>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      markReady();
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || line === '' || line === 'ready') fail(new Error(`child ${prefix} exited ${code}: ${err}`));
      else done(JSON.parse(line) as { ok: boolean; error?: { code: string; message: string } });
    });
  });
  return { ready, start: () => child.stdin.end('go\n'), result };
}

it('two processes adding hosts at once both keep every host on disk', { timeout: 60_000 }, async () => {
  const count = 40;
  const children = [runChild('app', count), runChild('cli', count)];
  // Both stores are open before either adds: the adds overlap, whatever each start-up costs.
  await Promise.all(children.map((child) => child.ready));
  for (const child of children) child.start();
  const results = await Promise.all(children.map((child) => child.result));
  expect(results).toEqual([{ ok: true }, { ok: true }]);
  const saved = (JSON.parse(await readFile(join(dir, 'profiles.json'), 'utf8')) as { profiles: { name: string }[] }).profiles.map((p) => p.name);
  const expected = ['app', 'cli'].flatMap((prefix) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`));
  expect(saved.sort()).toEqual(expected.sort());
  // No lock or temp file is left behind.
  expect((await readdir(dir)).sort()).toEqual(['profiles.json', 'profiles.json.bak']);
});
