/**
 * What ARM says about a VM (the model, its instance view statuses, its primary NIC and that
 * NIC's public IP) -> a `CloudMachine`. Pure: the provider does the calls, this only reads.
 */
import type { ImageReference, InstanceViewStatus, VirtualMachine } from '@azure/arm-compute';
import type { NetworkInterface, PublicIPAddress } from '@azure/arm-network';
import type { CloudMachine, KnownImage, MachineState } from '../provider';
import { machineIdOf, parseResourceId } from './resource-ids';

export interface VmFacts {
  readonly vm: VirtualMachine;
  /** The instance view statuses: from `$expand=instanceView`, or from the `statusOnly=true` listing. */
  readonly statuses: readonly InstanceViewStatus[] | undefined;
  readonly nic: NetworkInterface | undefined;
  readonly publicIp: PublicIPAddress | undefined;
}

/**
 * Azure's power states (`PowerState/<word>` in the instance view) in the shared words.
 * Hibernation deallocates the VM, so it bills like deallocated.
 */
const POWER_STATES: Readonly<Record<string, MachineState>> = {
  starting: 'pending',
  running: 'running',
  stopping: 'stopping',
  stopped: 'stopped',
  deallocating: 'deallocating',
  deallocated: 'deallocated',
  hibernating: 'deallocating',
  hibernated: 'deallocated',
  unknown: 'unknown',
};

export function powerStatusOf(statuses: readonly InstanceViewStatus[] | undefined): InstanceViewStatus | undefined {
  return statuses?.find((status) => status.code?.toLowerCase().startsWith('powerstate/'));
}

export function provisioningStatusOf(statuses: readonly InstanceViewStatus[] | undefined): InstanceViewStatus | undefined {
  return statuses?.find((status) => status.code?.toLowerCase().startsWith('provisioningstate/'));
}

export function machineStateOf(vm: VirtualMachine, statuses: readonly InstanceViewStatus[] | undefined): MachineState {
  // A VM being deleted keeps its last power state in the instance view until it is gone.
  if (vm.provisioningState?.toLowerCase() === 'deleting' || provisioningStatusOf(statuses)?.code?.toLowerCase() === 'provisioningstate/deleting') return 'terminating';
  const word = powerStatusOf(statuses)?.code?.slice('PowerState/'.length).toLowerCase();
  return (word !== undefined && POWER_STATES[word]) || 'unknown';
}

/**
 * Whether an operation (start, deallocate, ...) is still running on the VM: ARM shows
 * `ProvisioningState/updating` until it completes. Right after a start was accepted the
 * power state may still say "deallocated"; this tells a waiter not to give up yet.
 */
export function operationInProgress(statuses: readonly InstanceViewStatus[] | undefined): boolean {
  const code = provisioningStatusOf(statuses)?.code?.toLowerCase();
  return code === 'provisioningstate/updating' || code === 'provisioningstate/creating';
}

/** Tags compare case-insensitively, like the portal does. */
function tag(vm: VirtualMachine, name: string): string | undefined {
  const entry = Object.entries(vm.tags ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1];
}

/**
 * The images Porthole knows how to reach a notebook on. The Data Science VM is recognised
 * by its marketplace publisher; The Littlest JupyterHub is installed on a plain Ubuntu
 * image, so nothing in the image says so: a tag `jupyterhub=tljh` on the VM does.
 */
export function knownImageOf(vm: VirtualMachine): KnownImage {
  if (tag(vm, 'jupyterhub')?.toLowerCase() === 'tljh') return 'tljh';
  if (vm.storageProfile?.imageReference?.publisher?.toLowerCase() === 'microsoft-dsvm') return 'azure-dsvm';
  return null;
}

/** The image as Azure's own URN (`publisher:offer:sku`), or the custom image's name. */
export function describeImage(image: ImageReference | undefined): string | null {
  if (!image) return null;
  if (image.publisher && image.offer && image.sku) {
    const urn = `${image.publisher}:${image.offer}:${image.sku}`;
    return image.publisher.toLowerCase() === 'microsoft-dsvm' ? `Data Science Virtual Machine (${urn})` : urn;
  }
  // A managed image (…/images/NAME) or a gallery image version (…/images/NAME/versions/V).
  const custom = image.id ?? image.sharedGalleryImageId ?? image.communityGalleryImageId;
  if (!custom) return null;
  const parts = custom.split('/').filter(Boolean);
  const at = (segment: string) => {
    const index = parts.findIndex((part) => part.toLowerCase() === segment);
    return index >= 0 ? parts[index + 1] : undefined;
  };
  const name = at('images') ?? parts.at(-1) ?? custom;
  const version = at('versions');
  return `custom image ${name}${version ? ` ${version}` : ''}`;
}

/** The NIC the VM marks primary (or its only one), by id. */
export function primaryNicId(vm: VirtualMachine): string | undefined {
  const nics = vm.networkProfile?.networkInterfaces ?? [];
  return (nics.find((nic) => nic.primary) ?? nics[0])?.id;
}

/** The primary IP configuration of a NIC (or its first). */
export function primaryIpConfiguration(nic: NetworkInterface | undefined) {
  const configs = nic?.ipConfigurations ?? [];
  return configs.find((config) => config.primary) ?? configs[0];
}

export function toCloudMachine(facts: VmFacts, subscriptionId: string): CloudMachine {
  const { vm, statuses, nic, publicIp } = facts;
  const name = vm.name ?? '';
  const ref = parseResourceId(vm.id);
  const resourceGroup = ref?.resourceGroup ?? '';
  const power = powerStatusOf(statuses);
  const state = machineStateOf(vm, statuses);
  const ipConfig = primaryIpConfiguration(nic);
  const provisioned = provisioningStatusOf(statuses)?.time;
  const launched = provisioned ?? vm.timeCreated;
  const osType = vm.storageProfile?.osDisk?.osType ?? (vm.osProfile?.windowsConfiguration ? 'Windows' : 'Linux');
  return {
    provider: 'azure',
    id: machineIdOf(resourceGroup, name),
    uniqueId: vm.vmId ?? vm.id ?? machineIdOf(resourceGroup, name),
    name: name || machineIdOf(resourceGroup, name),
    state,
    rawState: power?.code ?? vm.provisioningState ?? 'unknown',
    instanceType: vm.hardwareProfile?.vmSize ?? 'unknown',
    region: vm.location ?? '',
    publicIp: publicIp?.ipAddress ?? null,
    publicDns: publicIp?.dnsSettings?.fqdn ?? null,
    privateIp: ipConfig?.privateIPAddress ?? null,
    privateDns: nic?.dnsSettings?.internalFqdn ?? null,
    keyName: null,
    defaultUser: vm.osProfile?.adminUsername ?? null,
    image: describeImage(vm.storageProfile?.imageReference),
    knownImage: knownImageOf(vm),
    platform: osType.toLowerCase() === 'windows' ? 'windows' : 'linux',
    launchedAt: launched instanceof Date && !Number.isNaN(launched.getTime()) ? launched.getTime() : null,
    resourceGroup: resourceGroup || null,
    subscriptionId: ref?.subscriptionId ?? subscriptionId,
  };
}
