/** The one atomic writer (main/shared/atomic-write.ts) and its sweep of crashed writes' temp files. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { removeStaleTemps, renameRetryDelay, writeFileAtomic } from '../../main/shared/atomic-write';

const root = mkdtempSync(join(tmpdir(), 'porthole-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const freshDir = () => join(root, `d${++count}`);

it('writes the whole file with mode 0600, creating the folder, and leaves no temp file', async () => {
  const dir = freshDir();
  await writeFileAtomic(join(dir, 'a.json'), 'one');
  await writeFileAtomic(join(dir, 'a.json'), Buffer.from('two'));
  expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('two');
  expect(statSync(join(dir, 'a.json')).mode & 0o777).toBe(0o600);
  expect(readdirSync(dir)).toEqual(['a.json']);
});

it('removes temp files of crashed writes, keeps a live writer fresh temp file and files that only look alike', async () => {
  const dir = freshDir();
  await writeFileAtomic(join(dir, 'a.json'), 'one');
  const gone = spawnSync(process.execPath, ['-e', '']).pid!;
  const deadOwner = `a.json.tmp-${gone}-0123456789ab`;
  const ownPidCrashed = `b.json.tmp-${process.pid}-0123456789ab`;
  const liveFresh = `a.json.tmp-1-0123456789ab`;
  const liveAbandoned = `a.json.bak.tmp-1-ba9876543210`;
  const notOurs = 'notes.tmp-12-xyz';
  for (const name of [deadOwner, ownPidCrashed, liveFresh, liveAbandoned, notOurs]) writeFileSync(join(dir, name), 'x');
  const hourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(join(dir, liveAbandoned), hourAgo, hourAgo);
  const removed = await removeStaleTemps(dir);
  expect(removed.map((path) => path.slice(dir.length + 1)).sort()).toEqual([deadOwner, liveAbandoned, ownPidCrashed].sort());
  expect(readdirSync(dir).sort()).toEqual(['a.json', liveFresh, notOurs].sort());
});

it('the next write in the folder sweeps what a crashed write left', async () => {
  const dir = freshDir();
  await writeFileAtomic(join(dir, 'a.json'), 'one');
  writeFileSync(join(dir, `a.json.tmp-${process.pid}-0123456789ab`), 'half');
  await writeFileAtomic(join(dir, 'a.json'), 'two');
  expect(readdirSync(dir)).toEqual(['a.json']);
});

it('retries a rename Windows refuses for a moment (EPERM, EBUSY, EACCES) ten times, and never on POSIX', () => {
  for (const code of ['EPERM', 'EBUSY', 'EACCES']) {
    expect(renameRetryDelay('win32', code, 0)).toBe(20);
    expect(renameRetryDelay('win32', code, 9)).toBe(200);
    expect(renameRetryDelay('win32', code, 10)).toBeNull();
    expect(renameRetryDelay('linux', code, 0)).toBeNull();
    expect(renameRetryDelay('darwin', code, 0)).toBeNull();
  }
  expect(renameRetryDelay('win32', 'ENOENT', 0)).toBeNull();
  expect(renameRetryDelay('win32', undefined, 0)).toBeNull();
});
