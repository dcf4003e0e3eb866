/**
 * The messages between the main thread and a job worker, and the worker's side of them.
 * One request, one reply, matched by id. Errors cross as plain data: a PortholeError keeps
 * its code, message, hint and retryable flag (so the user sees the same error whichever
 * thread found it); anything else arrives as an Error with its name and message only.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { PortholeError } from '../shared/errors';

export interface JobMessage<Request> {
  readonly id: number;
  readonly request: Request;
}

export type ReplyMessage<Reply> =
  | { readonly id: number; readonly ok: true; readonly value: Reply }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly porthole?: { readonly code: string; readonly hint?: string; readonly retryable: boolean };
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof PortholeError) {
    return { name: error.name, message: error.message, porthole: { code: error.code, ...(error.hint !== undefined ? { hint: error.hint } : {}), retryable: error.retryable } };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

export function deserializeError(error: SerializedError): Error {
  if (error.porthole) {
    const { code, hint, retryable } = error.porthole;
    return new PortholeError({ code, message: error.message, ...(hint !== undefined ? { hint } : {}), retryable });
  }
  const plain = new Error(error.message);
  plain.name = error.name;
  return plain;
}

/**
 * Worker side: answers every job with `handle`. Jobs run as they arrive; an async handler
 * may have several in flight, which the ids keep apart.
 */
export function serveJobs<Request, Reply>(handle: (request: Request) => Promise<Reply>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveJobs() runs only inside a worker thread');
  port.on('message', (message: JobMessage<Request>) => void answer(port, message, handle));
}

async function answer<Request, Reply>(port: MessagePort, message: JobMessage<Request>, handle: (request: Request) => Promise<Reply>): Promise<void> {
  let reply: ReplyMessage<Reply>;
  try {
    reply = { id: message.id, ok: true, value: await handle(message.request) };
  } catch (error) {
    reply = { id: message.id, ok: false, error: serializeError(error) };
  }
  try {
    port.postMessage(reply);
  } catch (error) {
    // A reply that cannot be cloned is a bug in the handler: say so instead of never answering.
    port.postMessage({ id: message.id, ok: false, error: serializeError(error) } satisfies ReplyMessage<Reply>);
  }
}
