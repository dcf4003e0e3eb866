/**
 * Who owns a file Porthole left behind (a lock, a temp file): a pid alone is not enough,
 * because pids repeat (after a reboot, and in containers where every run is pid 1 or 7).
 * The process start time tells a living owner from a newcomer that got the same pid.
 */
import { readFile } from 'node:fs/promises';

/**
 * When `pid` started, as the kernel counts it (clock ticks since boot, field 22 of
 * /proc/<pid>/stat), or null where that cannot be read (not Linux, process gone, no /proc).
 * Elsewhere callers fall back to the pid alone, plus a nonce for this process's own pid.
 */
export async function processStartTime(pid: number): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19]; // field 22 overall; fields[0] here is field 3
    return start !== undefined && /^\d+$/.test(start) ? start : null;
  } catch {
    return null;
  }
}

/** True while a process with this pid exists (also when it belongs to another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let ownStart: Promise<string | null> | undefined;

/** This process's own start time (read once). */
export function ownStartTime(): Promise<string | null> {
  ownStart ??= processStartTime(process.pid);
  return ownStart;
}
