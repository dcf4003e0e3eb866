/**
 * File handling for the vault: atomic replacement (temp file in the same folder, fsync,
 * rename, fsync the folder), moving a bad file aside instead of overwriting it, and a lock
 * so the app and the `porthole` command never interleave their read-modify-write cycles.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { vaultBusy, vaultIo } from './errors';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

function errno(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The file's bytes, or null when there is no file. */
export async function readVaultFile(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if (errno(error) === 'ENOENT') return null;
    throw vaultIo(file, 'read', error);
  }
}

async function ensureDir(dir: string, file: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
  } catch (error) {
    throw vaultIo(file, 'save', error);
  }
}

/** Makes a rename durable. Some platforms (Windows) cannot open a folder; the rename stands anyway. */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: not supported for folders on every platform/filesystem.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Readers see the old file or the new one, never a mix; a crash leaves at most a temp file. */
export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  const dir = dirname(file);
  await ensureDir(dir, file);
  const temp = join(dir, `${basename(file)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx', FILE_MODE);
    try {
      await handle.chmod(FILE_MODE); // the umask may have narrowed it; never widened
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw vaultIo(file, 'save', error);
  }
  await syncDir(dir);
}

/** Renames `file` to `<file>.<label>-<timestamp>` (never over an existing file) and returns the new path. */
export async function moveAside(file: string, label: string, now = new Date()): Promise<string> {
  const stem = `${file}.${label}-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (let n = 0; ; n += 1) {
    const target = n === 0 ? stem : `${stem}-${n}`;
    try {
      await lstat(target);
      continue; // taken; rename() would replace it
    } catch (error) {
      if (errno(error) !== 'ENOENT') throw vaultIo(file, 'save', error);
    }
    try {
      await rename(file, target);
    } catch (error) {
      throw vaultIo(file, 'save', error);
    }
    await syncDir(dirname(file));
    return target;
  }
}

const inProcess = new Map<string, Promise<unknown>>();

/**
 * Runs `task` holding `<file>.lock`: serialised within this process by a promise chain, and
 * across processes by an exclusively created lock file holding the owner's pid. A lock whose
 * owner is gone (crash) is broken; a live owner is waited for up to `timeoutMs`.
 */
export function withFileLock<T>(file: string, task: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const lockPath = `${file}.lock`;
  const previous = inProcess.get(lockPath) ?? Promise.resolve();
  const run = previous.then(async () => {
    await acquire(file, lockPath, timeoutMs);
    try {
      return await task();
    } finally {
      await unlink(lockPath).catch(() => undefined);
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

async function acquire(file: string, lockPath: string, timeoutMs: number): Promise<void> {
  await ensureDir(dirname(file), file);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', FILE_MODE);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if (errno(error) !== 'EEXIST') throw vaultIo(file, 'save', error);
    }
    if (await breakIfStale(lockPath)) continue;
    if (Date.now() >= deadline) throw vaultBusy(file);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Removes a lock left by a process that no longer runs (or a half-written one older than a minute). */
async function breakIfStale(lockPath: string): Promise<boolean> {
  try {
    const before = await stat(lockPath);
    const pid = Number.parseInt(await readFile(lockPath, 'utf8'), 10);
    const stale = Number.isSafeInteger(pid) && pid > 0 ? !processExists(pid) : Date.now() - before.mtimeMs > 60_000;
    if (!stale) return false;
    // Only remove the lock we judged, not one a faster process created since.
    if ((await stat(lockPath)).ino !== before.ino) return true;
    await unlink(lockPath);
    return true;
  } catch (error) {
    return errno(error) === 'ENOENT'; // gone meanwhile: try again at once
  }
}

function processExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errno(error) === 'EPERM'; // exists, belongs to someone else
  }
}

export async function removeFile(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if (errno(error) !== 'ENOENT') throw vaultIo(file, 'save', error);
  }
}
