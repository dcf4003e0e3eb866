import { describe, expect, it } from 'vitest';
import { idleNotice, notificationsFor } from '../../main/app/notifications';
import { sessionView, states } from '../support/views';

describe('session notifications', () => {
  it('announces a notebook that became ready, with its address', () => {
    expect(notificationsFor([sessionView('gpu', states.starting)], [sessionView('gpu', states.ready)])).toEqual([
      { host: 'gpu', title: 'Jupyter is ready on gpu', body: 'Your notebook is at http://127.0.0.1:8888/lab.' },
    ]);
  });

  it('announces a session that appears already ready', () => {
    expect(notificationsFor([], [sessionView('gpu', states.ready)])).toHaveLength(1);
  });

  it('announces forwards-only sessions without a notebook', () => {
    const ready = sessionView('db', { kind: 'ready', notebook: null, forwards: [], reconnected: false }, { mode: 'forwards' });
    expect(notificationsFor([sessionView('db', states.connecting)], [ready])).toEqual([{ host: 'db', title: 'Connected to db', body: 'The forwards are up.' }]);
  });

  it('announces a lost connection once, not on every retry', () => {
    const lost = notificationsFor([sessionView('gpu', states.ready)], [sessionView('gpu', states.reconnecting)]);
    expect(lost).toEqual([{ host: 'gpu', title: 'Connection to gpu lost', body: 'The connection to the VM dropped. Porthole is reconnecting.' }]);
    const retry = { ...states.reconnecting, attempt: 2 };
    expect(notificationsFor([sessionView('gpu', states.reconnecting)], [sessionView('gpu', retry)])).toEqual([]);
  });

  it('does not call a retry while first connecting a lost connection', () => {
    expect(notificationsFor([sessionView('gpu', states.connecting)], [sessionView('gpu', states.reconnecting)])).toEqual([]);
  });

  it('announces the way back as reconnected, not as a new notebook', () => {
    expect(notificationsFor([sessionView('gpu', states.reconnecting)], [sessionView('gpu', states.readyAgain)])).toEqual([
      { host: 'gpu', title: 'gpu reconnected', body: 'The connection is back; your notebook and forwards work again.' },
    ]);
  });

  it('announces a failure with its message and hint', () => {
    expect(notificationsFor([sessionView('gpu', states.connecting)], [sessionView('gpu', states.failed)])).toEqual([
      { host: 'gpu', title: 'gpu failed', body: 'The VM refused the key. Add this public key to ~/.ssh/authorized_keys on the VM.' },
    ]);
  });

  it('says nothing for an unchanged snapshot sent again', () => {
    for (const state of Object.values(states)) {
      expect(notificationsFor([sessionView('gpu', state)], [sessionView('gpu', state)])).toEqual([]);
    }
  });

  it('says nothing for steps on the way, closing, or stopping', () => {
    const steps = [states.connecting, states.awaiting, states.starting, states.stopping, states.closed];
    for (const [from, to] of steps.slice(1).map((to, i) => [steps[i]!, to] as const)) {
      expect(notificationsFor([sessionView('gpu', from)], [sessionView('gpu', to)])).toEqual([]);
    }
    expect(notificationsFor([sessionView('gpu', states.ready)], [])).toEqual([]);
  });

  it('handles each host on its own', () => {
    const previous = [sessionView('gpu', states.starting), sessionView('cpu', states.ready)];
    const next = [sessionView('gpu', states.ready), sessionView('cpu', states.reconnecting)];
    expect(notificationsFor(previous, next).map((note) => note.title)).toEqual(['Jupyter is ready on gpu', 'Connection to cpu lost']);
  });
});

describe('idle auto-stop notices', () => {
  const MIN = 60_000;
  it('warns with the minutes left, says when it is off again, and tells how it ended', () => {
    expect(idleNotice('gpu', { kind: 'idle-warning', idleSince: 0, stopAt: 30 * MIN, at: 25 * MIN })).toMatchObject({ level: 'warning', host: 'gpu', title: 'gpu will be stopped in 5 minutes', body: expect.stringContaining('Run something') });
    expect(idleNotice('gpu', { kind: 'idle-warning', idleSince: 0, stopAt: 30 * MIN, at: 29.7 * MIN })?.title).toBe('gpu will be stopped in 1 minute');
    expect(idleNotice('gpu', { kind: 'idle-cancelled' })).toMatchObject({ level: 'info', title: 'gpu stays on' });
    expect(idleNotice('gpu', { kind: 'idle-stopped' })).toMatchObject({ level: 'info', title: 'gpu was stopped' });
    expect(idleNotice('gpu', { kind: 'idle-stop-failed', error: { code: 'aws.access-denied', message: 'You may not stop i-0abc.', retryable: false } })).toMatchObject({ level: 'error', body: expect.stringMatching(/^You may not stop i-0abc\. The VM keeps running \(and costing money\)/) });
    expect(idleNotice('gpu', { kind: 'idle-stopping', idleSince: 0 })).toBeNull();
  });
});
