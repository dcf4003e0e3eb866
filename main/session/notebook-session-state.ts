/**
 * A notebook session's life as a pure state machine: ssh -> locate Jupyter -> start or
 * attach -> forward -> probe -> ready, then reconnecting/ready as the link drops and
 * returns, until stopped. `next(state, event)` decides; notebook-session.ts carries out
 * each step. Snapshots of this state are what the window, the tray and the CLI render:
 * they never carry a token or password.
 */
import type { PortholeErrorInfo } from '../shared/errors';
import type { UserPrompt } from '../ssh/connection-state';

export interface NotebookInfo {
  /** The local URL without credentials. */
  readonly url: string;
  readonly localPort: number;
  readonly remotePort: number;
  readonly serverPid: number;
  readonly reused: boolean;
  readonly flavour: 'lab' | 'notebook' | 'server';
  readonly version: string | null;
  readonly rootDir: string;
  /** The VM's own JupyterHub (hub-session.ts), with the words that explain its certificate warning. */
  readonly hub?: { readonly scheme: 'http' | 'https'; readonly certificateNote: string | null };
}

export type SessionState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'connecting' }
  | { readonly kind: 'awaiting-user'; readonly prompt: UserPrompt }
  | { readonly kind: 'locating' }
  | { readonly kind: 'starting'; readonly reusing: boolean }
  | { readonly kind: 'forwarding' }
  | { readonly kind: 'probing' }
  | { readonly kind: 'ready'; readonly notebook: NotebookInfo; readonly reconnected: boolean }
  | { readonly kind: 'reconnecting'; readonly notebook: NotebookInfo; readonly attempt: number; readonly delayMs: number; readonly error: PortholeErrorInfo }
  | { readonly kind: 'server-stopped'; readonly notebook: NotebookInfo }
  | { readonly kind: 'stopping' }
  | { readonly kind: 'closed' }
  | { readonly kind: 'failed'; readonly error: PortholeErrorInfo };

export type SessionEvent =
  | { readonly type: 'start' }
  | { readonly type: 'prompt'; readonly prompt: UserPrompt }
  | { readonly type: 'prompt-answered' }
  | { readonly type: 'connected' }
  | { readonly type: 'located'; readonly reusing: boolean }
  | { readonly type: 'server-up' }
  | { readonly type: 'forwarded' }
  | { readonly type: 'answered'; readonly notebook: NotebookInfo }
  | { readonly type: 'link-down'; readonly attempt: number; readonly delayMs: number; readonly error: PortholeErrorInfo }
  | { readonly type: 'link-back' }
  | { readonly type: 'server-gone' }
  | { readonly type: 'restart' }
  | { readonly type: 'stop' }
  | { readonly type: 'stopped' }
  | { readonly type: 'error'; readonly error: PortholeErrorInfo };

/** The step notebook-session.ts must run on entering a state (null: wait for an event). */
export type SessionStep = 'connect' | 'locate' | 'start-server' | 'forward' | 'probe' | 'shut-down' | null;

export const INITIAL_SESSION: SessionState = { kind: 'idle' };

export function next(state: SessionState, event: SessionEvent): SessionState {
  if (state.kind === 'closed') return state;
  if (event.type === 'stop') return state.kind === 'stopping' ? state : { kind: 'stopping' };
  if (state.kind === 'stopping') return event.type === 'stopped' ? { kind: 'closed' } : state;
  if (event.type === 'error') return state.kind === 'failed' ? state : { kind: 'failed', error: event.error };

  switch (state.kind) {
    case 'idle':
      return event.type === 'start' ? { kind: 'connecting' } : state;
    case 'connecting':
      if (event.type === 'prompt') return { kind: 'awaiting-user', prompt: event.prompt };
      return event.type === 'connected' ? { kind: 'locating' } : state;
    case 'awaiting-user':
      if (event.type === 'prompt') return { kind: 'awaiting-user', prompt: event.prompt };
      return event.type === 'prompt-answered' ? { kind: 'connecting' } : state;
    case 'locating':
      return event.type === 'located' ? { kind: 'starting', reusing: event.reusing } : state;
    case 'starting':
      return event.type === 'server-up' ? { kind: 'forwarding' } : state;
    case 'forwarding':
      return event.type === 'forwarded' ? { kind: 'probing' } : state;
    case 'probing':
      return event.type === 'answered' ? { kind: 'ready', notebook: event.notebook, reconnected: false } : state;
    case 'ready':
      if (event.type === 'link-down') return { kind: 'reconnecting', notebook: state.notebook, attempt: event.attempt, delayMs: event.delayMs, error: event.error };
      if (event.type === 'server-gone') return { kind: 'server-stopped', notebook: state.notebook };
      return state;
    case 'reconnecting':
      if (event.type === 'link-down') return { ...state, attempt: event.attempt, delayMs: event.delayMs, error: event.error };
      if (event.type === 'link-back') return { kind: 'ready', notebook: state.notebook, reconnected: true };
      if (event.type === 'server-gone') return { kind: 'server-stopped', notebook: state.notebook };
      return state;
    case 'server-stopped':
      return event.type === 'restart' ? { kind: 'locating' } : state;
    case 'failed':
      return event.type === 'start' ? { kind: 'connecting' } : state;
  }
}

/** The step to run when `previous` became `state`; answering a prompt resumes, it does not reconnect. */
export function stepFor(state: SessionState, previous: SessionState): SessionStep {
  if (state.kind === previous.kind) return null;
  if (previous.kind === 'awaiting-user' && state.kind === 'connecting') return null;
  switch (state.kind) {
    case 'connecting':
      return 'connect';
    case 'locating':
      return 'locate';
    case 'starting':
      return 'start-server';
    case 'forwarding':
      return 'forward';
    case 'probing':
      return 'probe';
    case 'stopping':
      return 'shut-down';
    default:
      return null;
  }
}
