/**
 * The session orchestrator's cloud step: from a machine in any state to "its SSH server
 * greets at this address", through the CloudProvider. The pure machine in
 * bring-up-state.ts decides; this class describes, starts, waits and probes, keeps the
 * phase deadlines, and stops at once when its AbortSignal fires.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { addressOf, type CloudMachine, type CloudProvider } from '../cloud/provider';
import { hostKeyAliasOf } from '../cloud/host-key-alias';
import { PortholeError, toErrorInfo } from '../shared/errors';
import { sshBannerAnswers } from '../ssh/banner-probe';
import { DEFAULT_RULES, INITIAL_BRING_UP, isFinished, next, type BringUpEvent, type BringUpState, type BringUpStep, type MachineSighting } from './bring-up-state';

export interface BringUpOptions {
  readonly provider: CloudProvider;
  /** What the provider's getMachine/start take: AWS `i-…`, Azure `resourceGroup/vmName`. */
  readonly machineId: string;
  readonly sshPort: number;
  /** False: fail on a stopped machine instead of starting it. Default true. */
  readonly allowStart?: boolean;
  readonly signal?: AbortSignal;
  /** From the first description until the machine runs (default 10 minutes: GPU machines are slow). */
  readonly startTimeoutMs?: number;
  /** From running until SSH greets (default 5 minutes: first boots run cloud-init first). */
  readonly sshTimeoutMs?: number;
  /** Between descriptions of a machine that is still stopping (default 5 s). */
  readonly pollIntervalMs?: number;
  /** Between SSH probes (default 2 s). */
  readonly probeIntervalMs?: number;
  /** Whether SSH greets at host:port; default: a TCP connect that reads the `SSH-` line. */
  readonly probe?: (host: string, port: number, signal: AbortSignal) => Promise<boolean>;
}

export interface BringUpResult {
  readonly address: string;
  /** The name the machine's host key is filed under (SshEndpoint.hostKeyAlias). */
  readonly hostKeyAlias: string;
  readonly startedByPorthole: boolean;
  /** The machine as last described (running). */
  readonly machine: CloudMachine;
}

export type BringUpListener = (state: BringUpState, machine: CloudMachine | null) => void;

const CLOUD_NAMES = { aws: 'AWS', azure: 'Azure' } as const;

export class VmBringUp {
  private state: BringUpState = INITIAL_BRING_UP;
  private lastMachine: CloudMachine | null = null;
  private readonly listeners = new Set<BringUpListener>();
  /** Aborts the step in flight, on cancel or when the bring-up ends. */
  private readonly inner = new AbortController();
  private phaseDeadline: NodeJS.Timeout | null = null;
  private phaseKind: BringUpState['kind'] = 'idle';
  private finished: ((state: BringUpState) => void) | null = null;

  constructor(private readonly options: BringUpOptions) {}

  snapshot(): BringUpState {
    return this.state;
  }

  /** The machine as last described or reported by the cloud, for the screens (state, type, region). */
  get machine(): CloudMachine | null {
    return this.lastMachine;
  }

  /** Whether this bring-up asked the cloud to start the machine, even if it then failed or was cancelled. */
  get startedByPorthole(): boolean {
    const state = this.state;
    return state.kind === 'done' ? state.outcome.startedByPorthole : 'startedByPorthole' in state ? state.startedByPorthole : false;
  }

  onChange(listener: BringUpListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs to the end: resolves once SSH greets, rejects with a PortholeError (`cloud.cancelled` when cancelled). */
  run(): Promise<BringUpResult> {
    // Cancelled before it ran: ends at once.
    const ended = isFinished(this.state) ? Promise.resolve(this.state) : new Promise<BringUpState>((resolve) => (this.finished = resolve));
    const signal = this.options.signal;
    const onAbort = () => this.dispatch({ type: 'cancel' });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    this.dispatch({ type: 'begin' });
    return ended.then((state) => {
      signal?.removeEventListener('abort', onAbort);
      if (state.kind === 'done') {
        const machine = this.lastMachine!;
        return { address: state.outcome.address, hostKeyAlias: hostKeyAliasOf(machine), startedByPorthole: state.outcome.startedByPorthole, machine };
      }
      if (state.kind === 'failed') throw new PortholeError(state.error);
      throw new PortholeError({
        code: 'cloud.cancelled',
        message: 'Bringing the VM up was cancelled.',
        hint: this.startedByPorthole ? 'The VM was already asked to start and keeps running until you stop it.' : 'Nothing was started.',
        retryable: true,
      });
    });
  }

  /** Cancels whatever phase is running; the same as aborting the signal. */
  cancel(): void {
    this.dispatch({ type: 'cancel' });
  }

  private dispatch(event: BringUpEvent): void {
    const previous = this.state;
    const { state, step } = next(previous, event, { ...DEFAULT_RULES, allowStart: this.options.allowStart ?? true });
    this.state = state;
    if (state.kind !== this.phaseKind) this.enterPhase(state);
    if (state !== previous || event.type === 'progress') for (const listener of [...this.listeners]) listener(state, this.lastMachine);
    if (isFinished(state)) {
      if (this.phaseDeadline !== null) clearTimeout(this.phaseDeadline);
      this.phaseDeadline = null;
      this.inner.abort();
      this.finished?.(state);
      this.finished = null;
      return;
    }
    if (step !== null) void this.perform(step);
  }

  private sighting(machine: CloudMachine): MachineSighting {
    const label = machine.name === machine.id ? machine.id : `${machine.name} (${machine.id})`;
    return { state: machine.state, address: addressOf(machine), label, cloud: CLOUD_NAMES[machine.provider] };
  }

  private report(type: 'described' | 'progress', machine: CloudMachine): void {
    if (isFinished(this.state)) return;
    this.lastMachine = machine;
    this.dispatch({ type, machine: this.sighting(machine) });
  }

  /** Each phase has its own deadline, from the moment it is entered. */
  private enterPhase(state: BringUpState): void {
    this.phaseKind = state.kind;
    if (this.phaseDeadline !== null) clearTimeout(this.phaseDeadline);
    this.phaseDeadline = null;
    const ms = state.kind === 'starting-vm' ? (this.options.startTimeoutMs ?? 600_000) : state.kind === 'waiting-for-ssh' ? (this.options.sshTimeoutMs ?? 300_000) : null;
    if (ms !== null) this.phaseDeadline = setTimeout(() => this.dispatch({ type: 'timed-out', afterMs: ms }), ms);
  }

  private async perform(step: Exclude<BringUpStep, null>): Promise<void> {
    const { provider, machineId } = this.options;
    const signal = this.inner.signal;
    try {
      switch (step) {
        case 'poll-later':
          await sleep(this.options.pollIntervalMs ?? 5_000, undefined, { signal });
          this.report('described', await provider.getMachine(machineId, { signal }));
          return;
        case 'describe':
          this.report('described', await provider.getMachine(machineId, { signal }));
          return;
        case 'request-start': {
          // The answer to the start request is the first sight of the machine on its way up (pending).
          const accepted = await provider.start(machineId, { wait: false, signal });
          this.dispatch({ type: 'start-requested' });
          this.report('progress', accepted);
          return;
        }
        case 'wait-running': {
          // The provider's own deadline stays out of the way: the phase deadline here is the one that counts.
          const machine = await provider.waitUntilRunning(machineId, { signal, timeoutMs: (this.options.startTimeoutMs ?? 600_000) * 2, onProgress: (m) => this.report('progress', m) });
          this.report('described', machine);
          return;
        }
        case 'probe-ssh': {
          const state = this.state;
          if (state.kind !== 'waiting-for-ssh') return;
          if (state.attempt > 0) await sleep(this.options.probeIntervalMs ?? 2_000, undefined, { signal });
          const probe = this.options.probe ?? ((host: string, port: number, s: AbortSignal) => sshBannerAnswers(host, port, { signal: s }));
          const answered = await probe(state.address, this.options.sshPort, signal);
          if (signal.aborted) return;
          this.dispatch({ type: answered ? 'ssh-answered' : 'ssh-silent' });
          return;
        }
      }
    } catch (error) {
      // A step cut short by the end of the bring-up (cancel, deadline) has nothing to report.
      if (signal.aborted) return;
      this.dispatch({ type: 'error', error: toErrorInfo(error) });
    }
  }

}
