/**
 * The name a cloud machine's host key is recorded under, like OpenSSH's `HostKeyAlias`:
 * `i-0123456789abcdef0.aws.porthole`, `<vmId>.azure.porthole`. It is built from the
 * machine's `uniqueId`, which survives stop/start and is never reused by another machine,
 * so a new IP after a restart asks nothing again, and a recycled IP that now shows another
 * machine's key counts as a new host rather than an attack.
 *
 * The form is a plain host name (letters, digits, "-" and "."), which known_hosts takes
 * as a literal, and ends in `.porthole`, a name no real host has.
 */
import { PortholeError } from '../shared/errors';
import type { CloudMachine, CloudProviderId } from './provider';

const SUFFIX = 'porthole';

export function hostKeyAlias(provider: CloudProviderId, uniqueId: string): string {
  const label = uniqueId.trim().toLowerCase();
  // One DNS label: an instance id (i-…) or a GUID (Azure's vmId) always fits.
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) {
    throw new PortholeError({
      code: 'cloud.bad-machine-id',
      message: `The ${provider === 'aws' ? 'AWS' : 'Azure'} machine id "${uniqueId.slice(0, 80)}" cannot name a host key.`,
      hint: 'This should not happen with a real cloud machine; choose the instance again in the host settings.',
      retryable: false,
    });
  }
  return `${label}.${provider}.${SUFFIX}`;
}

export function hostKeyAliasOf(machine: Pick<CloudMachine, 'provider' | 'uniqueId'>): string {
  return hostKeyAlias(machine.provider, machine.uniqueId);
}
