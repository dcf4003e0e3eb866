/**
 * What both notebook engines (NotebookSession, HubSession) do the same way around the state
 * machine of notebook-session-state.ts: wait for its first ready or its close, and turn a
 * change of the SSH connection into the machine's event.
 */
import { PortholeError } from '../shared/errors';
import type { ConnectionState } from '../ssh/connection-state';
import type { NotebookInfo, SessionEvent, SessionState } from './notebook-session-state';

type Subscribe = (listener: (state: SessionState, previous: SessionState) => void) => () => void;

/** The notebook at the first ready; a PortholeError at a failure, or at a close before it. */
export function firstReady(subscribe: Subscribe): Promise<NotebookInfo> {
  return new Promise((resolve, reject) => {
    const unsubscribe = subscribe((state) => {
      if (state.kind === 'ready') {
        unsubscribe();
        resolve(state.notebook);
      } else if (state.kind === 'failed') {
        unsubscribe();
        reject(new PortholeError(state.error));
      } else if (state.kind === 'closed') {
        unsubscribe();
        reject(new PortholeError({ code: 'session.stopped', message: 'The session was stopped.', retryable: false }));
      }
    });
  });
}

/** Resolves once the machine is closed. */
export function whenClosed(subscribe: Subscribe): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = subscribe((state) => {
      if (state.kind === 'closed') {
        unsubscribe();
        resolve();
      }
    });
  });
}

/**
 * The machine's event for a change of the SSH connection: a question asked or answered, the
 * link down, a failure after it had been up; `reconnected` when the link is back (what that
 * means for the notebook is the engine's to check); null for nothing to tell.
 */
export function connectionEvent(state: ConnectionState, previous: ConnectionState): SessionEvent | 'reconnected' | null {
  if (state.kind === 'awaiting-user') return { type: 'prompt', prompt: state.prompt };
  if (previous.kind === 'awaiting-user' && state.kind === 'connecting') return { type: 'prompt-answered' };
  if (state.kind === 'reconnecting') return { type: 'link-down', attempt: state.attempt, delayMs: state.delayMs, error: state.lastError };
  if (state.kind === 'ready' && state.reconnected) return 'reconnected';
  if (state.kind === 'failed' && state.everReady) return { type: 'error', error: state.error };
  return null;
}
