/**
 * The subscriptions the signed-in account can see, for the account picker (Cloud screen,
 * `porthole azure subscriptions`). Uses @azure/arm-resources-subscriptions.
 */
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import type { CloudCallOptions } from '../provider';
import { classifyAzureError } from './errors';
import { clientOptions, credentialOf, type AzureClientDeps } from './provider';

export interface AzureSubscription {
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly tenantId: string | null;
  /** Enabled, Warned, PastDue, Disabled or Deleted: only Enabled ones can start VMs. */
  readonly state: string;
}

export async function listAzureSubscriptions(deps: AzureClientDeps & { readonly tenantId?: string } = {}, options: CloudCallOptions = {}): Promise<AzureSubscription[]> {
  const client = new SubscriptionClient(credentialOf(deps, deps.tenantId), clientOptions(deps));
  try {
    const found: AzureSubscription[] = [];
    for await (const subscription of client.subscriptions.list({ abortSignal: options.signal })) {
      if (!subscription.subscriptionId) continue;
      found.push({
        subscriptionId: subscription.subscriptionId,
        displayName: subscription.displayName ?? subscription.subscriptionId,
        tenantId: subscription.tenantId ?? null,
        state: subscription.state ?? 'Unknown',
      });
    }
    return found.sort((a, b) => a.displayName.localeCompare(b.displayName));
  } catch (error) {
    throw classifyAzureError(error, { doing: 'list your Azure subscriptions' });
  }
}
