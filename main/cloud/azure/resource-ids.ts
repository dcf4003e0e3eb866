/**
 * Azure names things by ARM resource id (`/subscriptions/S/resourceGroups/RG/providers/
 * Microsoft.Network/networkInterfaces/NIC`); Porthole names a VM `resourceGroup/vmName`,
 * the two parts a user sees in the portal. Pure parsing, no SDK.
 */
import { PortholeError } from '../../shared/errors';

export interface ResourceId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** `Microsoft.Network/networkInterfaces` */
  readonly type: string;
  readonly name: string;
}

/**
 * Reads an ARM resource id; null when it is not one. ARM treats the segment names
 * (`resourceGroups`, `providers`) case-insensitively and so does this.
 */
export function parseResourceId(id: string | undefined | null): ResourceId | null {
  if (!id) return null;
  const parts = id.split('/');
  if (parts[0] !== '' || parts.length < 9) return null;
  const [, subscriptions, subscriptionId, resourceGroups, resourceGroup, providers, namespace, type, name] = parts;
  if (subscriptions?.toLowerCase() !== 'subscriptions' || resourceGroups?.toLowerCase() !== 'resourcegroups' || providers?.toLowerCase() !== 'providers') return null;
  if (!subscriptionId || !resourceGroup || !namespace || !type || !name) return null;
  return { subscriptionId, resourceGroup, type: `${namespace}/${type}`, name: decodeURIComponent(name) };
}

export interface MachineRef {
  readonly resourceGroup: string;
  readonly vmName: string;
}

/** Resource group names: letters, digits, `_ - . ( )`, not ending in `.`; VM names: letters, digits, `_ - .`. */
const RESOURCE_GROUP = /^[\p{L}\p{N}_\-.()]{1,90}$/u;
const VM_NAME = /^[A-Za-z0-9_\-.]{1,64}$/;

/** `resourceGroup/vmName` -> its parts, or `azure.invalid-vm-id` saying how to write it. */
export function parseMachineId(id: string): MachineRef {
  const parts = id.trim().split('/');
  const [resourceGroup, vmName] = parts;
  if (parts.length === 2 && resourceGroup && vmName && RESOURCE_GROUP.test(resourceGroup) && !resourceGroup.endsWith('.') && VM_NAME.test(vmName)) {
    return { resourceGroup, vmName };
  }
  throw new PortholeError({
    code: 'azure.invalid-vm-id',
    message: `"${id}" is not an Azure VM as Porthole names them.`,
    hint: 'Write the VM as RESOURCE-GROUP/VM-NAME, for example course-rg/gpu-01 (`porthole azure vms` lists them).',
    retryable: false,
  });
}

export function machineIdOf(resourceGroup: string, vmName: string): string {
  return `${resourceGroup}/${vmName}`;
}

/** ARM ids compare case-insensitively (ARM echoes back whatever casing a resource was created with). */
export function sameResourceId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
