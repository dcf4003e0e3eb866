/**
 * The cloud lines of a cloud host's card: where the host is (a cloud machine, not a fixed
 * address), what the machine is and costs, the cost-safety settings, the idle auto-stop
 * count-down, and what became of stopping the VM. Pure, unit-tested; HostCard renders it.
 */
import type { CloudLinkView, CloudSessionView, ErrorView, HostView, SessionView } from '../../../main/ipc/contract';
import { formatCost, formatCountdown, formatDuration, formatHourly, liveCost, providerName, stopVerb } from '../cloud/cost';

export interface CloudCardLines {
  /** "g4dn.xlarge · eu-central-1 · est. $0.658/h", once the cloud described the machine. */
  readonly machine: string | null;
  /** "About $0.79 so far · running 1 h 12 min · started by Porthole", while it runs. */
  readonly cost: string | null;
  /** The cost-safety settings in a few words, or null when neither is on. */
  readonly safety: string | null;
  /** Idle auto-stop: a count-down (urgent) or how long Jupyter has been idle. */
  readonly idle: { readonly text: string; readonly urgent: boolean; readonly hint: string | null } | null;
  /** Porthole stopping the VM (on disconnect or idle), and how that went. */
  readonly vmStop: { readonly tone: 'busy' | 'success' | 'danger'; readonly text: string; readonly error: ErrorView | null } | null;
}

/** The address line of a card: the fixed address, or for a cloud host the machine and where it is (or was last) reached. */
export function describeHostAddress(host: HostView, session: SessionView | undefined): string {
  const user = host.user ? `${host.user}@` : '';
  const port = host.port === 22 ? '' : `:${host.port}`;
  const via = host.jumpHosts.length > 0 ? ` via ${host.jumpHosts.map((j) => j.host).join(', ')}` : '';
  const link = host.cloud;
  if (link === null) return `${user}${host.host}${port}${via}`;
  const where = link.provider === 'aws' ? `AWS instance ${link.instanceId} (${link.region})` : `Azure VM ${link.resourceGroup}/${link.vmName}`;
  const login = host.user ? `${host.user} on ` : '';
  const live = session === undefined || session.state.kind === 'closed' || session.state.kind === 'failed' ? null : (session.cloud?.address ?? (session.state.kind === 'waiting-for-ssh' ? session.state.address : null));
  const address = live ? ` · at ${live}${port}` : host.host !== '' ? ` · last at ${host.host}${port}` : '';
  return `${login}${where}${address}${via}`;
}

/** "stops the VM when you disconnect, or after 30 idle minutes". */
export function describeSafety(link: CloudLinkView): string | null {
  const verb = stopVerb(link.provider).verb.toLowerCase();
  const parts = [...(link.stopVmOnDisconnect ? ['when you disconnect'] : []), ...(link.idleStopMinutes !== null ? [`after ${link.idleStopMinutes} idle minutes`] : [])];
  if (parts.length === 0) return null;
  return `Porthole will ${verb} the VM ${parts.join(', or ')}.`;
}

const ACTIVE = new Set(['running', 'pending']);

export function presentCloud(host: HostView, session: SessionView | undefined, now: number): CloudCardLines | null {
  const link = host.cloud;
  if (link === null) return null;
  const cloud = session?.cloud ?? null;
  const safety = describeSafety(link);
  if (cloud === null) return { machine: null, cost: null, safety, idle: null, vmStop: null };

  const machine = cloud.machine === null ? null : [cloud.machine.instanceType, cloud.machine.region, ...(cloud.price ? [`est. ${formatHourly(cloud.price)}`] : [])].join(' · ');
  const stopping = cloud.vmStop.kind === 'stopping' || cloud.vmStop.kind === 'stopped';
  const cost = stopping || cloud.machine === null || !ACTIVE.has(cloud.machine.state) ? null : costLine(cloud, now);
  const vmStop = vmStopLine(cloud, link.idleStopMinutes);
  // Once Porthole stopped (or tried to stop) the VM, that outcome replaces the settings line.
  return { machine, cost, safety: vmStop === null ? safety : null, idle: idleLine(cloud, now), vmStop };
}

function costLine(cloud: CloudSessionView, now: number): string | null {
  const cost = liveCost(cloud, now);
  const parts = [
    ...(cost !== null ? [`${formatCost(cost)} so far (estimate)`] : []),
    ...(cloud.runningSince !== null ? [`running ${formatDuration(now - cloud.runningSince)}`] : []),
    ...(cloud.startedByPorthole ? ['started by Porthole'] : []),
  ];
  if (parts.length === 0) return null;
  const text = parts.join(' · ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function idleLine(cloud: CloudSessionView, now: number): CloudCardLines['idle'] {
  const idle = cloud.idle;
  if (idle === null) return null;
  const verb = stopVerb(cloud.provider).verb.toLowerCase();
  const idleFor = idle.idleSince === null ? null : now - idle.idleSince;
  if (idle.stopAt !== null) {
    return {
      text: `Jupyter has been idle${idleFor !== null ? ` for ${formatDuration(idleFor)}` : ''}: Porthole will ${verb} the VM in ${formatCountdown(idle.stopAt - now)}.`,
      urgent: true,
      hint: 'To keep it running, use the notebook: open it and run a cell. Any activity cancels the stop.',
    };
  }
  if (idleFor !== null && idleFor >= 60_000) {
    return { text: `Idle for ${formatDuration(idleFor)}; Porthole will ${verb} the VM after ${idle.afterMinutes} idle minutes.`, urgent: false, hint: null };
  }
  return { text: `Idle stop is on: Porthole will ${verb} the VM after ${idle.afterMinutes} minutes without use.`, urgent: false, hint: null };
}

function vmStopLine(cloud: CloudSessionView, idleMinutes: number | null): CloudCardLines['vmStop'] {
  const stop = cloud.vmStop;
  const words = stopVerb(cloud.provider);
  const provider = providerName(cloud.provider);
  const why = (reason: 'disconnect' | 'idle') => (reason === 'idle' ? `Jupyter was idle${idleMinutes !== null ? ` for ${idleMinutes} minutes` : ''}` : 'you disconnected');
  switch (stop.kind) {
    case 'none':
      return null;
    case 'stopping':
      return { tone: 'busy', text: `${words.doing} the VM (${why(stop.reason)})…`, error: null };
    case 'stopped':
      return { tone: 'success', text: `${capitalized(why(stop.reason))}, so Porthole asked ${provider} to ${words.verb.toLowerCase()} the VM. It no longer costs compute; Launch notebook starts it again.`, error: null };
    case 'failed':
      return { tone: 'danger', text: `The VM could not be ${words.done}: it keeps running and costing money. ${words.verb} it on the Cloud screen.`, error: stop.error };
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
