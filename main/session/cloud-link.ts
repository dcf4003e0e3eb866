/**
 * A host profile's cloud link in the cloud's own terms: the account a provider is built
 * for, and the machine id its calls take. (Profiles know nothing of main/cloud, and the
 * cloud nothing of profiles; the session joins them.)
 */
import type { CloudAccount } from '../cloud/provider';
import type { CloudLink } from '../profiles';

/** Where a cloud host is right now, as a bring-up found it. */
export interface ResolvedAddress {
  readonly host: string;
  /** The name the machine's host key is filed under (per instance, not per IP). */
  readonly hostKeyAlias?: string;
}

export function accountOf(link: CloudLink): CloudAccount {
  if (link.provider === 'aws') {
    return { provider: 'aws', profile: link.profile ?? null, region: link.region, ...(link.vaultCredential === undefined ? {} : { vaultCredential: link.vaultCredential }) };
  }
  return { provider: 'azure', subscriptionId: link.subscriptionId, ...(link.tenantId === undefined ? {} : { tenantId: link.tenantId }) };
}

/** What CloudProvider.getMachine/start/stop take: AWS `i-…`; Azure `resourceGroup/vmName`. */
export function machineIdOf(link: CloudLink): string {
  return link.provider === 'aws' ? link.instanceId : `${link.resourceGroup}/${link.vmName}`;
}

/** In words: `AWS i-0abc… (eu-central-1)`, `Azure seminar/vm3`. */
export function describeLink(link: CloudLink): string {
  return link.provider === 'aws' ? `AWS ${link.instanceId} (${link.region})` : `Azure ${link.resourceGroup}/${link.vmName}`;
}
