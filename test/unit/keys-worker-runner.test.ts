/**
 * WorkerRunner, the one mechanism that moves key work off the main thread, against a worker
 * that misbehaves on request: replies and errors cross intact, and a hang, a crash or an
 * uncaught error ends in a clear PortholeError (never a promise that waits forever),
 * after which the next job gets a fresh worker. Idle workers are stopped.
 */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerRunner, type WorkerRunnerOptions } from '../../main/keys/worker-runner';
import { PortholeError } from '../../main/shared/errors';
import type { MisbehaviourRequest } from '../support/misbehaving-worker';
import { waitFor } from '../env/wait';

const script = { path: resolve(__dirname, '../support/misbehaving-worker.ts'), typescript: true };
const runners: WorkerRunner<MisbehaviourRequest, unknown>[] = [];

function runner(options: Partial<WorkerRunnerOptions> = {}): WorkerRunner<MisbehaviourRequest, unknown> {
  const made = new WorkerRunner<MisbehaviourRequest, unknown>({ script, ...options });
  runners.push(made);
  return made;
}

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

async function rejection(promise: Promise<unknown>): Promise<PortholeError> {
  const error = await promise.then(
    () => new Error('expected the job to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof PortholeError)) throw error;
  return error;
}

describe('WorkerRunner', { timeout: 30_000 }, () => {
  it('runs jobs on a worker thread and returns their replies; bytes arrive intact', async () => {
    const r = runner();
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const [a, b] = await Promise.all([r.run({ do: 'echo', value: { n: 1, bytes } }, 'echoing'), r.run({ do: 'echo', value: 'two' }, 'echoing')]);
    expect(a).toEqual({ n: 1, bytes: new Uint8Array(bytes) });
    expect(b).toBe('two');
    expect(r.running).toBe(true);
  });

  it('passes a PortholeError from the worker on with its code, message, hint and retryable flag', async () => {
    const error = await rejection(runner().run({ do: 'refuse' }, 'refusing'));
    expect(error.toInfo()).toEqual({ code: 'keys.wrong-passphrase', message: 'refused in the worker', hint: 'a hint', retryable: false });
  });

  it('a job that hangs past its time limit fails with keys.worker-timeout, and so does every job that worker held; the next job gets a fresh worker', async () => {
    const r = runner({ jobTimeoutMs: 1_500 });
    await r.run({ do: 'echo', value: 'warm' }, 'warming up');
    const [hung, bystander] = await Promise.all([rejection(r.run({ do: 'hang' }, 'reading hang.ppk')), rejection(r.run({ do: 'slow', ms: 60_000 }, 'reading other.ppk'))]);
    expect(hung.code).toBe('keys.worker-timeout');
    expect(hung.message).toBe('Porthole gave up reading hang.ppk after 2 s.');
    expect(hung.retryable).toBe(true);
    // Failed with the hung job, named after it: not after its own time limit (it would name
    // other.ppk) nor its 60 s of work (past this test's time limit).
    expect(bystander.code).toBe('keys.worker-timeout');
    expect(bystander.message).toBe('Porthole gave up reading hang.ppk after 2 s.');
    expect(r.running).toBe(false);
    await expect(r.run({ do: 'echo', value: 'again' }, 'echoing')).resolves.toBe('again');
  });

  it('a worker that exits fails its jobs with keys.worker-failed naming the exit code; the next job works', async () => {
    const r = runner();
    const error = await rejection(r.run({ do: 'exit', code: 7 }, 'generating a key'));
    expect(error.code).toBe('keys.worker-failed');
    expect(error.message).toBe('The background worker stopped while generating a key (it stopped with exit code 7).');
    await expect(r.run({ do: 'echo', value: 'after exit' }, 'echoing')).resolves.toBe('after exit');
  });

  it('an uncaught error in the worker fails its jobs with keys.worker-failed carrying that error', async () => {
    const r = runner();
    const error = await rejection(r.run({ do: 'throw-later', message: 'boom in the worker' }, 'unlocking a key'));
    expect(error.code).toBe('keys.worker-failed');
    expect(error.message).toContain('boom in the worker');
    await expect(r.run({ do: 'echo', value: 'after crash' }, 'echoing')).resolves.toBe('after crash');
  });

  it('a worker script that cannot load fails the job instead of hanging', async () => {
    const r = runner({ script: { path: resolve(__dirname, 'no-such-worker.js'), typescript: false } });
    const error = await rejection(r.run({ do: 'echo', value: 1 }, 'reading a key'));
    expect(error.code).toBe('keys.worker-failed');
    expect(error.message).toMatch(/Cannot find module|no-such-worker/);
  });

  it('stops an idle worker after idleMs, and starts a new one for the next job', async () => {
    const r = runner({ idleMs: 200 });
    await r.run({ do: 'echo', value: 1 }, 'echoing');
    expect(r.running).toBe(true);
    await waitFor('the idle worker to stop', () => !r.running, { timeoutMs: 5_000 });
    await expect(r.run({ do: 'echo', value: 2 }, 'echoing')).resolves.toBe(2);
  });

  it('close() fails jobs still in flight with keys.worker-failed', async () => {
    const r = runner();
    await r.run({ do: 'echo', value: 'warm' }, 'warming up');
    const pending = rejection(r.run({ do: 'slow', ms: 60_000 }, 'reading slow.ppk'));
    await r.close();
    expect((await pending).code).toBe('keys.worker-failed');
  });
});
