/**
 * A job worker for the WorkerRunner tests: answers, fails, hangs or dies on request, using
 * the same protocol (serveJobs) as the key worker.
 */
import { PortholeError } from '../../main/shared/errors';
import { serveJobs } from '../../main/keys/worker-protocol';

export type MisbehaviourRequest =
  | { readonly do: 'echo'; readonly value: unknown }
  | { readonly do: 'refuse' }
  | { readonly do: 'slow'; readonly ms: number }
  | { readonly do: 'hang' }
  | { readonly do: 'exit'; readonly code: number }
  | { readonly do: 'throw-later'; readonly message: string };

serveJobs<MisbehaviourRequest, unknown>(async (request) => {
  switch (request.do) {
    case 'echo':
      return request.value;
    case 'refuse':
      throw new PortholeError({ code: 'keys.wrong-passphrase', message: 'refused in the worker', hint: 'a hint', retryable: false });
    case 'slow':
      await new Promise((done) => setTimeout(done, request.ms));
      return 'slow done';
    case 'hang':
      return hang();
    case 'exit':
      return process.exit(request.code);
    case 'throw-later':
      setTimeout(() => {
        throw new Error(request.message);
      }, 0);
      return new Promise(() => undefined);
  }
});

/** Synchronous on purpose: only terminating the thread ends this. */
function hang(): never {
  for (;;);
}
