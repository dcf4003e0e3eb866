import { describe, expect, it } from 'vitest';
import type { MachineState } from '../../main/cloud/provider';
import { INITIAL_BRING_UP, next, type BringUpEvent, type BringUpRules, type BringUpState, type BringUpStep, type MachineSighting } from '../../main/session/bring-up-state';

const seen = (state: MachineState, address: string | null = state === 'running' ? '203.0.113.7' : null): MachineSighting => ({ state, address, label: 'gpu-box (i-0123456789abcdef0)', cloud: 'AWS' });
const described = (state: MachineState, address?: string | null): BringUpEvent => ({ type: 'described', machine: seen(state, address) });

/** Feeds events in order; returns every state and step along the way. */
function play(events: readonly BringUpEvent[], rules?: BringUpRules, from: BringUpState = INITIAL_BRING_UP): { states: BringUpState[]; steps: BringUpStep[]; last: BringUpState } {
  const states: BringUpState[] = [];
  const steps: BringUpStep[] = [];
  let state = from;
  for (const event of events) {
    const t = next(state, event, rules);
    state = t.state;
    states.push(state);
    steps.push(t.step);
  }
  return { states, steps, last: state };
}

describe('bring-up state machine', () => {
  it('a running machine goes straight to waiting-for-ssh and is done when SSH greets; Porthole started nothing', () => {
    const run = play([{ type: 'begin' }, described('running'), { type: 'ssh-answered' }]);
    expect(run.states.map((s) => s.kind)).toEqual(['starting-vm', 'waiting-for-ssh', 'done']);
    expect(run.steps).toEqual(['describe', 'probe-ssh', null]);
    expect(run.last).toEqual({ kind: 'done', outcome: { address: '203.0.113.7', startedByPorthole: false } });
  });

  it('starts a stopped machine, shows the states the waiter reports, and waits for SSH at the address it ends up with', () => {
    const run = play([
      { type: 'begin' },
      described('stopped'),
      { type: 'start-requested' },
      { type: 'progress', machine: seen('pending') },
      described('running', '198.51.100.20'),
      { type: 'ssh-silent' },
      { type: 'ssh-answered' },
    ]);
    expect(run.steps).toEqual(['describe', 'request-start', 'wait-running', null, 'probe-ssh', 'probe-ssh', null]);
    expect(run.states[1]).toEqual({ kind: 'starting-vm', machineState: 'stopped', startedByPorthole: false });
    expect(run.states[2]).toEqual({ kind: 'starting-vm', machineState: 'pending', startedByPorthole: true });
    expect(run.states[4]).toEqual({ kind: 'waiting-for-ssh', address: '198.51.100.20', attempt: 0, startedByPorthole: true });
    expect(run.last).toEqual({ kind: 'done', outcome: { address: '198.51.100.20', startedByPorthole: true } });
  });

  it('a machine still stopping is described again until it has stopped, then started', () => {
    const run = play([{ type: 'begin' }, described('stopping'), described('stopping'), described('stopped')]);
    expect(run.steps).toEqual(['describe', 'poll-later', 'poll-later', 'request-start']);
    expect(run.states[1]).toMatchObject({ kind: 'starting-vm', machineState: 'stopping' });
    // Azure's deallocating is the same wait.
    expect(play([{ type: 'begin' }, described('deallocating'), described('deallocated')]).steps).toEqual(['describe', 'poll-later', 'request-start']);
  });

  it('a machine someone else is starting (pending) is waited for, not started again', () => {
    const run = play([{ type: 'begin' }, described('pending'), described('running'), { type: 'ssh-answered' }]);
    expect(run.steps).toEqual(['describe', 'wait-running', 'probe-ssh', null]);
    expect(run.last).toMatchObject({ kind: 'done', outcome: { startedByPorthole: false } });
  });

  it('re-describes the machine every few silent probes, and probes a new address at once', () => {
    const rules: BringUpRules = { allowStart: true, describeEverySilentProbes: 3 };
    const run = play([{ type: 'begin' }, described('running', '10.0.0.5'), { type: 'ssh-silent' }, { type: 'ssh-silent' }, { type: 'ssh-silent' }, described('running', '203.0.113.9')], rules);
    expect(run.steps).toEqual(['describe', 'probe-ssh', 'probe-ssh', 'probe-ssh', 'describe', 'probe-ssh']);
    expect(run.states[4]).toMatchObject({ kind: 'waiting-for-ssh', address: '10.0.0.5', attempt: 3 });
    expect(run.last).toEqual({ kind: 'waiting-for-ssh', address: '203.0.113.9', attempt: 0, startedByPorthole: false });
    // The same address again keeps counting (the runner then pauses before the next probe).
    expect(next(run.states[4]!, described('running', '10.0.0.5'), rules)).toEqual({ state: run.states[4], step: 'probe-ssh' });
  });

  it.each<[string, BringUpEvent[], RegExp, string]>([
    ['terminated', [{ type: 'begin' }, described('terminated')], /was terminated \(deleted\) in AWS; it cannot be started again/, 'cloud.machine-terminated'],
    ['shutting down', [{ type: 'begin' }, described('terminating')], /was terminated/, 'cloud.machine-terminated'],
    ['running without any address', [{ type: 'begin' }, described('running', null)], /is running but has no IP address/, 'cloud.no-address'],
    ['stopped by someone while waiting for SSH', [{ type: 'begin' }, described('running'), described('stopping')], /went to "stopping" while Porthole was bringing it up/, 'cloud.machine-stopped'],
    ['stopped again right after Porthole started it', [{ type: 'begin' }, described('stopped'), { type: 'start-requested' }, described('stopped')], /went to "stopped"/, 'cloud.machine-stopped'],
    ['the VM start deadline', [{ type: 'begin' }, described('stopped'), { type: 'start-requested' }, { type: 'timed-out', afterMs: 600_000 }], /did not get to "running" within 10 minutes \(last seen: pending\)/, 'cloud.start-timeout'],
    ['the SSH deadline', [{ type: 'begin' }, described('running'), { type: 'timed-out', afterMs: 300_000 }], /SSH port at 203\.0\.113\.7 did not answer within 5 minutes/, 'cloud.ssh-timeout'],
  ])('fails clearly: %s', (_label, events, message, code) => {
    const { last } = play(events);
    expect(last.kind).toBe('failed');
    if (last.kind !== 'failed') return;
    expect(last.error.code).toBe(code);
    expect(last.error.message).toMatch(message);
    expect(last.error.hint).toBeTruthy();
  });

  it('without permission to start, a stopped machine is an error that says how to start it', () => {
    const { last } = play([{ type: 'begin' }, described('stopped')], { allowStart: false, describeEverySilentProbes: 5 });
    expect(last).toMatchObject({ kind: 'failed', error: { code: 'cloud.machine-not-running', message: expect.stringMatching(/is stopped, so it has no address/), hint: expect.stringMatching(/porthole up/) } });
  });

  it.each<[string, BringUpEvent[], boolean]>([
    ['before the first description', [{ type: 'begin' }], false],
    ['while waiting for a stopping machine', [{ type: 'begin' }, described('stopping')], false],
    ['after asking the cloud to start it', [{ type: 'begin' }, described('stopped'), { type: 'start-requested' }], true],
    ['while waiting for SSH', [{ type: 'begin' }, described('stopped'), { type: 'start-requested' }, described('running')], true],
  ])('cancels %s, remembering whether Porthole started the machine', (_label, events, startedByPorthole) => {
    const { last } = play([...events, { type: 'cancel' }]);
    expect(last).toEqual({ kind: 'cancelled', startedByPorthole });
  });

  it('ignores everything once finished', () => {
    for (const end of [play([{ type: 'begin' }, { type: 'cancel' }]).last, play([{ type: 'begin' }, described('terminated')]).last, play([{ type: 'begin' }, described('running'), { type: 'ssh-answered' }]).last]) {
      for (const event of [described('running'), { type: 'ssh-answered' } as const, { type: 'cancel' } as const, { type: 'error', error: { code: 'x.y', message: 'x', retryable: false } } as const]) {
        expect(next(end, event)).toEqual({ state: end, step: null });
      }
    }
  });

  it('a cloud error in any phase fails with that error', () => {
    const error = { code: 'aws.credentials-expired', message: 'The SSO session expired.', hint: 'Run aws sso login --profile course.', retryable: false };
    expect(play([{ type: 'begin' }, described('stopped'), { type: 'error', error }]).last).toEqual({ kind: 'failed', error, startedByPorthole: false });
  });
});
