/**
 * Cloud accounts and machines between the Cloud screen's words (CloudAccountView, machine
 * ids), the engine's (CloudAccount, CloudMachine) and the saved hosts' (cloud links). Pure:
 * which saved hosts are a machine, the key a provider is cached under, what a machine looks
 * like on the Cloud screen.
 */
import type { CloudAccountView, CloudMachineView } from '../ipc/contract';
import { billsCompute, type CloudAccount, type CloudMachine } from '../cloud/provider';
import { priceEstimate } from '../cloud/prices';
import type { CloudLink, Profile } from '../profiles';

/** The screen's account in the engine's terms (nulls become "not given"). */
export function cloudAccountOf(view: CloudAccountView): CloudAccount {
  if (view.provider === 'aws') {
    return { provider: 'aws', profile: view.profile, region: view.region, ...(view.vaultCredential === null ? {} : { vaultCredential: view.vaultCredential }) };
  }
  return { provider: 'azure', subscriptionId: view.subscriptionId, ...(view.tenantId === null ? {} : { tenantId: view.tenantId }) };
}

export function accountViewOf(account: CloudAccount): CloudAccountView {
  return account.provider === 'aws'
    ? { provider: 'aws', profile: account.vaultCredential === undefined ? account.profile : null, vaultCredential: account.vaultCredential ?? null, region: account.region }
    : { provider: 'azure', subscriptionId: account.subscriptionId, tenantId: account.tenantId ?? null };
}

/**
 * One string per account, for caches: the same credentials and region (AWS) or the same
 * subscription and directory (Azure) are the same account. A vault key wins over a profile,
 * as the provider does.
 */
export function accountKey(account: CloudAccount): string {
  if (account.provider === 'aws') {
    const who = account.vaultCredential !== undefined ? `vault:${account.vaultCredential}` : `profile:${account.profile ?? ''}`;
    return `aws|${who}|${account.region}`;
  }
  return `azure|${account.subscriptionId.toLowerCase()}|${account.tenantId?.toLowerCase() ?? ''}`;
}

/**
 * Where a machine is, whatever credentials reach it: AWS region and instance id; Azure
 * subscription, resource group and VM name (Azure compares names without case). Two
 * accounts that reach the same machine (a profile and a vault key of one AWS account) see
 * it under one identity.
 */
export function machineKey(account: CloudAccount, machineId: string): string {
  return account.provider === 'aws' ? `aws|${account.region}|${machineId}` : `azure|${account.subscriptionId.toLowerCase()}|${machineId.toLowerCase()}`;
}

/** The machine key of a saved host's link. */
export function linkMachineKey(link: CloudLink): string {
  return link.provider === 'aws' ? `aws|${link.region}|${link.instanceId}` : `azure|${link.subscriptionId.toLowerCase()}|${`${link.resourceGroup}/${link.vmName}`.toLowerCase()}`;
}

/** The saved hosts that are this machine, by name. */
export function hostsLinkedTo(profiles: readonly Profile[], account: CloudAccount, machineId: string): string[] {
  const key = machineKey(account, machineId);
  return profiles.filter((profile) => profile.cloud !== undefined && linkMachineKey(profile.cloud) === key).map((profile) => profile.name);
}

export interface MachineExtras {
  readonly hosts: readonly string[];
  readonly startedByPorthole: boolean;
  readonly busy: 'starting' | 'stopping' | null;
}

/** A machine as the Cloud screen lists it: with its price estimate and what Porthole knows of it. */
export function machineView(machine: CloudMachine, extras: MachineExtras): CloudMachineView {
  return {
    provider: machine.provider,
    id: machine.id,
    name: machine.name,
    state: machine.state,
    rawState: machine.rawState,
    billsCompute: billsCompute(machine.state, machine.provider),
    instanceType: machine.instanceType,
    region: machine.region,
    publicIp: machine.publicIp,
    publicDns: machine.publicDns,
    privateIp: machine.privateIp,
    keyName: machine.keyName,
    defaultUser: machine.defaultUser,
    image: machine.image,
    knownImage: machine.knownImage,
    platform: machine.platform,
    launchedAt: machine.launchedAt,
    price: priceEstimate(machine.provider, machine.region, machine.instanceType),
    hosts: [...extras.hosts],
    startedByPorthole: extras.startedByPorthole,
    busy: extras.busy,
  };
}

/** A state in which the machine still runs (and bills) as far as "Porthole started it" goes. */
export function stillRuns(machine: Pick<CloudMachine, 'state'>): boolean {
  return machine.state === 'pending' || machine.state === 'running' || machine.state === 'unknown';
}
