/**
 * Idle auto-stop, decided: given what Jupyter reported at each poll and the host's
 * setting, when the VM became idle, when to warn, when to stop it, and when activity
 * calls the stop off. Pure; the clock is the `at` of each sample, so tests drive it.
 *
 * Idle means what the issue asks for: no kernel busy, no kernel connection open, and
 * Jupyter's own last-activity time unchanged since the previous poll. Jupyter's times are
 * compared only with each other (a change is activity), never with this computer's clock,
 * so a VM whose clock is off cannot stop itself early. A poll that failed (the link is
 * down, Jupyter restarts) decides nothing: the VM is never stopped on a guess.
 */
import type { JupyterActivity } from '../jupyter/activity';

export interface IdleSettings {
  /** Stop the VM after this long without activity. */
  readonly idleMs: number;
  /** Warn (with a count-down) this long before stopping. */
  readonly warnBeforeMs: number;
}

/** The usual settings for a host's idle minutes: the warning 5 minutes ahead, or halfway for short limits. */
export function idleSettings(idleMinutes: number): IdleSettings {
  const idleMs = idleMinutes * 60_000;
  return { idleMs, warnBeforeMs: Math.min(5 * 60_000, idleMs / 2) };
}

export interface ActivitySample extends JupyterActivity {
  /** When the sample was taken, by this computer's clock (epoch ms). */
  readonly at: number;
}

export type IdleState =
  | { readonly kind: 'watching'; readonly idleSince: number; readonly seenActivity: number | null; readonly warnedStopAt: number | null }
  /** The stop was decided; nothing changes it any more. */
  | { readonly kind: 'stopping'; readonly idleSince: number };

export type IdleDecision =
  | { readonly kind: 'none' }
  /** Idle since `idleSince`; the VM stops at `stopAt` unless activity comes back. */
  | { readonly kind: 'warn'; readonly idleSince: number; readonly stopAt: number }
  /** Activity came back after a warning: the stop is off. */
  | { readonly kind: 'cancel' }
  | { readonly kind: 'stop'; readonly idleSince: number };

/** Whether this sample shows someone at work, against what the previous one saw. */
export function isActive(sample: JupyterActivity, seenActivity: number | null): boolean {
  return sample.busyKernels > 0 || sample.connections > 0 || (seenActivity !== null && sample.lastActivity !== null && sample.lastActivity !== seenActivity);
}

/** The next state and what to do about it, for one successful sample; `state` null at the first. */
export function observe(state: IdleState | null, sample: ActivitySample, settings: IdleSettings): { state: IdleState; decision: IdleDecision } {
  if (state?.kind === 'stopping') return { state, decision: { kind: 'none' } };
  if (state === null) {
    // The first sample is the baseline: idle from now on, whatever happened before.
    return { state: { kind: 'watching', idleSince: sample.at, seenActivity: sample.lastActivity, warnedStopAt: null }, decision: { kind: 'none' } };
  }
  const seenActivity = sample.lastActivity ?? state.seenActivity;
  if (isActive(sample, state.seenActivity)) {
    const wasWarned = state.warnedStopAt !== null;
    return { state: { kind: 'watching', idleSince: sample.at, seenActivity, warnedStopAt: null }, decision: wasWarned ? { kind: 'cancel' } : { kind: 'none' } };
  }
  const stopAt = state.idleSince + settings.idleMs;
  if (sample.at >= stopAt) return { state: { kind: 'stopping', idleSince: state.idleSince }, decision: { kind: 'stop', idleSince: state.idleSince } };
  if (state.warnedStopAt === null && sample.at >= stopAt - settings.warnBeforeMs) {
    return { state: { ...state, seenActivity, warnedStopAt: stopAt }, decision: { kind: 'warn', idleSince: state.idleSince, stopAt } };
  }
  return { state: { ...state, seenActivity }, decision: { kind: 'none' } };
}
