/** When Porthole looks for updates and when a downloaded one may restart it (main/app/update-policy.ts). */
import { describe, expect, it } from 'vitest';
import { installDecision, isCheckDue, isSessionLive, UPDATE_CHECK_INTERVAL_MS, updateWaitingNotice } from '../../main/app/update-policy';
import { sessionView, states } from '../support/views';

const DAY = UPDATE_CHECK_INTERVAL_MS;

describe('update checks', () => {
  it('are due at start, then once a day has passed since the last one', () => {
    expect(isCheckDue(null, 1_000)).toBe(true);
    expect(isCheckDue(1_000, 1_000 + DAY - 1)).toBe(false);
    expect(isCheckDue(1_000, 1_000 + DAY)).toBe(true);
    // A laptop that slept for three days checks on its next tick, once.
    expect(isCheckDue(1_000, 1_000 + 3 * DAY)).toBe(true);
  });
});

describe('a live session', () => {
  it.each(Object.entries(states))('%s is live unless the session is over', (name, state) => {
    expect(isSessionLive(sessionView('gpu', state))).toBe(name !== 'closed' && name !== 'failed');
  });
});

describe('installing a downloaded update', () => {
  const idle = { sessions: [], openQuestions: 0, windowFocused: false, mode: 'restart' } as const;

  it('restarts now when nothing is connected and nobody is in the window', () => {
    expect(installDecision(idle)).toEqual({ kind: 'install-now' });
    expect(installDecision({ ...idle, sessions: [sessionView('old', states.closed), sessionView('bad', states.failed)] })).toEqual({ kind: 'install-now' });
  });

  it('never restarts while a session is live, whatever else holds, and names the hosts in the way', () => {
    for (const state of [states.connecting, states.awaiting, states.starting, states.ready, states.reconnecting, states.serverStopped, states.stopping]) {
      const sessions = [sessionView('gpu-1', state), sessionView('old', states.closed), sessionView('lab', states.ready)];
      expect(installDecision({ ...idle, sessions })).toEqual({ kind: 'wait', until: 'sessions-end', hosts: ['gpu-1', 'lab'] });
      expect(installDecision({ sessions, openQuestions: 2, windowFocused: true, mode: 'needs-password' })).toMatchObject({ kind: 'wait', until: 'sessions-end' });
    }
  });

  it('waits while the window is in use', () => {
    expect(installDecision({ ...idle, windowFocused: true })).toEqual({ kind: 'wait', until: 'window-unused' });
  });

  it('waits while a question is open, even with no session behind it (probing a new host)', () => {
    expect(installDecision({ ...idle, openQuestions: 1 })).toEqual({ kind: 'wait', until: 'question-answered' });
  });

  it('leaves an installer that asks for a password (Linux packages) to the quit', () => {
    expect(installDecision({ ...idle, mode: 'needs-password' })).toEqual({ kind: 'wait', until: 'quit' });
  });

  it('tells the user what it waits for, in their words', () => {
    expect(updateWaitingNotice('1.2.0', { kind: 'wait', until: 'sessions-end', hosts: ['gpu-1'] })).toEqual({
      title: 'Porthole 1.2.0 is ready to install',
      body: 'It installs when you quit Porthole, or by itself once nothing is connected; "gpu-1" is connected now, and an update never cuts a connection.',
    });
    expect(updateWaitingNotice('1.2.0', { kind: 'wait', until: 'sessions-end', hosts: ['a', 'b'] }).body).toContain('"a", "b" are connected now');
    expect(updateWaitingNotice('1.2.0', { kind: 'wait', until: 'window-unused' }).body).toBe('Porthole restarts to install it once you leave this window, or when you quit.');
    expect(updateWaitingNotice('1.2.0', { kind: 'wait', until: 'question-answered' }).body).toBe('Porthole restarts to install it once its question is answered, or when you quit.');
    expect(updateWaitingNotice('1.2.0', { kind: 'wait', until: 'quit' }).body).toBe('It installs when you quit Porthole; your system asks for your password then.');
  });
});
