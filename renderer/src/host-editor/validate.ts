/**
 * Instant checks while typing, so the user sees a problem on the field before saving.
 * Main validates again on save (its answer wins); these only catch the common slips.
 */
import type { HostDraft } from './host-draft';

export type DraftErrors = Partial<Record<string, string>>;

export function hostAddressProblem(host: string): string | undefined {
  const value = host.trim();
  if (value === '') return 'Enter the VM’s IP address or host name, like 203.0.113.7.';
  if (value.includes('://')) return 'Give only the address, without http:// or ssh://.';
  if (value.includes('@')) return 'Put the user name in the User field, not in the address.';
  if (/\s/.test(value)) return 'An address has no spaces.';
  if (/^[^:]+:\d+$/.test(value)) return 'Put the port in the Port field, not after the address.';
  return undefined;
}

function portProblem(text: string, what: string): string | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) return `${what} is a whole number from 1 to 65535.`;
  return undefined;
}

export function validateDraft(draft: HostDraft, takenNames: readonly string[]): DraftErrors {
  const errors: DraftErrors = {};
  const name = draft.name.trim();
  if (name === '') errors['name'] = 'Give this host a name you will recognise, like “gpu-vm”.';
  else if (takenNames.includes(name)) errors['name'] = `You already have a host named “${name}”.`;
  // A cloud host's address comes from the cloud at every connect: there is none to check.
  const host = draft.cloud === null ? hostAddressProblem(draft.host) : undefined;
  if (host !== undefined) errors['host'] = host;
  if (draft.cloud !== null && draft.idleStop) {
    const minutes = Number(draft.idleMinutes);
    if (draft.idleMinutes.trim() === '' || !Number.isInteger(minutes) || minutes < 5 || minutes > 1440) errors['idleMinutes'] = 'A whole number of minutes from 5 to 1440 (24 hours).';
  }
  if (/\s/.test(draft.user.trim())) errors['user'] = 'A user name has no spaces.';
  const port = portProblem(draft.port, 'The SSH port');
  if (port !== undefined) errors['port'] = port;
  const localPort = portProblem(draft.localPort, 'The local port');
  if (localPort !== undefined) errors['jupyter.localPort'] = localPort;
  draft.jumpHosts.forEach((jump, i) => {
    const problem = hostAddressProblem(jump.host);
    if (problem !== undefined) errors[`jumpHosts[${i}].host`] = problem;
  });
  draft.forwards.forEach((forward, i) => {
    const bind = portProblem(forward.bindPort, 'The port');
    if (bind !== undefined || forward.bindPort.trim() === '') errors[`forwards[${i}].bindPort`] = bind ?? 'Enter the port to listen on.';
    if (forward.kind !== 'dynamic') {
      const target = portProblem(forward.targetPort, 'The port');
      if (target !== undefined || forward.targetPort.trim() === '') errors[`forwards[${i}].targetPort`] = target ?? 'Enter the port to forward to.';
    }
  });
  if (draft.auth === 'password' && !draft.passwordSaved && draft.notebookPassword === '') {
    errors['notebookPassword'] = 'Choose the password the notebook will ask for.';
  }
  return errors;
}
