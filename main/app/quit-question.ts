/**
 * The one question Quit may ask: Jupyter servers Porthole started are still running on
 * remote machines (using memory, maybe a paid GPU), and cloud VMs Porthole started still run
 * and cost money ("zombie charges"). The tunnels close either way; the servers and the VMs
 * are the user's call. Pure, so the words and the button order are unit-tested and the shell
 * only shows them.
 */
import type { StartedMachineView } from '../ipc/contract';
import { runningFor, totalCost, usd } from './money';
import type { RunningServer } from './service';

export interface QuitQuestion {
  readonly message: string;
  readonly detail: string;
  /** In this order: index 0 is the default, the last is what Esc / closing the box means. */
  readonly buttons: readonly ['Stop them', 'Keep them running', 'Cancel'];
  readonly defaultId: 0;
  readonly cancelId: 2;
}

/** `stopVms`: ask AWS to stop and Azure to deallocate the VMs Porthole started. */
export type QuitDecision = { readonly kind: 'quit'; readonly stopServers: boolean; readonly stopVms: boolean } | { readonly kind: 'stay' };

/** Null when there is nothing to ask: quit closes the tunnels straight away. */
export function quitQuestion(servers: readonly RunningServer[], vms: readonly StartedMachineView[] = [], now: number = Date.now()): QuitQuestion | null {
  if (servers.length === 0 && vms.length === 0) return null;
  const question = { buttons: ['Stop them', 'Keep them running', 'Cancel'], defaultId: 0, cancelId: 2 } as const;
  if (vms.length === 0) return { ...question, ...serversOnly(servers) };

  const total = totalCost(vms.map((vm) => vm.costSoFar));
  const message =
    (vms.length === 1 ? `The VM ${vms[0]!.name}, which Porthole started, is still running` : `${vms.length} VMs Porthole started are still running`) +
    (total === null ? '.' : ` (about ${usd(total)} so far).`);
  const lines = vms.map((vm) => {
    const host = vm.host !== null && vm.host !== vm.name ? ` for ${vm.host}` : '';
    const rate = vm.price === null ? 'no price estimate for its type' : `${usd(vm.price.usdPerHour)}/h`;
    return `• ${vm.name}${host} (${vm.provider === 'aws' ? 'AWS' : 'Azure'}): running for ${runningFor(now - vm.runningSince)}, about ${usd(vm.costSoFar)} so far, ${rate}`;
  });
  const them = vms.length === 1 ? 'it' : 'them';
  const serversLine =
    servers.length === 0 ? '' : `\n\nJupyter is also still running on ${hostList(servers)}; stopping ${servers.length === 1 ? 'it' : 'those servers'} too frees the machine.`;
  return {
    ...question,
    message,
    detail:
      `${lines.join('\n')}\n\n` +
      `Stop ${them} to stop the charges: Porthole asks ${cloudsOf(vms)} (disks and files are kept). ` +
      `Keep ${them} running to come back later; ${vms.length === 1 ? 'it costs' : 'they cost'} money until stopped. Prices are estimates from list prices.${serversLine}`,
  };
}

function serversOnly(servers: readonly RunningServer[]): Pick<QuitQuestion, 'message' | 'detail'> {
  const where = hostList(servers);
  return {
    message: servers.length === 1 ? `Jupyter is still running on ${where}.` : `${servers.length} Jupyter servers are still running on ${where}.`,
    detail:
      `Porthole started ${servers.length === 1 ? 'it' : 'them'} and is closing its tunnels now. ` +
      `Stop ${servers.length === 1 ? 'it' : 'them'} to free the machine, or keep ${servers.length === 1 ? 'it' : 'them'} running ` +
      'to pick up your notebooks where you left them next time (unsaved kernels keep using memory).',
  };
}

function hostList(servers: readonly RunningServer[]): string {
  const hosts = [...new Set(servers.map((server) => server.host))];
  return hosts.length === 1 ? hosts[0]! : `${hosts.slice(0, -1).join(', ')} and ${hosts[hosts.length - 1]!}`;
}

/** "AWS to stop them", "Azure to deallocate it", or both. */
function cloudsOf(vms: readonly StartedMachineView[]): string {
  const aws = vms.some((vm) => vm.provider === 'aws');
  const azure = vms.some((vm) => vm.provider === 'azure');
  if (aws && azure) return 'AWS to stop and Azure to deallocate them';
  return aws ? `AWS to stop ${vms.length === 1 ? 'it' : 'them'}` : `Azure to deallocate ${vms.length === 1 ? 'it' : 'them'}`;
}

/** What the answer (the index of the button clicked) means. Anything unexpected stays, never stops anything. */
export function quitDecision(response: number): QuitDecision {
  if (response === 0) return { kind: 'quit', stopServers: true, stopVms: true };
  if (response === 1) return { kind: 'quit', stopServers: false, stopVms: false };
  return { kind: 'stay' };
}
