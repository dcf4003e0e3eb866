/**
 * File moves that cannot lose data: a write goes to a temp file that is flushed to disk and
 * then renamed over the target (readers see the old file or the new one, never half of
 * either), and a file "moved aside" is first copied to a name nobody uses yet, flushed, and
 * only then removed from its old place.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, open, rename, rm, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes `text` to `path` atomically (temp file + fsync + rename + directory fsync). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameWithRetry(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/**
 * Copies `source` to `base`, or `base-1`, `base-2`... (never over an existing file), flushes
 * the copy, and with `remove` deletes the source afterwards. Returns where the copy is.
 */
export async function keepCopy(source: string, base: string, options: { remove: boolean }): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const target = attempt === 0 ? base : `${base}-${attempt}`;
    try {
      await copyFile(source, target, constants.COPYFILE_EXCL);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 1000) continue;
      throw error;
    }
    const handle = await open(target, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.remove) await unlink(source);
    await syncDirectory(dirname(target));
    return target;
  }
}

/** A timestamp usable in a file name on every platform: 2024-05-01T10-22-33-123Z. */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/**
 * Windows refuses to replace a file another program (an antivirus, a backup tool) holds
 * open for a moment; POSIX never does, so only Windows retries.
 */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (process.platform !== 'win32' || attempt >= 10 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  }
}

/** Makes a rename durable on POSIX; Windows cannot open a directory for this and does not need it. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems (network shares) refuse to sync a directory; the rename itself is done.
  }
}
