/**
 * The SSH connection's life as a pure state machine. `next(state, event)` returns the new
 * state and the effects the side-effect layer (connection.ts) must carry out; nothing here
 * touches a socket or a timer, so every path is unit-tested.
 *
 *   idle -> connecting <-> awaiting-user -> ready -> reconnecting -> connecting -> ready ...
 *                 \-> failed                 any -> closed (dispose)
 *
 * A first connection that fails is `failed` (the user must hear why); a connection that was
 * up and dropped keeps retrying with backoff until disposed. Failures that retrying cannot
 * fix (auth refused, host key changed) end in `failed` even while reconnecting.
 */
import type { PortholeErrorInfo } from '../shared/errors';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';

/** What the user is being asked while the connection waits. Never carries a secret. */
export type UserPrompt =
  /** `hostKeyAlias`: the key is filed under this name (a cloud machine), not under the address. */
  | { readonly kind: 'host-key'; readonly server: string; readonly keyType: string; readonly fingerprint: string; readonly otherKeyTypesKnown: readonly string[]; readonly hostKeyAlias?: string }
  | { readonly kind: 'passphrase'; readonly keyLabel: string; readonly retry: boolean }
  | { readonly kind: 'password'; readonly server: string; readonly retry: boolean }
  | { readonly kind: 'keyboard-interactive'; readonly server: string; readonly instructions: string; readonly prompts: readonly { readonly prompt: string; readonly echo: boolean }[] };

export type ConnectionState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting'; readonly attempt: number; readonly everReady: boolean }
  | { readonly kind: 'awaiting-user'; readonly attempt: number; readonly everReady: boolean; readonly prompt: UserPrompt }
  | { readonly kind: 'ready'; readonly since: number; readonly reconnected: boolean }
  | { readonly kind: 'reconnecting'; readonly attempt: number; readonly delayMs: number; readonly lastError: PortholeErrorInfo }
  | { readonly kind: 'failed'; readonly error: PortholeErrorInfo; readonly everReady: boolean }
  | { readonly kind: 'closed' };

export type ConnectionEvent =
  | { readonly type: 'start' }
  | { readonly type: 'prompt'; readonly prompt: UserPrompt }
  | { readonly type: 'prompt-answered' }
  | { readonly type: 'ready'; readonly at: number }
  /** The transport failed or closed; `random` in [0,1) feeds the backoff jitter. */
  | { readonly type: 'down'; readonly error: PortholeErrorInfo; readonly random: number }
  | { readonly type: 'retry-due' }
  /** Woke from sleep or the network changed: check now instead of waiting. */
  | { readonly type: 'resume' }
  | { readonly type: 'dispose' };

export type ConnectionEffect =
  | { readonly kind: 'open-transport' }
  | { readonly kind: 'close-transport' }
  | { readonly kind: 'schedule-retry'; readonly delayMs: number }
  | { readonly kind: 'cancel-retry' }
  /** Send a keepalive now; a dead link then shows up as `down` quickly. */
  | { readonly kind: 'probe' };

export interface Transition {
  readonly state: ConnectionState;
  readonly effects: readonly ConnectionEffect[];
}

export const INITIAL_STATE: ConnectionState = { kind: 'idle' };

const stay = (state: ConnectionState): Transition => ({ state, effects: [] });

export function next(state: ConnectionState, event: ConnectionEvent, policy: BackoffPolicy = DEFAULT_BACKOFF): Transition {
  if (state.kind === 'closed') return stay(state);
  if (event.type === 'dispose') return { state: { kind: 'closed' }, effects: [{ kind: 'cancel-retry' }, { kind: 'close-transport' }] };

  switch (state.kind) {
    case 'idle':
    case 'failed':
      if (event.type === 'start' || (event.type === 'resume' && state.kind === 'failed')) {
        const everReady = state.kind === 'failed' && state.everReady;
        return { state: { kind: 'connecting', attempt: 1, everReady }, effects: [{ kind: 'open-transport' }] };
      }
      return stay(state);

    case 'connecting':
      switch (event.type) {
        case 'prompt':
          return stay({ kind: 'awaiting-user', attempt: state.attempt, everReady: state.everReady, prompt: event.prompt });
        case 'ready':
          return stay({ kind: 'ready', since: event.at, reconnected: state.everReady });
        case 'down':
          return afterFailure(state.attempt, state.everReady, event, policy);
        default:
          return stay(state);
      }

    case 'awaiting-user':
      switch (event.type) {
        case 'prompt-answered':
          return stay({ kind: 'connecting', attempt: state.attempt, everReady: state.everReady });
        case 'prompt':
          return stay({ ...state, prompt: event.prompt });
        case 'down':
          return afterFailure(state.attempt, state.everReady, event, policy);
        default:
          return stay(state);
      }

    case 'ready':
      switch (event.type) {
        case 'down':
          return afterFailure(0, true, event, policy);
        case 'resume':
          return { state, effects: [{ kind: 'probe' }] };
        default:
          return stay(state);
      }

    case 'reconnecting':
      switch (event.type) {
        case 'retry-due':
          return { state: { kind: 'connecting', attempt: state.attempt, everReady: true }, effects: [{ kind: 'open-transport' }] };
        case 'resume':
          return { state: { kind: 'connecting', attempt: state.attempt, everReady: true }, effects: [{ kind: 'cancel-retry' }, { kind: 'open-transport' }] };
        default:
          return stay(state);
      }
  }
}

function afterFailure(attempt: number, everReady: boolean, event: Extract<ConnectionEvent, { type: 'down' }>, policy: BackoffPolicy): Transition {
  if (!everReady || !event.error.retryable) {
    return { state: { kind: 'failed', error: event.error, everReady }, effects: [{ kind: 'close-transport' }] };
  }
  const nextAttempt = attempt + 1;
  const delayMs = backoffDelay(nextAttempt, event.random, policy);
  return {
    state: { kind: 'reconnecting', attempt: nextAttempt, delayMs, lastError: event.error },
    effects: [{ kind: 'close-transport' }, { kind: 'schedule-retry', delayMs }],
  };
}
