/**
 * Bringing a cloud machine up to the point where SSH can start, as a pure state machine:
 * starting-vm (describe it; wait for a stopping machine to stop; start it; wait until it
 * runs) -> waiting-for-ssh (until its SSH port greets with `SSH-`, re-describing it now and
 * then, since a freshly started machine may show its public address late) -> done, with
 * the address to connect to, the name its host key is filed under, and whether Porthole
 * started it. Cancellable in every phase. `next(state, event)` decides and names the step;
 * bring-up.ts carries the steps out and keeps the clock.
 */
import type { MachineState } from '../cloud/provider';
import type { PortholeErrorInfo } from '../shared/errors';

/** What the machine looked like when last described, as far as the decisions go. */
export interface MachineSighting {
  readonly state: MachineState;
  /** Where SSH would go now (public IP, else public DNS, else private IP); null when none. */
  readonly address: string | null;
  /** In words for messages: `gpu-box (i-0abc…)`. */
  readonly label: string;
  /** `AWS` or `Azure`, for messages. */
  readonly cloud: string;
}

export interface BringUpOutcome {
  readonly address: string;
  /** Whether this bring-up asked the cloud to start the machine (it was stopped). */
  readonly startedByPorthole: boolean;
}

export type BringUpState =
  | { readonly kind: 'idle' }
  /** `machineState` is null until the machine was first described. */
  | { readonly kind: 'starting-vm'; readonly machineState: MachineState | null; readonly startedByPorthole: boolean }
  | { readonly kind: 'waiting-for-ssh'; readonly address: string; readonly attempt: number; readonly startedByPorthole: boolean }
  | { readonly kind: 'done'; readonly outcome: BringUpOutcome }
  | { readonly kind: 'failed'; readonly error: PortholeErrorInfo; readonly startedByPorthole: boolean }
  | { readonly kind: 'cancelled'; readonly startedByPorthole: boolean };

export type BringUpEvent =
  | { readonly type: 'begin' }
  /** A fresh description of the machine: decisions follow from it. */
  | { readonly type: 'described'; readonly machine: MachineSighting }
  /** What a cloud waiter reported meanwhile: shown, nothing decided. */
  | { readonly type: 'progress'; readonly machine: MachineSighting }
  /** The cloud accepted the start request. */
  | { readonly type: 'start-requested' }
  | { readonly type: 'ssh-answered' }
  | { readonly type: 'ssh-silent' }
  /** The phase's deadline passed. */
  | { readonly type: 'timed-out'; readonly afterMs: number }
  | { readonly type: 'cancel' }
  | { readonly type: 'error'; readonly error: PortholeErrorInfo };

/**
 * What bring-up.ts must do next:
 *  - describe: ask the cloud for the machine now; poll-later: the same after the poll interval;
 *  - request-start: ask the cloud to start it; wait-running: wait until it runs (the cloud's waiter);
 *  - probe-ssh: try the SSH port (after the probe interval when `attempt` > 0).
 */
export type BringUpStep = 'describe' | 'poll-later' | 'request-start' | 'wait-running' | 'probe-ssh' | null;

export interface BringUpRules {
  /** False: a stopped machine is an error instead of being started (`porthole notebook` on a cloud host). */
  readonly allowStart: boolean;
  /** Re-describe the machine after this many silent SSH probes in a row. */
  readonly describeEverySilentProbes: number;
}

export const DEFAULT_RULES: BringUpRules = { allowStart: true, describeEverySilentProbes: 5 };

export const INITIAL_BRING_UP: BringUpState = { kind: 'idle' };

export interface Transition {
  readonly state: BringUpState;
  readonly step: BringUpStep;
}

const stay = (state: BringUpState): Transition => ({ state, step: null });

export function isFinished(state: BringUpState): boolean {
  return state.kind === 'done' || state.kind === 'failed' || state.kind === 'cancelled';
}

function startedBy(state: BringUpState): boolean {
  return 'startedByPorthole' in state ? state.startedByPorthole : state.kind === 'done' ? state.outcome.startedByPorthole : false;
}

export function next(state: BringUpState, event: BringUpEvent, rules: BringUpRules = DEFAULT_RULES): Transition {
  if (isFinished(state)) return stay(state);
  const startedByPorthole = startedBy(state);
  if (event.type === 'cancel') return stay({ kind: 'cancelled', startedByPorthole });
  if (event.type === 'error') return stay({ kind: 'failed', error: event.error, startedByPorthole });

  switch (state.kind) {
    case 'idle':
      return event.type === 'begin' ? { state: { kind: 'starting-vm', machineState: null, startedByPorthole: false }, step: 'describe' } : stay(state);

    case 'starting-vm':
      switch (event.type) {
        case 'progress':
          return stay({ ...state, machineState: event.machine.state });
        case 'start-requested':
          return { state: { kind: 'starting-vm', machineState: 'pending', startedByPorthole: true }, step: 'wait-running' };
        case 'described':
          return onDescribed(event.machine, startedByPorthole, rules);
        case 'timed-out':
          return stay({ kind: 'failed', error: startTimeout(state.machineState, event.afterMs), startedByPorthole });
        default:
          return stay(state);
      }

    case 'waiting-for-ssh':
      switch (event.type) {
        case 'ssh-answered':
          return stay({ kind: 'done', outcome: { address: state.address, startedByPorthole } });
        case 'ssh-silent': {
          const attempt = state.attempt + 1;
          const redescribe = attempt % rules.describeEverySilentProbes === 0;
          return { state: { ...state, attempt }, step: redescribe ? 'describe' : 'probe-ssh' };
        }
        case 'described':
          return onDescribed(event.machine, startedByPorthole, rules, state);
        case 'timed-out':
          return stay({ kind: 'failed', error: sshTimeout(state.address, event.afterMs), startedByPorthole });
        default:
          return stay(state);
      }
  }
  return stay(state);
}

/** The decision on a fresh description, in either phase. */
function onDescribed(machine: MachineSighting, startedByPorthole: boolean, rules: BringUpRules, waiting?: Extract<BringUpState, { kind: 'waiting-for-ssh' }>): Transition {
  const starting = (machineState: MachineState, step: BringUpStep): Transition => ({ state: { kind: 'starting-vm', machineState, startedByPorthole }, step });
  const failed = (error: PortholeErrorInfo): Transition => stay({ kind: 'failed', error, startedByPorthole });
  switch (machine.state) {
    case 'running':
      if (machine.address === null) return failed(noAddress(machine));
      // A new address (a late public IP) is probed at once; the same one after the usual pause.
      if (waiting !== undefined && waiting.address === machine.address) return { state: waiting, step: 'probe-ssh' };
      return { state: { kind: 'waiting-for-ssh', address: machine.address, attempt: 0, startedByPorthole }, step: 'probe-ssh' };
    case 'pending':
      return starting('pending', 'wait-running');
    case 'stopping':
    case 'deallocating':
      // Stopped while we waited for SSH: someone else stopped it; do not fight them.
      if (waiting !== undefined) return failed(stoppedMeanwhile(machine));
      return starting(machine.state, 'poll-later');
    case 'stopped':
    case 'deallocated':
      if (waiting !== undefined) return failed(stoppedMeanwhile(machine));
      if (!rules.allowStart) return failed(notRunning(machine));
      // Started once already and stopped again: a start that does not hold is an error, not a loop.
      if (startedByPorthole) return failed(stoppedMeanwhile(machine));
      return starting(machine.state, 'request-start');
    case 'terminating':
    case 'terminated':
      return failed(terminated(machine));
    case 'unknown':
      return waiting !== undefined ? { state: waiting, step: 'probe-ssh' } : starting('unknown', 'poll-later');
  }
}

// ---------------------------------------------------------------------------------------
// The errors, in the user's words

function terminated(machine: MachineSighting): PortholeErrorInfo {
  return {
    code: 'cloud.machine-terminated',
    message: `${machine.label} was terminated (deleted) in ${machine.cloud}; it cannot be started again.`,
    hint: 'Link this host to another instance in its settings, or remove the host.',
    retryable: false,
  };
}

function notRunning(machine: MachineSighting): PortholeErrorInfo {
  return {
    code: 'cloud.machine-not-running',
    message: `${machine.label} is ${machine.state}, so it has no address to connect to.`,
    hint: 'Start it first: porthole up starts it and opens the notebook in one go.',
    retryable: false,
  };
}

function stoppedMeanwhile(machine: MachineSighting): PortholeErrorInfo {
  return {
    code: 'cloud.machine-stopped',
    message: `${machine.label} went to "${machine.state}" while Porthole was bringing it up; someone or something stopped it.`,
    hint: `Check in the ${machine.cloud} console why it stopped (a schedule, a quota, another user), then try again.`,
    retryable: true,
  };
}

function noAddress(machine: MachineSighting): PortholeErrorInfo {
  return {
    code: 'cloud.no-address',
    message: `${machine.label} is running but has no IP address Porthole could connect to.`,
    hint: `Give it a public IP address in the ${machine.cloud} console (or connect through a jump host that can reach it).`,
    retryable: false,
  };
}

function minutes(ms: number): string {
  const value = Math.round(ms / 60_000);
  return value >= 1 ? `${value} minute${value === 1 ? '' : 's'}` : `${Math.round(ms / 1000)} s`;
}

function startTimeout(machineState: MachineState | null, afterMs: number): PortholeErrorInfo {
  return {
    code: 'cloud.start-timeout',
    message: `The VM did not get to "running" within ${minutes(afterMs)}${machineState === null ? '' : ` (last seen: ${machineState})`}.`,
    hint: 'Check its state in the cloud console; a large GPU machine can take longer, or the cloud may lack capacity for its type right now. Then try again.',
    retryable: true,
  };
}

function sshTimeout(address: string, afterMs: number): PortholeErrorInfo {
  return {
    code: 'cloud.ssh-timeout',
    message: `The VM runs, but its SSH port at ${address} did not answer within ${minutes(afterMs)}.`,
    hint: "Check that its security group / network security group allows SSH from your address, and that the VM's SSH server is running (the cloud console's serial log shows it).",
    retryable: true,
  };
}
