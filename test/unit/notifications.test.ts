import { describe, expect, it } from 'vitest';
import { idleNotice, notificationsFor } from '../../main/app/notifications';
import type { CloudSessionView, SessionStateView } from '../../main/ipc/contract';
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

describe('cloud notifications', () => {
  const MIN = 60_000;
  const cloud = (patch: Partial<CloudSessionView> = {}): CloudSessionView => ({
    provider: 'aws',
    machineId: 'i-0123456789abcdef0',
    machine: { name: 'gpu-box', state: 'running', instanceType: 'g4dn.xlarge', region: 'eu-central-1' },
    address: '203.0.113.9',
    startedByPorthole: true,
    runningSince: 0,
    price: { usdPerHour: 0.658, asOf: '2025-01-15' },
    costSoFar: 0.658,
    idle: { afterMinutes: 30, idleSince: 0, stopAt: null },
    vmStop: { kind: 'none' },
    ...patch,
  });
  const at = (c: CloudSessionView, state: SessionStateView = states.ready) => sessionView('gpu', state, { cloud: c });

  it('the idle warning once, with the minutes left on the count-down, and its calling off', () => {
    const warned = cloud({ idle: { afterMinutes: 30, idleSince: 0, stopAt: 30 * MIN } });
    expect(notificationsFor([at(cloud())], [at(warned)], 25 * MIN)).toEqual([{ host: 'gpu', title: 'gpu will be stopped in 5 minutes', body: expect.stringContaining('Run something') }]);
    expect(notificationsFor([at(warned)], [at(warned)], 26 * MIN)).toEqual([]);
    expect(notificationsFor([at(warned)], [at(cloud())], 27 * MIN)).toEqual([{ host: 'gpu', title: 'gpu stays on', body: 'Jupyter is in use again; the idle stop is off.' }]);
  });

  it('the VM stopped (idle or on disconnect) with what it cost, or could not be stopped', () => {
    const warned = cloud({ idle: { afterMinutes: 30, idleSince: 0, stopAt: 30 * MIN } });
    const idleStopped = notificationsFor([at(warned)], [at(cloud({ idle: null, vmStop: { kind: 'stopped', reason: 'idle' } }), states.closed)], 30 * MIN);
    expect(idleStopped).toEqual([{ host: 'gpu', title: 'gpu was stopped', body: 'Jupyter was idle, so Porthole disconnected and asked AWS to stop the VM; it no longer costs compute once stopped. It ran for about $0.66 this time.' }]);
    const onDisconnect = notificationsFor([at(cloud({ vmStop: { kind: 'stopping', reason: 'disconnect' } }), states.stopping)], [at(cloud({ provider: 'azure', costSoFar: null, vmStop: { kind: 'stopped', reason: 'disconnect' } }), states.closed)]);
    expect(onDisconnect).toEqual([{ host: 'gpu', title: 'The VM of gpu is stopping', body: 'You disconnected, so Porthole asked Azure to deallocate the VM; it no longer costs compute once stopped.' }]);
    const failed = notificationsFor([at(cloud())], [at(cloud({ vmStop: { kind: 'failed', reason: 'idle', error: { code: 'aws.access-denied', message: 'You may not stop i-0123456789abcdef0.', retryable: false } } }))]);
    expect(failed).toEqual([{ host: 'gpu', title: 'The VM of gpu could not be stopped', body: 'You may not stop i-0123456789abcdef0. The VM keeps running (and costing money) until you stop it in the cloud console.' }]);
  });

  it('a VM that did not start, or whose SSH never answered, says so', () => {
    const error = { code: 'cloud.start-timeout', message: 'The VM did not get to "running" within 10 minutes.', hint: 'Check its state in the cloud console.', retryable: true };
    const failed = { kind: 'failed', error } as const;
    expect(notificationsFor([at(cloud(), states.startingVm)], [at(cloud(), failed)])).toEqual([{ host: 'gpu', title: 'The VM of gpu did not start', body: 'The VM did not get to "running" within 10 minutes. Check its state in the cloud console.' }]);
    expect(notificationsFor([at(cloud(), states.waitingForSsh)], [at(cloud(), failed)])[0]?.title).toBe('The VM of gpu runs, but SSH did not answer');
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
