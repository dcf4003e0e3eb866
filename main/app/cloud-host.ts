/**
 * The cloud side of one cloud host's session in the desktop service: bringing the VM up
 * before SSH (VmBringUp), watching Jupyter for idle auto-stop once the notebook is ready,
 * stopping the VM when the host says so, and the CloudSessionView the window and the tray
 * show (machine, who started it, price, cost so far, idle count-down, stop outcome).
 * HostSession owns one per cloud-linked session and stays ignorant of the cloud's details.
 */
import type { CloudSessionView, NoticeView, SessionStateView } from '../ipc/contract';
import type { CloudMachine, CloudProvider } from '../cloud/provider';
import { priceEstimate, runningCost } from '../cloud/prices';
import type { CloudLink, Profile, ProfileStore } from '../profiles';
import { toErrorInfo, type PortholeErrorInfo } from '../shared/errors';
import { VmBringUp } from '../session/bring-up';
import type { JumpProbe } from '../session/jump-probe';
import type { BringUpState } from '../session/bring-up-state';
import { machineIdOf, type ResolvedAddress } from '../session/cloud-link';
import { idleSettings } from '../session/idle-stop-state';
import { IdleWatcher, type IdleEvent, type JupyterApi } from '../session/idle-watcher';
import { idleNotice } from './notifications';

export interface CloudHostDeps {
  /** The provider for the host's account (one sign-in shared across hosts is the caller's business). */
  readonly provider: (link: CloudLink) => Promise<CloudProvider>;
  readonly onChange: () => void;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Idle warnings and stops, for notifications. */
  readonly onIdleEvent?: (event: IdleEvent) => void;
  /** Keeps the address the VM had, for the host list (best effort). */
  readonly rememberAddress?: (address: string) => Promise<void>;
  readonly now: () => number;
  /** Idle auto-stop's pace and clock (default: a poll every 30 s, the real clock); tests drive both. */
  readonly idleWatch?: IdleWatchTiming;
  /** The machine as the cloud describes it, started and stopped by Porthole: for the Cloud screen and the started list. */
  readonly events?: CloudMachineEvents;
  /** A host behind jump hosts: its SSH greeting is read through them, not from here. */
  readonly jumpProbe?: () => JumpProbe;
}

/** What a cloud host's session tells the rest of the desktop about its machine. */
export interface CloudMachineEvents {
  /** Every new description of the machine (its state as the bring-up or a stop goes on). */
  seen(machine: CloudMachine): void;
  /** Porthole asked the cloud to start it: it bills from `since` on. */
  startedByPorthole(machine: CloudMachine, since: number): void;
  /** Porthole asked the cloud to stop (deallocate) it. */
  stopRequested(machine: CloudMachine): void;
}

type StopReason = 'disconnect' | 'idle';

export interface IdleWatchTiming {
  readonly pollMs: number;
  readonly now: () => number;
}

/** What the desktop service hands a cloud host's session: its provider, the host list, notices. */
export interface CloudServiceParts {
  readonly provider: (link: CloudLink) => Promise<CloudProvider>;
  /** The events of a session of `host` linked to `link` (the Cloud service's). */
  readonly events?: (link: CloudLink, host: string) => CloudMachineEvents;
  readonly profiles: ProfileStore;
  readonly hostsChanged: () => void;
  readonly notice: (notice: Omit<NoticeView, 'id'>) => void;
}

/** HostSession's cloud deps for `profile` (none for a host with a fixed address). */
export function cloudSessionDeps(
  profile: Profile,
  parts: CloudServiceParts,
): { cloudProvider?: CloudHostDeps['provider']; cloudEvents?: CloudMachineEvents; rememberAddress?: (address: string) => Promise<void>; onIdleEvent?: (event: IdleEvent) => void } {
  const link = profile.cloud;
  if (link === undefined) return {};
  return {
    cloudProvider: parts.provider,
    ...(parts.events === undefined ? {} : { cloudEvents: parts.events(link, profile.name) }),
    // For the host list; a profile changed meanwhile (another machine linked) is left alone.
    rememberAddress: async (address) => {
      const current = parts.profiles.get(profile.name)?.cloud;
      if (current === undefined || machineIdOf(current) !== machineIdOf(link) || current.lastSeenAddress === address) return;
      await parts.profiles.update(profile.name, { cloud: { ...current, lastSeenAddress: address } });
      parts.hostsChanged();
    },
    onIdleEvent: (event) => {
      const notice = idleNotice(profile.name, event);
      if (notice !== null) parts.notice(notice);
    },
  };
}

export class CloudHost {
  private provider: CloudProvider | null = null;
  private bringUp: VmBringUp | null = null;
  private address: string | null = null;
  private machine: CloudMachine | null = null;
  private startedByPorthole = false;
  private startedAt: number | null = null;
  private watcher: IdleWatcher | null = null;
  private vmStop: CloudSessionView['vmStop'] = { kind: 'none' };
  private readonly link: CloudLink;
  private readonly sshPort: number;

  constructor(
    profile: Profile & { readonly cloud: CloudLink },
    private readonly deps: CloudHostDeps,
  ) {
    this.link = profile.cloud;
    this.sshPort = profile.port;
  }

  /** Starts the VM if needed and waits for its SSH server; the address and host-key alias to connect with. */
  async bringUpVm(signal: AbortSignal): Promise<ResolvedAddress> {
    this.provider ??= await this.deps.provider(this.link);
    const jumps = this.deps.jumpProbe?.() ?? null;
    const runner = new VmBringUp({
      provider: this.provider,
      machineId: machineIdOf(this.link),
      sshPort: this.sshPort,
      signal,
      // Behind jump hosts the VM's address is theirs to reach (often a private one): ask them.
      ...(jumps === null ? {} : { probe: (host: string, port: number, s: AbortSignal) => jumps.answers(host, port, s) }),
    });
    this.bringUp = runner;
    let lastSeen = '';
    runner.onChange((state, machine) => {
      if (machine !== null) {
        this.machine = machine;
        const seen = `${machine.state}|${machine.publicIp}|${machine.privateIp}`;
        if (seen !== lastSeen) {
          lastSeen = seen;
          this.deps.events?.seen(machine);
        }
      }
      if (runner.startedByPorthole && !this.startedByPorthole) {
        this.startedByPorthole = true;
        this.startedAt = this.deps.now();
        if (machine !== null) this.deps.events?.startedByPorthole(machine, this.startedAt);
      }
      this.deps.onChange();
      if (state.kind === 'done') this.deps.log('info', `The VM ${machine?.name ?? machineIdOf(this.link)} is up at ${state.outcome.address}`);
    });
    const result = await runner.run().finally(() => jumps?.dispose());
    this.address = result.address;
    this.machine = result.machine;
    void this.deps.rememberAddress?.(result.address).catch(() => undefined);
    return { host: result.address, hostKeyAlias: result.hostKeyAlias };
  }

  /** While the VM is on its way up: what the card shows (once up, SSH is next: connecting). */
  stateView(): SessionStateView {
    const state: BringUpState | undefined = this.bringUp?.snapshot();
    switch (state?.kind) {
      case undefined:
      case 'idle':
        return { kind: 'starting-vm', machineState: null, startedByPorthole: false };
      case 'starting-vm':
        return { kind: 'starting-vm', machineState: state.machineState, startedByPorthole: state.startedByPorthole };
      case 'waiting-for-ssh':
        return { kind: 'waiting-for-ssh', address: state.address, attempt: state.attempt };
      case 'done':
      case 'failed':
      case 'cancelled':
        // HostSession moves on (or fails, or closes) right after; meanwhile SSH is what comes next.
        return { kind: 'connecting', attempt: 1 };
    }
  }

  /** Once the notebook is ready: idle auto-stop, when the host has it. */
  watchIdle(api: JupyterApi, stopSession: () => Promise<void>): void {
    const minutes = this.link.idleStopMinutes;
    if (minutes === undefined || this.watcher !== null) return;
    this.watcher = new IdleWatcher({
      settings: idleSettings(minutes),
      api,
      now: this.deps.idleWatch?.now ?? this.deps.now,
      ...(this.deps.idleWatch === undefined ? {} : { pollMs: this.deps.idleWatch.pollMs }),
      stopMachine: async () => {
        await stopSession();
        const error = await this.stopVm('idle');
        if (error !== null) throw new Error(error.message);
      },
      onEvent: (event) => {
        this.deps.log(event.kind === 'idle-stop-failed' ? 'error' : 'info', describeIdleEvent(event, minutes));
        this.deps.onIdleEvent?.(event);
        this.deps.onChange();
      },
    });
    this.watcher.start();
    this.deps.onChange();
  }

  /**
   * The session ends: the VM stops too when the host asks for it (`stopVm` overrides that
   * either way). Only a VM the cloud described in this session: one never reached (a
   * refused credential, say) has nothing Porthole could stop.
   */
  async onSessionEnd(options: { readonly stopVm?: boolean } = {}): Promise<void> {
    this.bringUp?.cancel();
    this.watcher?.dispose();
    if (this.vmStop.kind !== 'none' || this.machine === null) return;
    if (options.stopVm ?? this.link.stopVmOnDisconnect) await this.stopVm('disconnect');
  }

  /**
   * Asks the cloud to stop (AWS) or deallocate (Azure) the VM without waiting for it to
   * finish (that takes minutes; the request is what stops the billing's clock soon).
   * Returns the error when the cloud refused, after saying so.
   */
  private async stopVm(reason: StopReason): Promise<PortholeErrorInfo | null> {
    this.vmStop = { kind: 'stopping', reason };
    this.deps.onChange();
    try {
      this.provider ??= await this.deps.provider(this.link);
      this.machine = await this.provider.stop(machineIdOf(this.link), { wait: false });
      this.vmStop = { kind: 'stopped', reason };
      this.deps.events?.stopRequested(this.machine);
      this.deps.events?.seen(this.machine);
      this.deps.log('info', `Asked ${this.link.provider === 'aws' ? 'AWS to stop' : 'Azure to deallocate'} the VM ${this.machine.name} (${reason === 'idle' ? 'idle' : 'disconnected'})`);
      return null;
    } catch (error) {
      const info = toErrorInfo(error);
      this.vmStop = { kind: 'failed', reason, error: info };
      this.deps.log('error', `The VM could not be stopped: ${info.message}${info.hint ? ` ${info.hint}` : ''}`);
      return info;
    } finally {
      this.deps.onChange();
    }
  }

  view(): CloudSessionView {
    const machine = this.machine;
    const price = machine === null ? null : priceEstimate(machine.provider, machine.region, machine.instanceType);
    const runningSince = machine?.state === 'running' || machine?.state === 'pending' ? (machine.launchedAt ?? this.startedAt) : this.startedAt;
    const watched = this.watcher?.status() ?? null;
    const minutes = this.link.idleStopMinutes;
    return {
      provider: this.link.provider,
      machineId: machineIdOf(this.link),
      machine: machine === null ? null : { name: machine.name, state: machine.state, instanceType: machine.instanceType, region: machine.region },
      address: this.address,
      startedByPorthole: this.startedByPorthole,
      runningSince,
      price,
      costSoFar: price === null || runningSince === null ? null : runningCost(runningSince, this.deps.now(), price.usdPerHour),
      idle: minutes === undefined || watched === null ? null : { afterMinutes: minutes, idleSince: watched.idleSince, stopAt: watched.stopAt },
      vmStop: this.vmStop,
    };
  }

}

function describeIdleEvent(event: IdleEvent, minutes: number): string {
  switch (event.kind) {
    case 'idle-warning':
      return `Jupyter has been idle for a while; the VM stops at ${new Date(event.stopAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} (after ${minutes} idle minutes) unless something runs`;
    case 'idle-cancelled':
      return 'Jupyter is busy again; the idle stop is off';
    case 'idle-stopping':
      return `Jupyter was idle for ${minutes} minutes: disconnecting and stopping the VM`;
    case 'idle-stopped':
      return 'The idle VM was stopped';
    case 'idle-stop-failed':
      return `The idle VM could not be stopped: ${event.error.message}`;
  }
}
