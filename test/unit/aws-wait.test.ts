/** When waiting for an EC2 instance ends: pure judgement of each observed state. */
import { describe, expect, it } from 'vitest';
import { nextWaitStep, pollDelayMs, STALE_OBSERVATIONS, WAIT_START, type WaitProgress, type WaitStep } from '../../main/cloud/aws/wait';
import type { MachineState } from '../../main/cloud/provider';

function run(goal: 'running' | 'stopped', states: MachineState[]): WaitStep[] {
  let progress: WaitProgress = WAIT_START;
  return states.map((state) => {
    const step = nextWaitStep(goal, state, progress);
    if (step.kind === 'wait') progress = step.progress;
    return step;
  });
}

describe('nextWaitStep', () => {
  it('waits through pending and ends on running', () => {
    expect(run('running', ['pending', 'pending', 'running']).map((s) => s.kind)).toEqual(['wait', 'wait', 'done']);
  });

  it('tolerates a stale "stopped" right after a start, but not for ever', () => {
    expect(run('running', ['stopped', 'pending', 'running']).map((s) => s.kind)).toEqual(['wait', 'wait', 'done']);
    const stuck = run('running', Array<MachineState>(STALE_OBSERVATIONS).fill('stopped'));
    expect(stuck.at(-1)).toEqual({ kind: 'failed', state: 'stopped' });
    expect(stuck.slice(0, -1).every((s) => s.kind === 'wait')).toBe(true);
  });

  it('counts only stale observations in a row: a pending in between starts the count again', () => {
    expect(run('running', ['stopped', 'stopped', 'pending', 'stopped', 'stopped', 'running']).map((s) => s.kind)).toEqual(['wait', 'wait', 'wait', 'wait', 'wait', 'done']);
  });

  it('fails at once on states that cannot lead to the goal', () => {
    for (const state of ['stopping', 'terminating', 'terminated'] as const) expect(nextWaitStep('running', state, WAIT_START)).toEqual({ kind: 'failed', state });
    for (const state of ['pending', 'terminating', 'terminated'] as const) expect(nextWaitStep('stopped', state, WAIT_START)).toEqual({ kind: 'failed', state });
  });

  it('waits through stopping and a stale running for a stop', () => {
    expect(run('stopped', ['running', 'stopping', 'stopping', 'stopped']).map((s) => s.kind)).toEqual(['wait', 'wait', 'wait', 'done']);
  });

  it('waits on unknown states', () => {
    expect(nextWaitStep('running', 'unknown', WAIT_START).kind).toBe('wait');
  });
});

describe('pollDelayMs', () => {
  it('starts quick and settles at 5 s', () => {
    expect([0, 1, 2, 3, 10, 100].map(pollDelayMs)).toEqual([1000, 2000, 3000, 5000, 5000, 5000]);
  });
});
