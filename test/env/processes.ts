/**
 * Process bookkeeping for the test environment: read the process table from /proc, find
 * descendants, kill trees, run commands. Used to start services in the foreground and to
 * prove that nothing the suite started is left running.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFile, type ExecFileOptions } from 'node:child_process';
import { waitFor } from './wait';

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly uid: number;
  readonly cmdline: string;
}

export function listProcesses(): ProcessInfo[] {
  const result: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ');
      const state = /^State:\s+(\S)/m.exec(status)?.[1];
      if (state === 'Z') continue; // zombies are gone, only not yet reaped
      result.push({ pid: Number(entry), ppid, uid, cmdline });
    } catch {
      // The process exited while we read it.
    }
  }
  return result;
}

export function descendantsOf(rootPid: number, table = listProcesses()): ProcessInfo[] {
  const byParent = new Map<number, ProcessInfo[]>();
  for (const proc of table) byParent.set(proc.ppid, [...(byParent.get(proc.ppid) ?? []), proc]);
  const found: ProcessInfo[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/status`, 'utf8').includes('State:\tZ');
  } catch {
    return false;
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** SIGTERM, then SIGKILL whatever is still alive after the grace period. */
export async function terminate(pids: readonly number[], graceMs = 3_000): Promise<void> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  try {
    await waitFor('processes to exit', () => pids.every((pid) => !isAlive(pid)), { timeoutMs: graceMs });
  } catch {
    for (const pid of pids) signal(pid, 'SIGKILL');
    await waitFor(`processes ${pids.join(', ')} to die`, () => pids.every((pid) => !isAlive(pid)), { timeoutMs: 5_000 });
  }
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs a program (never through a shell) and resolves with its output, whatever its exit code. */
export function run(file: string, args: readonly string[], options: ExecFileOptions & { input?: string } = {}): Promise<RunResult> {
  const { input, ...execOptions } = options;
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, ...execOptions }, (error, stdout, stderr) => {
      const code = error && typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : error ? -1 : 0;
      if (error && (error as { code?: unknown }).code === 'ENOENT') {
        reject(new Error(`${file} is not installed`));
        return;
      }
      resolve({ stdout: String(stdout), stderr: String(stderr), code });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Like run(), but a non-zero exit is an error carrying the program's stderr. */
export async function runChecked(file: string, args: readonly string[], options: ExecFileOptions & { input?: string } = {}): Promise<string> {
  const result = await run(file, args, options);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}
