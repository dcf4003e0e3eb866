/**
 * One cross-process lock for Porthole's files (the vault, the profiles), so the app and the
 * `porthole` command never interleave their read-modify-write cycles on one file.
 *
 * `<file>.lock` is created exclusively and holds `{ pid, start, nonce }`: the owner's pid,
 * its start time (see process-identity.ts) and a random nonce for this one hold. A lock
 * this process does not hold is stale, and is broken, when its owner is gone:
 *  - its pid no longer runs, or
 *  - its pid runs but started at another time (a newcomer got the pid), or
 *  - it is this process's own pid but not a nonce this process holds (a crashed earlier
 *    run with the same pid, usual in containers).
 * A lock that cannot be read (a crash mid-write) is stale once it is a minute old. A live
 * owner is waited for up to `timeoutMs`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ownStartTime, pidAlive, processStartTime } from './process-identity';

export interface FileLockOptions {
  /** How long to wait for a live owner (default 10 s). */
  readonly timeoutMs?: number;
  /** The error when the owner did not let go in time (each domain words its own). */
  readonly busy: () => Error;
  /** The error when the lock file cannot be made at all. */
  readonly io: (cause: unknown) => Error;
}

interface LockOwner {
  readonly pid: number;
  readonly start: string | null;
  readonly nonce: string | null;
}

const UNREADABLE_STALE_AFTER_MS = 60_000;
const inProcess = new Map<string, Promise<unknown>>();
/** Nonces of the locks this process holds right now. */
const held = new Set<string>();

/** Runs `task` holding `<file>.lock`: serialised in this process by a promise chain, across processes by the lock file. */
export function withFileLock<T>(file: string, task: () => Promise<T>, options: FileLockOptions): Promise<T> {
  const lockPath = `${file}.lock`;
  const previous = inProcess.get(lockPath) ?? Promise.resolve();
  const run = previous.then(async () => {
    const nonce = await acquire(lockPath, options);
    try {
      return await task();
    } finally {
      await release(lockPath, nonce);
    }
  });
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  inProcess.set(lockPath, settled);
  void settled.then(() => {
    if (inProcess.get(lockPath) === settled) inProcess.delete(lockPath);
  });
  return run;
}

async function acquire(lockPath: string, options: FileLockOptions): Promise<string> {
  try {
    await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw options.io(error);
  }
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const nonce = randomBytes(12).toString('hex');
  const content = `${JSON.stringify({ pid: process.pid, start: await ownStartTime(), nonce })}\n`;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      held.add(nonce);
      try {
        await handle.writeFile(content);
      } finally {
        await handle.close();
      }
      return nonce;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        held.delete(nonce);
        throw options.io(error);
      }
    }
    if (await breakIfStale(lockPath)) continue;
    if (Date.now() >= deadline) throw options.busy();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Removes the lock only while it is still ours (a process that wrongly broke it may hold it now). */
async function release(lockPath: string, nonce: string): Promise<void> {
  held.delete(nonce);
  try {
    if (parseOwner(await readFile(lockPath, 'utf8'))?.nonce !== nonce) return;
    await unlink(lockPath);
  } catch {
    // Already gone.
  }
}

/** The owner named in a lock file: today's JSON, or the bare pid older Porthole versions wrote. */
export function parseOwner(text: string): LockOwner | null {
  if (/^\d+\n?$/.test(text)) return { pid: Number.parseInt(text, 10), start: null, nonce: null };
  try {
    const doc = JSON.parse(text) as Partial<Record<keyof LockOwner, unknown>>;
    if (typeof doc.pid !== 'number' || !Number.isSafeInteger(doc.pid) || doc.pid <= 0) return null;
    return { pid: doc.pid, start: typeof doc.start === 'string' ? doc.start : null, nonce: typeof doc.nonce === 'string' ? doc.nonce : null };
  } catch {
    return null;
  }
}

/** True when the owner named in a lock file no longer runs (see the header for the rules). */
export async function ownerGone(owner: LockOwner): Promise<boolean> {
  if (owner.pid === process.pid) return owner.nonce === null || !held.has(owner.nonce);
  if (!pidAlive(owner.pid)) return true;
  if (owner.start === null) return false; // no start time to compare: trust the pid
  const now = await processStartTime(owner.pid);
  return now !== null && now !== owner.start;
}

async function breakIfStale(lockPath: string): Promise<boolean> {
  try {
    const before = await stat(lockPath);
    const owner = parseOwner(await readFile(lockPath, 'utf8'));
    const stale = owner === null ? Date.now() - before.mtimeMs > UNREADABLE_STALE_AFTER_MS : await ownerGone(owner);
    if (!stale) return false;
    // Only remove the lock we judged, not one a faster process created since.
    if ((await stat(lockPath)).ino !== before.ino) return true;
    await unlink(lockPath);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'; // gone meanwhile: try again at once
  }
}
