import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from '../../main/ssh/backoff';
import { INITIAL_STATE, next, type ConnectionEvent, type ConnectionState } from '../../main/ssh/connection-state';

const lostError = { code: 'ssh.connection-lost', message: 'lost', retryable: true };
const authError = { code: 'ssh.auth-failed', message: 'refused', retryable: false };
const down = (error = lostError, random = 0): ConnectionEvent => ({ type: 'down', error, random });
const hostKeyPrompt = { kind: 'host-key', server: 'gpu-1', keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc', otherKeyTypesKnown: [] } as const;

function run(events: ConnectionEvent[], from: ConnectionState = INITIAL_STATE) {
  let state = from;
  const effects: string[] = [];
  for (const event of events) {
    const t = next(state, event);
    state = t.state;
    effects.push(...t.effects.map((e) => e.kind));
  }
  return { state, effects };
}

describe('connection state machine', () => {
  it('connects: idle -> connecting -> ready, opening the transport once', () => {
    const { state, effects } = run([{ type: 'start' }, { type: 'ready', at: 5 }]);
    expect(state).toEqual({ kind: 'ready', since: 5, reconnected: false });
    expect(effects).toEqual(['open-transport']);
  });

  it('pauses in awaiting-user while a prompt is open, carrying the prompt', () => {
    const { state } = run([{ type: 'start' }, { type: 'prompt', prompt: hostKeyPrompt }]);
    expect(state).toMatchObject({ kind: 'awaiting-user', prompt: hostKeyPrompt });
    expect(run([{ type: 'prompt-answered' }], state).state.kind).toBe('connecting');
  });

  it('fails for good when the first connection fails, even if retryable', () => {
    const { state, effects } = run([{ type: 'start' }, down()]);
    expect(state).toEqual({ kind: 'failed', error: lostError, everReady: false });
    expect(effects).toEqual(['open-transport', 'close-transport']);
  });

  it('after a drop, reconnects with backoff and comes back ready as "reconnected"', () => {
    const { state, effects } = run([{ type: 'start' }, { type: 'ready', at: 1 }, down(lostError, 0)]);
    expect(state).toMatchObject({ kind: 'reconnecting', attempt: 1, delayMs: DEFAULT_BACKOFF.initialDelayMs });
    expect(effects.slice(1)).toEqual(['close-transport', 'schedule-retry']);
    const after = run([{ type: 'retry-due' }, { type: 'ready', at: 9 }], state);
    expect(after.state).toEqual({ kind: 'ready', since: 9, reconnected: true });
    expect(after.effects).toEqual(['open-transport']);
  });

  it('backs off further on each failed reconnect attempt', () => {
    let { state } = run([{ type: 'start' }, { type: 'ready', at: 1 }, down()]);
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      state = run([{ type: 'retry-due' }, down()], state).state;
      delays.push((state as { delayMs: number }).delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
  });

  it('stops reconnecting on a failure retrying cannot fix (e.g. host key changed, auth refused)', () => {
    const { state } = run([{ type: 'start' }, { type: 'ready', at: 1 }, down(), { type: 'retry-due' }, down(authError)]);
    expect(state).toEqual({ kind: 'failed', error: authError, everReady: true });
  });

  it('resume() while reconnecting tries at once, cancelling the timer', () => {
    const { state } = run([{ type: 'start' }, { type: 'ready', at: 1 }, down()]);
    const t = next(state, { type: 'resume' });
    expect(t.state.kind).toBe('connecting');
    expect(t.effects.map((e) => e.kind)).toEqual(['cancel-retry', 'open-transport']);
  });

  it('resume() while ready probes the link instead of reconnecting', () => {
    const { state } = run([{ type: 'start' }, { type: 'ready', at: 1 }]);
    expect(next(state, { type: 'resume' })).toEqual({ state, effects: [{ kind: 'probe' }] });
  });

  it('dispose from any state closes and cancels; closed ignores everything after', () => {
    for (const events of [[], [{ type: 'start' }], [{ type: 'start' }, { type: 'ready', at: 1 }, down()]] as ConnectionEvent[][]) {
      const { state } = run(events);
      const t = next(state, { type: 'dispose' });
      expect(t.state).toEqual({ kind: 'closed' });
      expect(t.effects.map((e) => e.kind)).toEqual(['cancel-retry', 'close-transport']);
      expect(next(t.state, { type: 'start' })).toEqual({ state: { kind: 'closed' }, effects: [] });
    }
  });

  it('ignores events that do not apply (a late ready while reconnecting waits for its attempt)', () => {
    const { state } = run([{ type: 'start' }, { type: 'ready', at: 1 }, down()]);
    expect(next(state, { type: 'ready', at: 2 })).toEqual({ state, effects: [] });
  });
});

describe('backoffDelay', () => {
  it('grows exponentially to the cap', () => {
    expect([1, 2, 3, 4, 10, 20].map((a) => backoffDelay(a, 0))).toEqual([500, 1000, 2000, 4000, 30000, 30000]);
  });

  it('jitters downwards by at most the jitter fraction', () => {
    expect(backoffDelay(3, 0.999)).toBeGreaterThanOrEqual(2000 * (1 - DEFAULT_BACKOFF.jitter));
    expect(backoffDelay(3, 0.5)).toBeLessThan(2000);
  });
});
