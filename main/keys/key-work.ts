/**
 * Where key jobs run: on the key worker thread (always, in the app, the CLI and the tests),
 * or inline on the calling thread when the benchmark asks, to measure what the main thread
 * went through before. One worker for the whole process, started on first use.
 */
import { dirname, join } from 'node:path';
import { runKeyJob, type KeyJob, type KeyJobKind, type KeyJobReply } from './key-jobs';
import { WorkerRunner, type WorkerScript } from './worker-runner';

let inline = false;
let runner: WorkerRunner<KeyJob, KeyJobReply> | undefined;

/**
 * The worker's entry file, next to this module: key-worker.ts beside key-work.ts when
 * running from source (tsx, Vitest), key-worker.js beside the bundle when built
 * (out/main/index.js and out/main/key-worker.js; electron.vite.config.ts keeps them side by side).
 */
export function keyWorkerScript(moduleFile: string = __filename): WorkerScript {
  const typescript = moduleFile.endsWith('.ts');
  return { path: join(dirname(moduleFile), typescript ? 'key-worker.ts' : 'key-worker.js'), typescript };
}

export function keyWork<K extends KeyJobKind>(job: KeyJob<K>, what: string): Promise<KeyJobReply<K>> {
  if (inline) return runKeyJob(job);
  runner ??= new WorkerRunner({ script: keyWorkerScript() });
  return runner.run(job as KeyJob, what) as Promise<KeyJobReply<K>>;
}

/** For the stall benchmark only: true runs key jobs on the calling thread, as before the worker. */
export function runKeyWorkInline(enabled: boolean): void {
  inline = enabled;
}

/** Stops the key worker now (it also stops by itself when idle); the next job starts a new one. */
export async function stopKeyWorker(): Promise<void> {
  await runner?.close();
}

/** Whether the key worker thread is running now. */
export function keyWorkerRunning(): boolean {
  return runner?.running ?? false;
}
