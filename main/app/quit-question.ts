/**
 * The one question Quit may ask: Jupyter servers Porthole started are still running on
 * remote machines (using memory, maybe a paid GPU). The tunnels close either way; the
 * servers are the user's call. Pure, so the words and the button order are unit-tested and
 * the shell only shows them.
 */
import type { RunningServer } from './service';

export interface QuitQuestion {
  readonly message: string;
  readonly detail: string;
  /** In this order: index 0 is the default, the last is what Esc / closing the box means. */
  readonly buttons: readonly ['Stop them', 'Keep them running', 'Cancel'];
  readonly defaultId: 0;
  readonly cancelId: 2;
}

export type QuitDecision = { readonly kind: 'quit'; readonly stopServers: boolean } | { readonly kind: 'stay' };

/** Null when there is nothing to ask: quit closes the tunnels straight away. */
export function quitQuestion(servers: readonly RunningServer[]): QuitQuestion | null {
  if (servers.length === 0) return null;
  const hosts = [...new Set(servers.map((server) => server.host))];
  const where = hosts.length === 1 ? hosts[0]! : `${hosts.slice(0, -1).join(', ')} and ${hosts[hosts.length - 1]!}`;
  const message =
    servers.length === 1 ? `Jupyter is still running on ${where}.` : `${servers.length} Jupyter servers are still running on ${where}.`;
  return {
    message,
    detail:
      `Porthole started ${servers.length === 1 ? 'it' : 'them'} and is closing its tunnels now. ` +
      `Stop ${servers.length === 1 ? 'it' : 'them'} to free the machine, or keep ${servers.length === 1 ? 'it' : 'them'} running ` +
      'to pick up your notebooks where you left them next time (unsaved kernels keep using memory).',
    buttons: ['Stop them', 'Keep them running', 'Cancel'],
    defaultId: 0,
    cancelId: 2,
  };
}

/** What the answer (the index of the button clicked) means. Anything unexpected stays, never stops servers. */
export function quitDecision(response: number): QuitDecision {
  if (response === 0) return { kind: 'quit', stopServers: true };
  if (response === 1) return { kind: 'quit', stopServers: false };
  return { kind: 'stay' };
}
