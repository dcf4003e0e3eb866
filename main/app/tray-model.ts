/**
 * What the tray shows, as plain data computed from the same snapshots the window renders:
 * the icon's state, the tooltip and the menu. main/electron/tray.ts only turns this into a
 * native Menu and runs the actions, so everything a user can see or click in the tray is
 * decided here and unit-tested without Electron.
 */
import type { CloudAccountView, HostView, SessionView, SessionStateView, StartedMachineView } from '../ipc/contract';
import { runningFor, totalCost, usd } from './money';

/** The icon: nothing running, something on its way, everything running is ready, something needs attention. */
export type TrayState = 'idle' | 'busy' | 'ready' | 'failed';

/** A click in the tray: a session command for one host, or the app's own two. */
export type TrayAction =
  | { readonly command: 'sessions:launch' | 'sessions:connect' | 'sessions:open' | 'sessions:disconnect' | 'sessions:retry'; readonly host: string }
  /** Stop (AWS) or deallocate (Azure) a VM Porthole started. */
  | { readonly command: 'cloud:stop-machine'; readonly account: CloudAccountView; readonly id: string }
  | { readonly command: 'window:show' }
  | { readonly command: 'app:quit' };

export type TrayItem =
  | { readonly kind: 'action'; readonly label: string; readonly enabled: boolean; readonly action: TrayAction }
  /** A line of status text: shown, never clickable. */
  | { readonly kind: 'label'; readonly label: string }
  | { readonly kind: 'separator' }
  | { readonly kind: 'submenu'; readonly label: string; readonly items: readonly TrayItem[] };

export interface TrayModel {
  readonly state: TrayState;
  readonly tooltip: string;
  readonly items: readonly TrayItem[];
}

/** Windows truncates notification-area tooltips at 127 characters; stay under it everywhere. */
export const TOOLTIP_MAX = 127;

/**
 * `started`: the VMs Porthole started that still run (with their cost so far, as of the
 * snapshot); they get a warning entry of their own, since they cost money until stopped.
 */
export function trayModel(hosts: readonly HostView[], sessions: readonly SessionView[], started: readonly StartedMachineView[] = [], now: number = Date.now()): TrayModel {
  const byHost = new Map(sessions.map((session) => [session.host, session]));
  const state = overallState(sessions);
  const hostItems: TrayItem[] =
    hosts.length === 0
      ? [{ kind: 'label', label: 'No hosts yet' }, action('Add a host…', { command: 'window:show' })]
      : hosts.map((host) => hostSubmenu(host, byHost.get(host.name) ?? null));
  const vms: TrayItem[] = started.length === 0 ? [] : [{ kind: 'separator' }, startedVmsSubmenu(started, now)];
  const tooltip = tooltipFor(state, sessions) + (started.length === 0 ? '' : `; ${vmCount(started.length)} running`);
  return {
    state,
    tooltip: truncate(tooltip, TOOLTIP_MAX),
    items: [...hostItems, ...vms, { kind: 'separator' }, action('Show Porthole', { command: 'window:show' }), action('Quit Porthole', { command: 'app:quit' })],
  };
}

function vmCount(count: number): string {
  return count === 1 ? '1 VM' : `${count} VMs`;
}

/** "⚠ 2 VMs still running: about $1.23 so far", and per VM its cost and a Stop. */
function startedVmsSubmenu(started: readonly StartedMachineView[], now: number): TrayItem {
  const total = totalCost(started.map((vm) => vm.costSoFar));
  const label = `⚠ ${vmCount(started.length)} started by Porthole still running${total === null ? '' : `: about ${usd(total)} so far`}`;
  const items = started.flatMap((vm): TrayItem[] => {
    const what = vm.host !== null && vm.host !== vm.name ? `${vm.name} (${vm.host})` : vm.name;
    const rate = vm.price === null ? '' : `, ${usd(vm.price.usdPerHour)}/h`;
    return [
      { kind: 'label', label: truncate(`${what}: ${runningFor(now - vm.runningSince)}, about ${usd(vm.costSoFar)} so far${rate}`, 100) },
      action(`${vm.provider === 'aws' ? 'Stop' : 'Deallocate'} ${truncate(vm.name, 60)}`, { command: 'cloud:stop-machine', account: vm.account, id: vm.id }),
    ];
  });
  return { kind: 'submenu', label, items: [...items, { kind: 'separator' }, { kind: 'label', label: 'Estimates from list prices; they cost money until stopped.' }] };
}

type Activity = 'none' | 'busy' | 'ready' | 'failed';

/** How one session counts towards the icon. A stopped Jupyter needs the user, like a failure. */
function activityOf(state: SessionStateView): Activity {
  switch (state.kind) {
    case 'closed':
      return 'none';
    case 'starting-vm':
    case 'waiting-for-ssh':
    case 'connecting':
    case 'awaiting-user':
    case 'starting-jupyter':
    case 'reconnecting':
    case 'stopping':
      return 'busy';
    case 'ready':
      return 'ready';
    case 'failed':
    case 'server-stopped':
      return 'failed';
  }
}

function overallState(sessions: readonly SessionView[]): TrayState {
  const activities = new Set(sessions.map((session) => activityOf(session.state)));
  if (activities.has('failed')) return 'failed';
  if (activities.has('busy')) return 'busy';
  if (activities.has('ready')) return 'ready';
  return 'idle';
}

function tooltipFor(state: TrayState, sessions: readonly SessionView[]): string {
  const hostsIn = (activity: Activity) => sessions.filter((session) => activityOf(session.state) === activity).map((session) => session.host);
  switch (state) {
    case 'idle':
      return 'Porthole: not connected';
    case 'busy': {
      const busy = hostsIn('busy');
      return `Porthole: ${busy.length === 1 ? `${statusOf(sessions.find((s) => s.host === busy[0])!.state)} ${busy[0]}` : `working on ${busy.join(', ')}`}`;
    }
    case 'ready': {
      const ready = hostsIn('ready');
      return `Porthole: ${ready.join(', ')} ready`;
    }
    case 'failed': {
      const failed = hostsIn('failed');
      return `Porthole: ${failed.join(', ')} ${failed.length === 1 ? 'needs' : 'need'} attention`;
    }
  }
}

/** The host's line in the menu, in the words the window uses. */
function statusOf(state: SessionStateView): string {
  switch (state.kind) {
    case 'starting-vm':
      if (state.machineState === null) return 'asking the cloud about the VM';
      return state.machineState === 'stopping' || state.machineState === 'deallocating' ? 'waiting for the VM to stop' : 'starting the VM';
    case 'waiting-for-ssh':
      return 'waiting for SSH on the VM';
    case 'connecting':
      return state.attempt > 1 ? `connecting (attempt ${state.attempt})` : 'connecting';
    case 'awaiting-user':
      return 'waiting for you';
    case 'starting-jupyter':
      return state.reusing ? 'reconnecting to Jupyter' : 'starting Jupyter';
    case 'ready':
      return 'ready';
    case 'reconnecting':
      return 'reconnecting';
    case 'server-stopped':
      return 'Jupyter stopped';
    case 'stopping':
      return 'disconnecting';
    case 'closed':
      return 'not connected';
    case 'failed':
      return 'failed';
  }
}

function hostSubmenu(host: HostView, session: SessionView | null): TrayItem {
  const name = host.name;
  const state = session?.state ?? null;
  const label = `${name}: ${state === null ? 'not connected' : statusOf(state)}`;
  const launch = action('Launch notebook', { command: 'sessions:launch', host: name });
  // Forwards-only makes sense only for a host that has forwards saved.
  const connect = action('Connect (forwards only)', { command: 'sessions:connect', host: name }, host.forwards.length > 0);
  const disconnect = action('Disconnect', { command: 'sessions:disconnect', host: name });
  const items: TrayItem[] = [];

  if (state === null || state.kind === 'closed') {
    items.push(launch, connect);
  } else {
    switch (state.kind) {
      case 'starting-vm':
      case 'waiting-for-ssh':
      case 'connecting':
      case 'starting-jupyter':
      case 'reconnecting':
        items.push(disconnect);
        break;
      case 'awaiting-user':
        // The question is in the window: the tray cannot answer it, only lead there.
        items.push(action('Answer in Porthole…', { command: 'window:show' }), disconnect);
        break;
      case 'ready':
        if (session!.mode === 'notebook') items.push(action('Open notebook', { command: 'sessions:open', host: name }, state.notebook !== null));
        items.push(disconnect);
        break;
      case 'server-stopped':
        items.push(launch, disconnect);
        break;
      case 'stopping':
        items.push({ kind: 'label', label: 'Disconnecting…' });
        break;
      case 'failed':
        items.push({ kind: 'label', label: truncate(state.error.message, 80) }, action('Try again', { command: 'sessions:retry', host: name }), launch, connect);
        break;
    }
  }
  return { kind: 'submenu', label, items };
}

function action(label: string, act: TrayAction, enabled = true): TrayItem {
  return { kind: 'action', label, enabled, action: act };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
