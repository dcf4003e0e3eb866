/**
 * The cross-process file lock (main/shared/file-lock.ts): when a leftover lock is judged
 * stale and broken, and when its owner is taken as alive and waited for.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withFileLock } from '../../main/shared/file-lock';
import { processStartTime } from '../../main/shared/process-identity';
import { waitFor } from '../env/wait';

const root = mkdtempSync(join(tmpdir(), 'porthole-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const freshFile = () => {
  const dir = join(root, `d${++count}`);
  return { dir, file: join(dir, 'data.json') };
};

class Busy extends Error {}
const options = { timeoutMs: 300, busy: () => new Busy('busy'), io: (cause: unknown) => cause as Error };
const lockWith = (file: string, owner: object | string) => {
  rmSync(`${file}.lock`, { force: true });
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(`${file}.lock`, typeof owner === 'string' ? owner : JSON.stringify(owner));
};

async function outcome(file: string): Promise<'ran' | 'busy'> {
  try {
    await withFileLock(file, async () => undefined, options);
    return 'ran';
  } catch (error) {
    if (error instanceof Busy) return 'busy';
    throw error;
  }
}

describe('withFileLock: leftover locks', () => {
  it('breaks a lock holding this process own pid but a nonce it does not hold', async () => {
    const { file } = freshFile();
    lockWith(file, { pid: process.pid, start: await processStartTime(process.pid), nonce: 'from-an-earlier-run' });
    expect(await outcome(file)).toBe('ran');
  });

  it('breaks a lock in the old format (a bare pid) naming this process', async () => {
    const { file } = freshFile();
    lockWith(file, `${process.pid}\n`);
    expect(await outcome(file)).toBe('ran');
  });

  it('breaks a lock whose pid runs but started at another time (the pid was reused)', async () => {
    const { file } = freshFile();
    const start = await processStartTime(1);
    if (start === null) throw new Error('this test needs /proc (Linux)');
    lockWith(file, { pid: 1, start: `${start}9`, nonce: 'n' });
    expect(await outcome(file)).toBe('ran');
  });

  it('breaks a lock whose pid no longer runs', async () => {
    const { file } = freshFile();
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    lockWith(file, { pid: gone, start: '1', nonce: 'n' });
    expect(await outcome(file)).toBe('ran');
  });

  it('waits for, and does not break, a lock whose owner still runs', async () => {
    const { dir, file } = freshFile();
    lockWith(file, { pid: 1, start: await processStartTime(1), nonce: 'n' });
    expect(await outcome(file)).toBe('busy');
    expect(readdirSync(dir)).toEqual(['data.json.lock']);
  });

  it('waits for a lock this process holds itself, from another caller', async () => {
    const { file } = freshFile();
    const order: string[] = [];
    let release: (() => void) | undefined;
    const first = withFileLock(file, () => new Promise<void>((resolve) => (release = () => (order.push('first'), resolve()))), options);
    const second = withFileLock(file, async () => void order.push('second'), options);
    await waitFor('the first caller to hold the lock (its task runs)', () => release !== undefined);
    // Five whole lock cycles on another file: more file operations than a second caller needs
    // to break the lock and run its task, had it not waited.
    for (let cycle = 0; cycle < 5; cycle++) await withFileLock(`${file}-other`, async () => undefined, options);
    expect(order).toEqual([]);
    release!();
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
  });
});
