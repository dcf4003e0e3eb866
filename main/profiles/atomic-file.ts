/**
 * Keeping a profiles file aside without losing it: it is first copied to a name nobody uses
 * yet, flushed, and only then removed from its old place. (Writes go through the one atomic
 * writer, main/shared/atomic-write.ts.)
 */
import { constants } from 'node:fs';
import { copyFile, open, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory } from '../shared/atomic-write';

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
