import { describe, expect, it } from 'vitest';
import { INITIAL_SESSION, next, stepFor, type NotebookInfo, type SessionEvent, type SessionState } from '../../main/session/notebook-session-state';

const notebook: NotebookInfo = { url: 'http://127.0.0.1:8888/lab', localPort: 8888, remotePort: 8888, serverPid: 42, reused: false, flavour: 'lab', version: '4.2.0', rootDir: '/home/u' };
const lost = { code: 'ssh.connection-lost', message: 'lost', retryable: true };
const prompt = { kind: 'host-key', server: 'vm', keyType: 'ssh-ed25519', fingerprint: 'SHA256:x', otherKeyTypesKnown: [] } as const;

function walk(events: SessionEvent[], from: SessionState = INITIAL_SESSION): { state: SessionState; steps: (string | null)[] } {
  let state = from;
  const steps: (string | null)[] = [];
  for (const event of events) {
    const previous = state;
    state = next(state, event);
    steps.push(stepFor(state, previous));
  }
  return { state, steps };
}

const toReady: SessionEvent[] = [{ type: 'start' }, { type: 'connected' }, { type: 'located', reusing: false }, { type: 'server-up' }, { type: 'forwarded' }, { type: 'answered', notebook }];

describe('notebook session state machine', () => {
  it('runs ssh -> locate -> start -> forward -> probe -> ready, one step per phase', () => {
    const { state, steps } = walk(toReady);
    expect(state).toEqual({ kind: 'ready', notebook, reconnected: false });
    expect(steps).toEqual(['connect', 'locate', 'start-server', 'forward', 'probe', null]);
  });

  it('pauses for the user and resumes without connecting again', () => {
    const { state, steps } = walk([{ type: 'start' }, { type: 'prompt', prompt }, { type: 'prompt-answered' }]);
    expect(state.kind).toBe('connecting');
    expect(steps).toEqual(['connect', null, null]);
  });

  it('goes reconnecting and back to ready with the same notebook', () => {
    const { state } = walk([...toReady, { type: 'link-down', attempt: 1, delayMs: 500, error: lost }, { type: 'link-back' }]);
    expect(state).toEqual({ kind: 'ready', notebook, reconnected: true });
  });

  it('a server that died can be restarted, which locates again', () => {
    const { state, steps } = walk([...toReady, { type: 'server-gone' }, { type: 'restart' }]);
    expect(state.kind).toBe('locating');
    expect(steps.slice(-2)).toEqual([null, 'locate']);
  });

  it('any failure during setup fails the session with its error', () => {
    for (let i = 1; i < toReady.length; i++) {
      const { state } = walk([...toReady.slice(0, i), { type: 'error', error: lost }]);
      expect(state).toEqual({ kind: 'failed', error: lost });
    }
  });

  it('stop from anywhere shuts down once and ends closed', () => {
    for (let i = 0; i <= toReady.length; i++) {
      const { state, steps } = walk([...toReady.slice(0, i), { type: 'stop' }, { type: 'stop' }, { type: 'stopped' }]);
      expect(state).toEqual({ kind: 'closed' });
      expect(steps.slice(-3)).toEqual(['shut-down', null, null]);
    }
  });

  it('ignores events that do not belong to the current phase', () => {
    const { state } = walk([{ type: 'start' }, { type: 'answered', notebook }, { type: 'server-up' }]);
    expect(state.kind).toBe('connecting');
  });
});
