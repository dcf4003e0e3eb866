/**
 * What the Cloud screen shows for a machine: its state in plain words (Azure's "stopped"
 * still bills, "deallocated" does not, and the badge says so), a tone, a line of
 * explanation where one helps, and the actions that make sense in that state. Pure, so
 * every state is unit-tested; the row only renders what this returns.
 */
import type { CloudLinkView, CloudMachineView } from '../../../main/ipc/contract';
import type { Tone } from '../hosts/session-presentation';
import { providerName, stopVerb } from './cost';

export type MachineActionKind = 'start' | 'stop';

export interface MachineAction {
  readonly kind: MachineActionKind;
  readonly label: string;
}

export interface MachinePresentation {
  /** The state as the badge says it. */
  readonly label: string;
  readonly tone: Tone;
  /** One short line under the badge, or null. */
  readonly explanation: string | null;
  /** The one obvious action for the state; null while the cloud is busy with it. */
  readonly primary: MachineAction | null;
  /** A second action beside it (Azure's stopped-but-billed VM: Deallocate). */
  readonly secondary: MachineAction | null;
}

/** The cloud's own word, without Azure's "PowerState/" prefix. */
function cloudWord(machine: CloudMachineView): string {
  return machine.rawState.replace(/^PowerState\//i, '');
}

export function presentMachine(machine: CloudMachineView): MachinePresentation {
  const cloud = providerName(machine.provider);
  const stop = stopVerb(machine.provider);
  const start: MachineAction = { kind: 'start', label: 'Start' };
  const stopAction: MachineAction = { kind: 'stop', label: stop.verb };
  const none = { primary: null, secondary: null } as const;
  const says = `${cloud} says “${cloudWord(machine)}”`;

  if (machine.busy === 'starting') {
    const waiting = machine.state === 'stopping' || machine.state === 'deallocating';
    return { ...none, label: 'Starting', tone: 'busy', explanation: waiting ? `Waiting for it to finish stopping first (${says})` : machine.state === 'running' ? 'Running; finishing up' : says };
  }
  if (machine.busy === 'stopping') return { ...none, label: stop.doing, tone: 'busy', explanation: says };

  switch (machine.state) {
    case 'running':
      return { label: 'Running', tone: 'success', explanation: null, primary: stopAction, secondary: null };
    case 'pending':
      return { ...none, label: 'Starting', tone: 'busy', explanation: says };
    case 'stopping':
      return { ...none, label: 'Stopping', tone: 'busy', explanation: says };
    case 'deallocating':
      return { ...none, label: 'Deallocating', tone: 'busy', explanation: says };
    case 'stopped':
      // Only Azure bills a stopped VM's compute (AWS's "stopped" is Azure's "deallocated").
      if (machine.provider === 'azure' && machine.billsCompute) {
        return {
          label: 'Stopped — still billed',
          tone: 'warning',
          explanation: `${cloud} keeps its compute reserved and bills it. Deallocate to stop the charges.`,
          primary: start,
          secondary: stopAction,
        };
      }
      return { label: 'Stopped', tone: 'neutral', explanation: 'Not billed for compute; its disk still is.', primary: start, secondary: null };
    case 'deallocated':
      return { label: 'Deallocated — not billed', tone: 'neutral', explanation: 'Compute released; only its disks are billed.', primary: start, secondary: null };
    case 'terminating':
      return { ...none, label: 'Terminating', tone: 'neutral', explanation: 'Being deleted.' };
    case 'terminated':
      return { ...none, label: 'Terminated', tone: 'neutral', explanation: 'Deleted; it cannot be started again.' };
    case 'unknown':
      return { ...none, label: 'Unknown state', tone: 'neutral', explanation: says };
  }
}

/** The hosts linked to a machine: main's list, plus saved hosts that point at it now (added since the list came). */
export function linkedHosts(machine: CloudMachineView, hosts: readonly { readonly name: string; readonly cloud: CloudLinkView | null }[]): string[] {
  const linked = hosts.filter((h) => h.cloud !== null && machineIdOfLink(h.cloud) === machine.id && h.cloud.provider === machine.provider).map((h) => h.name);
  return [...new Set([...machine.hosts, ...linked])];
}

/** The id cloud:* commands take for a linked host's machine: AWS `i-…`, Azure `group/vm`. */
export function machineIdOfLink(link: CloudLinkView): string {
  return link.provider === 'aws' ? link.instanceId : `${link.resourceGroup}/${link.vmName}`;
}

/**
 * A host name to start from: the machine's name (else its id), and free: "gpu-a (2)" when
 * a host "gpu-a" exists (names compare without case), as main names a host it adds itself.
 */
export function suggestedHostName(machine: Pick<CloudMachineView, 'id' | 'name'>, taken: readonly string[] = []): string {
  // eslint-disable-next-line no-control-regex
  const base = (machine.name.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim() || machine.id).slice(0, 90).trim();
  const used = new Set(taken.map((name) => name.toLocaleLowerCase('en-US')));
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base} (${n})`;
    if (!used.has(name.toLocaleLowerCase('en-US'))) return name;
  }
}
