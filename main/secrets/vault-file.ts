/**
 * File handling for the vault: atomic replacement and the cross-process lock (both the
 * shared ones in main/shared, with the vault's own errors), and moving a bad file aside
 * instead of overwriting it.
 */
import { lstat, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory, writeFileAtomic as writeAtomic } from '../shared/atomic-write';
import { withFileLock as withSharedLock } from '../shared/file-lock';
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

/** Readers see the old file or the new one, never a mix; a crash leaves at most a temp file. */
export async function writeFileAtomic(file: string, data: Buffer): Promise<void> {
  try {
    await writeAtomic(file, data, { mode: FILE_MODE, dirMode: DIR_MODE });
  } catch (error) {
    throw vaultIo(file, 'save', error);
  }
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
    await syncDirectory(dirname(file));
    return target;
  }
}

/**
 * Runs `task` holding `<file>.lock`, the lock the profile store takes too
 * (main/shared/file-lock.ts); a live owner is waited for up to `timeoutMs`.
 */
export function withFileLock<T>(file: string, task: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  return withSharedLock(file, task, { timeoutMs, busy: () => vaultBusy(file), io: (cause) => vaultIo(file, 'save', cause) });
}

export async function removeFile(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if (errno(error) !== 'ENOENT') throw vaultIo(file, 'save', error);
  }
}
