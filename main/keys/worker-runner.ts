/**
 * Runs jobs on one worker thread and gives each caller a promise, so CPU-heavy work never
 * blocks the main thread's event loop (the tray, the window, open tunnels). The worker is
 * started on the first job, kept while jobs are in flight, unref'd when idle (an idle
 * worker never keeps a CLI process alive) and stopped after a quiet spell. A job that
 * outlives its time limit, or a worker that dies, ends in a PortholeError for every job it
 * held, never in a promise that waits forever; the next job starts a fresh worker.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { PortholeError } from '../shared/errors';
import { deserializeError, type JobMessage, type ReplyMessage } from './worker-protocol';

export interface WorkerScript {
  /** Absolute path of the worker's entry file. */
  readonly path: string;
  /** TypeScript source (tests, the CLI in a checkout): the worker registers tsx before loading it. */
  readonly typescript: boolean;
}

export interface WorkerRunnerOptions {
  readonly script: WorkerScript;
  /** Per job. Generous: Argon2/bcrypt at their caps take seconds, not minutes. */
  readonly jobTimeoutMs?: number;
  /** An idle worker is stopped after this long, to give back its memory. */
  readonly idleMs?: number;
}

export const DEFAULT_JOB_TIMEOUT_MS = 60_000;
const DEFAULT_IDLE_MS = 10_000;

interface Pending<Reply> {
  readonly worker: Worker;
  /** What the job does, as a gerund phrase for messages: "reading id_ed25519". */
  readonly what: string;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (value: Reply) => void;
  readonly reject: (error: Error) => void;
}

export class WorkerRunner<Request, Reply> {
  private worker: Worker | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending<Reply>>();
  private readonly jobTimeoutMs: number;
  private readonly idleMs: number;

  constructor(private readonly options: WorkerRunnerOptions) {
    this.jobTimeoutMs = options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** Whether a worker thread is running now (started and not yet stopped). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  run(request: Request, what: string): Promise<Reply> {
    let worker: Worker;
    try {
      worker = this.worker ?? this.start();
    } catch (error) {
      return Promise.reject(failedError(what, `it could not start: ${(error as Error).message}`));
    }
    clearTimeout(this.idleTimer);
    worker.ref();
    return new Promise<Reply>((resolve, reject) => {
      const id = this.nextId++;
      // The worker is ref'd while it has jobs; the timer need not hold the process as well.
      const timer = setTimeout(() => this.timedOut(id), this.jobTimeoutMs).unref();
      this.pending.set(id, { worker, what, timer, resolve, reject });
      try {
        worker.postMessage({ id, request } satisfies JobMessage<Request>);
      } catch (error) {
        // Only a request that cannot be cloned gets here: a bug in the caller.
        this.settle(id)?.reject(error as Error);
      }
    });
  }

  /** Stops the worker now; jobs still in flight fail with keys.worker-failed. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    this.forget(worker);
    this.failAll(worker, (what) => failedError(what, 'Porthole was shutting it down'));
    await worker.terminate();
  }

  private start(): Worker {
    const { path, typescript } = this.options.script;
    // The eval'd bootstrap is CommonJS: register tsx's require hook, then load the TypeScript entry.
    const worker = typescript
      ? new Worker(`require(${JSON.stringify(tsxRequireHook())});\nrequire(${JSON.stringify(path)});\n`, { eval: true, execArgv: [] })
      : new Worker(path);
    worker.on('message', (reply: ReplyMessage<Reply>) => this.onReply(reply));
    worker.on('error', (error) => {
      this.forget(worker);
      this.failAll(worker, (what) => failedError(what, error.message));
    });
    worker.on('messageerror', (error) => {
      this.forget(worker);
      this.failAll(worker, (what) => failedError(what, `its reply could not be read: ${error.message}`));
      void worker.terminate();
    });
    worker.on('exit', (code) => {
      this.forget(worker);
      this.failAll(worker, (what) => failedError(what, `it stopped with exit code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private onReply(reply: ReplyMessage<Reply>): void {
    const job = this.settle(reply.id);
    if (job === undefined) return;
    if (reply.ok) job.resolve(reply.value);
    else job.reject(deserializeError(reply.error));
  }

  private timedOut(id: number): void {
    const job = this.pending.get(id);
    if (job === undefined) return;
    // A job past its limit is stuck in synchronous code: only stopping the thread ends it.
    // Every job that worker held goes down with it, each told which job hung.
    const { worker, what } = job;
    this.forget(worker);
    this.failAll(worker, () => timeoutError(what, this.jobTimeoutMs));
    void worker.terminate();
  }

  private settle(id: number): Pending<Reply> | undefined {
    const job = this.pending.get(id);
    if (job === undefined) return undefined;
    clearTimeout(job.timer);
    this.pending.delete(id);
    if (![...this.pending.values()].some((other) => other.worker === job.worker)) this.idle(job.worker);
    return job;
  }

  private failAll(worker: Worker, error: (what: string) => PortholeError): void {
    for (const [id, job] of this.pending) {
      if (job.worker !== worker) continue;
      this.settle(id);
      job.reject(error(job.what));
    }
  }

  /** No jobs left on `worker`: it must not hold the process, and it stops after idleMs. */
  private idle(worker: Worker): void {
    worker.unref();
    if (worker !== this.worker) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || [...this.pending.values()].some((job) => job.worker === worker)) return;
      this.forget(worker);
      void worker.terminate();
    }, this.idleMs).unref();
  }

  private forget(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    clearTimeout(this.idleTimer);
  }
}

/** tsx's CommonJS hook, resolved from here so the worker needs no module resolution of its own. */
function tsxRequireHook(): string {
  return createRequire(__filename).resolve('tsx/cjs');
}

function timeoutError(what: string, limitMs: number): PortholeError {
  return new PortholeError({
    code: 'keys.worker-timeout',
    message: `Porthole gave up ${what} after ${Math.round(limitMs / 1000)} s.`,
    hint: 'Try again. If it happens again, the key may use unusually expensive protection settings: save it again with the defaults (PuTTYgen, or ssh-keygen -p).',
    retryable: true,
  });
}

function failedError(what: string, detail: string): PortholeError {
  return new PortholeError({
    code: 'keys.worker-failed',
    message: `The background worker stopped while ${what} (${detail}).`,
    hint: 'Try again: Porthole starts a fresh worker. If it keeps happening, restart Porthole.',
    retryable: true,
  });
}
