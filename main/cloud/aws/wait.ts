/**
 * When to stop waiting for an instance to run or to stop. Pure: it judges one observed
 * state at a time. EC2 is eventually consistent, so right after StartInstances a
 * DescribeInstances may still say "stopped" (and right after StopInstances "running"): a
 * resting state opposite to the goal fails the wait only once it has been seen several
 * times in a row. States the instance cannot leave towards the goal fail at once, as in
 * the SDK's own waiters (InstanceRunning fails on shutting-down, terminated, stopping;
 * InstanceStopped on pending, terminated).
 */
import type { MachineState } from '../provider';

export type WaitGoal = 'running' | 'stopped';

export interface WaitProgress {
  /** How many observations in a row showed the resting state opposite to the goal. */
  readonly oppositeInARow: number;
}

export type WaitStep =
  | { readonly kind: 'done' }
  | { readonly kind: 'wait'; readonly progress: WaitProgress }
  | { readonly kind: 'failed'; readonly state: MachineState };

export const WAIT_START: WaitProgress = { oppositeInARow: 0 };

/** Observations of the opposite resting state tolerated as stale before the wait fails. */
export const STALE_OBSERVATIONS = 3;

export function nextWaitStep(goal: WaitGoal, state: MachineState, progress: WaitProgress): WaitStep {
  if (state === goal) return { kind: 'done' };
  const opposite: MachineState = goal === 'running' ? 'stopped' : 'running';
  const transit: MachineState = goal === 'running' ? 'pending' : 'stopping';
  if (state === opposite) {
    const inARow = progress.oppositeInARow + 1;
    return inARow >= STALE_OBSERVATIONS ? { kind: 'failed', state } : { kind: 'wait', progress: { oppositeInARow: inARow } };
  }
  if (state === transit || state === 'unknown') return { kind: 'wait', progress: WAIT_START };
  return { kind: 'failed', state };
}

/**
 * How long to sleep before the n-th DescribeInstances (0-based): quick at first, so a
 * progress display moves, then every 5 s (a VM takes 15–90 s to start; EC2's own waiter
 * polls every 15 s, and DescribeInstances has a generous rate limit).
 */
export function pollDelayMs(attempt: number): number {
  const schedule = [1_000, 2_000, 3_000];
  return schedule[attempt] ?? 5_000;
}
