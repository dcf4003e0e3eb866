import { describe, expect, it } from 'vitest';
import { notificationsFor } from '../../main/app/notifications';
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
