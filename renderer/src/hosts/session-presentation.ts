/**
 * What a host card shows for a session state: a label, a tone, the one obvious action and
 * what goes in the "More" menu. Pure (no React, no DOM) so every state is unit-tested;
 * the card only renders what this returns.
 */
import type { ErrorView, MachineStateView, NotebookView, SessionPhaseView, SessionStateView, SessionView } from '../../../main/ipc/contract';

export type Tone = 'neutral' | 'busy' | 'waiting' | 'success' | 'warning' | 'danger';

/** Each action maps to one command (see HostCard); `cancel` is `sessions:disconnect`. */
export type ActionKind = 'launch' | 'open' | 'disconnect' | 'cancel' | 'retry' | 'retry-now' | 'show-hostkey' | 'copy-url' | 'stop-server' | 'connect-forwards' | 'edit' | 'remove';

export interface Action {
  readonly kind: ActionKind;
  readonly label: string;
}

export interface Progress {
  readonly step: number;
  readonly of: number;
  readonly text: string;
}

export interface SessionPresentation {
  /** Short state name, shown as the card's badge. */
  readonly label: string;
  /** One sentence under the badge: where things are, or what to do. */
  readonly detail: string | null;
  readonly tone: Tone;
  /** The one obvious action; null while nothing can be done but wait (stopping). */
  readonly primary: Action | null;
  /** A quieter second button beside the primary one. */
  readonly secondary: Action | null;
  readonly menu: readonly Action[];
  readonly progress: Progress | null;
  /** The engine's error (message + hint) to show as it is. */
  readonly error: ErrorView | null;
  /** The local address of the notebook, when one is forwarded. */
  readonly address: string | null;
}

export interface HostFacts {
  /** The host has saved forwards, so "Connect forwards only" makes sense. */
  readonly hasForwards: boolean;
}

const A = {
  launch: { kind: 'launch', label: 'Launch notebook' },
  open: { kind: 'open', label: 'Open' },
  disconnect: { kind: 'disconnect', label: 'Disconnect' },
  cancel: { kind: 'cancel', label: 'Cancel' },
  retry: { kind: 'retry', label: 'Retry' },
  retryNow: { kind: 'retry-now', label: 'Retry now' },
  showHostKey: { kind: 'show-hostkey', label: 'What happened?' },
  copyUrl: { kind: 'copy-url', label: 'Copy notebook address' },
  stopServer: { kind: 'stop-server', label: 'Stop Jupyter server' },
  connectForwards: { kind: 'connect-forwards', label: 'Connect forwards only' },
  edit: { kind: 'edit', label: 'Edit host' },
  remove: { kind: 'remove', label: 'Remove host' },
} as const satisfies Record<string, Action>;

/** The five steps of a launch, as the progress bar counts them; a cloud host's launch has two more first (VM, SSH). */
const STEPS_OF_LAUNCH = 5;
const CLOUD_STEPS = 2;

type CloudFacts = SessionView['cloud'];

/** What a cloud VM is doing on its way up, in words (the cloud's state as last seen). */
function vmStartText(machineState: MachineStateView | null, startedByPorthole: boolean, cloud: CloudFacts): string {
  const provider = cloud === null ? 'the cloud' : cloud.provider === 'aws' ? 'AWS' : 'Azure';
  const vm = cloud?.machine?.name ? `“${cloud.machine.name}”` : 'the VM';
  return sentence(vmStartWords(machineState, startedByPorthole, provider, vm));
}

function vmStartWords(machineState: MachineStateView | null, startedByPorthole: boolean, provider: string, vm: string): string {
  switch (machineState) {
    case null:
      return `asking ${provider} how ${vm} is`;
    case 'stopping':
    case 'deallocating':
      return `${vm} is still ${machineState}; Porthole starts it again once it has`;
    case 'stopped':
    case 'deallocated':
      return `asking ${provider} to start ${vm}`;
    case 'pending':
      return startedByPorthole ? `${provider} is starting ${vm}; this takes a minute or two` : `${vm} is starting`;
    case 'running':
      return `${vm} is running`;
    case 'terminating':
    case 'terminated':
      return `${vm} was deleted (terminated) in ${provider}`;
    case 'unknown':
      return `${provider} reports an unknown state for ${vm}`;
  }
}

/** First letter up ("the VM is…" -> "The VM is…"); a quoted name stays as it is. */
function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const PHASES: Record<SessionPhaseView, { step: number; text: (reusing: boolean) => string }> = {
  locating: { step: 2, text: () => 'Looking for Jupyter on the VM' },
  starting: { step: 3, text: (reusing) => (reusing ? 'Reusing the Jupyter server already running' : 'Starting Jupyter on the VM') },
  forwarding: { step: 4, text: () => 'Forwarding the notebook to this computer' },
  probing: { step: 5, text: () => 'Checking that the notebook answers' },
};

function idleMenu(facts: HostFacts): Action[] {
  return [...(facts.hasForwards ? [A.connectForwards] : []), A.edit, A.remove];
}

/** `now` (epoch ms) drives the reconnect count-down. */
export function presentSession(session: SessionView | undefined, facts: HostFacts, now: number): SessionPresentation {
  const base = { detail: null, secondary: null, progress: null, error: null, address: null } as const;
  if (session === undefined) {
    return { ...base, label: 'Not connected', tone: 'neutral', primary: A.launch, menu: idleMenu(facts) };
  }
  const state: SessionStateView = session.state;
  // A cloud host's launch counts the VM's two steps first; a plain host's starts at connecting.
  const offset = session.cloud !== null ? CLOUD_STEPS : 0;
  const of = STEPS_OF_LAUNCH + offset;
  // Only a notebook launch has steps to count; connecting forwards alone is one step.
  const launchStep = (step: number, text: string): Progress | null => (session.mode === 'notebook' ? { step, of, text } : null);
  switch (state.kind) {
    case 'starting-vm': {
      const detail = vmStartText(state.machineState, state.startedByPorthole, session.cloud);
      return { ...base, label: 'Starting VM', detail, tone: 'busy', primary: A.cancel, menu: [A.edit], progress: launchStep(1, 'Starting the VM') };
    }
    case 'waiting-for-ssh': {
      const tries = state.attempt > 0 ? ` (try ${state.attempt + 1})` : '';
      return {
        ...base,
        label: 'Waiting for SSH',
        detail: `The VM is running; waiting for its SSH server at ${state.address} to answer${tries}. A VM that just started needs a minute.`,
        tone: 'busy',
        primary: A.cancel,
        menu: [A.edit],
        progress: launchStep(2, `Waiting for SSH at ${state.address}`),
      };
    }
    case 'connecting':
      return {
        ...base,
        label: 'Connecting',
        detail: state.attempt > 1 ? `Connecting to the VM (attempt ${state.attempt})` : 'Connecting to the VM over SSH',
        tone: 'busy',
        primary: A.cancel,
        menu: [A.edit],
        progress: launchStep(1 + offset, 'Connecting'),
      };
    case 'awaiting-user':
      return {
        ...base,
        label: 'Waiting for you',
        detail: 'Porthole needs an answer before it can go on: see the open question.',
        tone: 'waiting',
        primary: A.cancel,
        menu: [A.edit],
      };
    case 'starting-jupyter': {
      const phase = PHASES[state.phase];
      const text = phase.text(state.reusing);
      return {
        ...base,
        label: 'Starting Jupyter',
        detail: text,
        tone: 'busy',
        primary: A.cancel,
        menu: [A.edit],
        progress: { step: phase.step + offset, of, text },
      };
    }
    case 'ready': {
      if (state.notebook === null) {
        const ports = state.forwards.map((f) => f.boundPort).join(', ');
        return {
          ...base,
          label: 'Connected',
          detail: ports === '' ? 'Connected, with no forwards.' : `Forwards listening on port${state.forwards.length > 1 ? 's' : ''} ${ports}`,
          tone: 'success',
          primary: A.disconnect,
          menu: [A.edit],
        };
      }
      const address = `127.0.0.1:${state.notebook.localPort}`;
      return {
        ...base,
        label: `Ready on ${address}`,
        detail: state.reconnected ? 'Reconnected after the network dropped; your open tabs keep working.' : describeNotebook(state.notebook),
        tone: 'success',
        primary: A.open,
        secondary: A.disconnect,
        menu: [A.copyUrl, A.stopServer, A.edit],
        address,
      };
    }
    case 'reconnecting': {
      const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return {
        ...base,
        label: seconds > 0 ? `Reconnecting in ${seconds} s` : 'Reconnecting',
        detail: `${state.error.message} Porthole keeps trying (attempt ${state.attempt}); the local port stays the same.`,
        tone: 'warning',
        primary: A.retryNow,
        secondary: A.disconnect,
        menu: state.notebook !== null ? [A.stopServer, A.edit] : [A.edit],
        address: state.notebook !== null ? `127.0.0.1:${state.notebook.localPort}` : null,
      };
    }
    case 'server-stopped':
      return {
        ...base,
        label: 'Jupyter stopped',
        detail: `The Jupyter server on the VM (port ${state.notebook.remotePort}) is no longer running. Launch it again to go on.`,
        tone: 'warning',
        primary: A.launch,
        secondary: A.disconnect,
        menu: [A.edit],
      };
    case 'stopping':
      return { ...base, label: 'Stopping', detail: 'Closing the connection…', tone: 'busy', primary: null, menu: [] };
    case 'closed': {
      const left = state.leftRunning;
      const detail =
        left === null
          ? null
          : left.reason === 'kept'
            ? `Jupyter is still running on the VM (port ${left.remotePort}, in ${left.rootDir}); Launch notebook reuses it.`
            : `Porthole could not reach the VM to stop Jupyter (port ${left.remotePort}); it may still be running.`;
      return { ...base, label: 'Not connected', detail, tone: 'neutral', primary: A.launch, menu: idleMenu(facts) };
    }
    case 'failed': {
      const hostKeyChanged = state.error.code === 'ssh.hostkey-changed';
      return {
        ...base,
        label: hostKeyChanged ? 'Host key changed' : 'Failed',
        tone: 'danger',
        error: state.error,
        primary: A.retry,
        secondary: hostKeyChanged ? A.showHostKey : null,
        menu: idleMenu(facts),
      };
    }
  }
}

/** What runs behind the forward: a Jupyter server in a folder, or the VM's own JupyterHub (with why the browser may warn). */
function describeNotebook(notebook: NotebookView): string {
  if (notebook.hub) {
    const hub = 'The VM’s own JupyterHub: log in with your hub account.';
    return notebook.hub.certificateNote ? `${hub} ${notebook.hub.certificateNote}` : hub;
  }
  return `Jupyter ${describeFlavour(notebook.flavour)} in ${notebook.rootDir}`;
}

function describeFlavour(flavour: 'lab' | 'notebook' | 'server'): string {
  return flavour === 'lab' ? 'Lab' : flavour === 'notebook' ? 'Notebook' : 'Server';
}

/** Whether the card should tick every second: a count-down, or a running VM's cost so far. */
export function needsClock(session: SessionView | undefined): boolean {
  if (session === undefined) return false;
  if (session.state.kind === 'reconnecting') return true;
  const cloud = session.cloud;
  return cloud !== null && ((cloud.idle !== null && cloud.idle.stopAt !== null) || (cloud.runningSince !== null && cloud.price !== null));
}
