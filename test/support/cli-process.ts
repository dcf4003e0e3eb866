/**
 * The `porthole` command as a user runs it: the real bin in a child process. `runPorthole`
 * waits for it to end; `startPorthole` hands back the running child and its JSON lines as
 * they come (`next('running')`), for commands a test interrupts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const PORTHOLE_BIN = resolve(__dirname, '../../bin/porthole.js');

export interface PortholeRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout's lines parsed as JSON (for --json runs); a line that is not JSON fails the test. */
  readonly events: Record<string, unknown>[];
}

export interface RunningPorthole {
  readonly child: ChildProcess;
  /** The next JSON line (with `event` = `event`, if given), skipping others; fails when the command ends first or after `timeoutMs` (20 s). */
  next(event?: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code when the command ends. */
  exit(): Promise<number | null>;
  stderr(): string;
}

function parseLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`porthole printed a line that is not JSON: ${line}`);
      }
    });
}

export function runPorthole(args: readonly string[], env: NodeJS.ProcessEnv, options: { json?: boolean } = {}): Promise<PortholeRun> {
  const child = spawn(process.execPath, [PORTHOLE_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('close', (code) => {
      try {
        done({ code, stdout, stderr, events: options.json === false || !args.includes('--json') ? [] : parseLines(stdout) });
      } catch (error) {
        fail(error);
      }
    });
  });
}

export function startPorthole(args: readonly string[], env: NodeJS.ProcessEnv): RunningPorthole {
  const child = spawn(process.execPath, [PORTHOLE_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    waiters.splice(0).forEach((wake) => wake());
  });
  // 'close' comes after stdout ended, so every line has been seen by then ('exit' may come earlier).
  let closed = false;
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  void exited.then(() => {
    closed = true;
    waiters.splice(0).forEach((wake) => wake());
  });
  return {
    child,
    stderr: () => stderr,
    exit: () => exited,
    async next(event, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = lines.findIndex((line) => event === undefined || line['event'] === event);
        if (index >= 0) return lines.splice(0, index + 1).at(-1)!;
        if (closed || Date.now() > deadline) {
          throw new Error(`no "${event ?? 'JSON'}" line ${closed ? 'before porthole ended' : `within ${timeoutMs} ms`}; got ${JSON.stringify(lines)}; stderr: ${stderr}`);
        }
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((wake) => {
          waiters.push(wake);
          timer = setTimeout(wake, deadline - Date.now() + 1);
        });
        clearTimeout(timer);
      }
    },
  };
}
