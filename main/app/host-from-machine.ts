/**
 * "Add as host" on the Cloud screen: a saved host for a cloud machine, filled in from what
 * the cloud says about it, so a student clicks once instead of copying an IP, a user name
 * and a key name from the console. Pure.
 *
 *  - name: the one asked for, else the machine's name (made unique: "gpu-box (2)");
 *  - user: the login the image suggests (ubuntu, ec2-user, the Azure VM's admin user);
 *  - key: the vault key named like the AWS key pair (case aside), if there is one;
 *  - Jupyter: the defaults, except on images with their own JupyterHub (the Data Science
 *    VM's on https://…:8000, The Littlest JupyterHub on port 80), which are opened instead;
 *  - the link to the machine (no fixed address: the cloud says where it is at each connect).
 */
import { addressOf, type CloudAccount, type CloudMachine, type KnownImage } from '../cloud/provider';
import type { CloudLinkInput, JupyterHub, ProfileInput } from '../profiles';
import { PortholeError } from '../shared/errors';

/** The hub a known image already runs; null: Porthole finds or starts Jupyter itself. */
export function hubOfImage(image: KnownImage): JupyterHub | null {
  switch (image) {
    case 'azure-dsvm':
      return { port: 8000, scheme: 'https' };
    case 'tljh':
      return { port: 80, scheme: 'http' };
    default:
      return null;
  }
}

export interface HostFromMachineOptions {
  /** The name the user typed, if any. */
  readonly name?: string;
  /** Names already saved (a default name is made unique among them). */
  readonly takenNames: readonly string[];
  /** Names of the keys in the vault. */
  readonly vaultKeys: readonly string[];
}

export function hostFromMachine(account: CloudAccount, machine: CloudMachine, options: HostFromMachineOptions): ProfileInput {
  if (machine.state === 'terminated' || machine.state === 'terminating') {
    throw new PortholeError({
      code: 'cloud.machine-terminated',
      message: `${machine.name} is ${machine.state}; it cannot be started again, so there is nothing to connect to.`,
      hint: 'Choose a machine that is stopped or running.',
      retryable: false,
    });
  }
  const asked = options.name?.trim();
  const name = asked !== undefined && asked !== '' ? asked : uniqueName(profileNameFrom(machine.name), options.takenNames);
  const keyName = machine.keyName?.toLowerCase();
  const key = keyName === undefined ? undefined : options.vaultKeys.find((candidate) => candidate.toLowerCase() === keyName);
  const hub = hubOfImage(machine.knownImage);
  return {
    name,
    port: 22,
    ...(machine.defaultUser === null ? {} : { user: machine.defaultUser }),
    ...(key === undefined ? {} : { key: { kind: 'vault', name: key } }),
    jupyter: hub === null ? {} : { hub },
    cloud: linkOf(account, machine),
  };
}

function linkOf(account: CloudAccount, machine: CloudMachine): CloudLinkInput {
  // Shown as where the VM was last seen: only an address it has while running counts.
  const address = machine.state === 'running' ? (addressOf(machine) ?? undefined) : undefined;
  const seen = address === undefined ? {} : { lastSeenAddress: address };
  if (account.provider === 'aws') {
    const credential = account.vaultCredential !== undefined ? { vaultCredential: account.vaultCredential } : account.profile !== null ? { profile: account.profile } : {};
    return { provider: 'aws', instanceId: machine.id, region: account.region, ...credential, ...seen };
  }
  const slash = machine.id.indexOf('/');
  return {
    provider: 'azure',
    subscriptionId: account.subscriptionId,
    resourceGroup: machine.resourceGroup ?? machine.id.slice(0, slash),
    vmName: machine.id.slice(slash + 1),
    ...(account.tenantId === undefined ? {} : { tenantId: account.tenantId }),
    ...seen,
  };
}

/** A machine name as a host name: no control characters, no edge spaces, at most 90 characters (room for " (2)"). */
function profileNameFrom(machineName: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = machineName.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 90).trim();
  return cleaned === '' ? 'cloud machine' : cleaned;
}

/** `base`, or `base (2)`, `base (3)`... whichever is free (names compare without case). */
export function uniqueName(base: string, taken: readonly string[]): string {
  const used = new Set(taken.map((name) => name.toLocaleLowerCase('en-US')));
  if (!used.has(base.toLocaleLowerCase('en-US'))) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base} (${n})`;
    if (!used.has(candidate.toLocaleLowerCase('en-US'))) return candidate;
  }
}
