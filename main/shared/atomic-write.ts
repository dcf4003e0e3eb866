/**
 * The one way Porthole replaces a file (profiles, their backup, the vault): the bytes go to
 * a temp file in the same folder, which is flushed to disk and then renamed over the target,
 * and the folder is flushed too. Readers see the old file or the new one, never half of
 * either; a crash leaves at most a temp file, which the next write in that folder removes.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pidAlive } from './process-identity';

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0o600: everything Porthole writes is private). */
  readonly mode?: number;
  /** Mode of the folder when it has to be created (default 0o700). */
  readonly dirMode?: number;
}

/** `<name>.tmp-<pid>-<12 hex>`: the pid says whose it is, the random part keeps writers apart. */
const TEMP_NAME = /^.+\.tmp-(\d+)-[0-9a-f]{12}$/;
/** A write takes milliseconds; a temp file this old belongs to nobody, whatever its pid says. */
const ABANDONED_AFTER_MS = 10 * 60_000;

/** Temp files this process is writing right now (so the sweep never takes one of its own). */
const inFlight = new Set<string>();

/** Writes `data` to `path` atomically; creates the folder if needed. */
export async function writeFileAtomic(path: string, data: string | Buffer, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  const mode = options.mode ?? 0o600;
  await mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 });
  await removeStaleTemps(dir);
  const temp = join(dir, `${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  inFlight.add(temp);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.chmod(mode); // the umask may have narrowed it; never widened
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    inFlight.delete(temp);
  }
  await syncDirectory(dir);
}

/**
 * Removes temp files that earlier writes left in `dir` when they crashed: those whose
 * writer is gone (its pid no longer runs, or it is this process's pid but not a write this
 * process is doing) or that are older than any write takes. Best effort: a temp file that
 * cannot be judged or removed is left for the next time.
 */
export async function removeStaleTemps(dir: string, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (match === null) continue;
    const path = join(dir, name);
    if (inFlight.has(path)) continue;
    const pid = Number(match[1]);
    try {
      const ownerGone = pid === process.pid || !pidAlive(pid);
      if (!ownerGone && now - (await stat(path)).mtimeMs < ABANDONED_AFTER_MS) continue;
      await rm(path, { force: true });
      removed.push(path);
    } catch {
      // Gone meanwhile, or not ours to remove: leave it.
    }
  }
  return removed;
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const delay = renameRetryDelay(process.platform, (error as NodeJS.ErrnoException).code, attempt);
      if (delay === null) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/**
 * How long to wait before renaming again after a failed rename, or null to give up.
 * Windows refuses to replace a file another program (an antivirus, a backup tool) holds
 * open for a moment; POSIX never does, so only Windows retries, ten times, waiting longer
 * each time (about a second in all).
 */
export function renameRetryDelay(platform: NodeJS.Platform, code: string | undefined, attempt: number): number | null {
  if (platform !== 'win32' || attempt >= 10 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) return null;
  return 20 * (attempt + 1);
}

/** Makes a rename durable on POSIX; Windows cannot open a folder for this and does not need it. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems (network shares) refuse to sync a folder; the rename itself is done.
  }
}
