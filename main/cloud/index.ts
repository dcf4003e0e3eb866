/**
 * main/cloud: one CloudProvider interface (provider.ts), its AWS and Azure implementations,
 * the bundled price table and the host-key alias of a machine. `createProvider` is the one
 * way in: it builds the provider for an account, whichever cloud that is.
 */
import { PortholeError } from '../shared/errors';
import type { Vault } from '../secrets';
import type { CloudAccount, CloudProvider, CloudProviderId } from './provider';

export * from './provider';
export { hostKeyAlias, hostKeyAliasOf } from './host-key-alias';
export { priceEstimate, runningCost, PRICES_AS_OF, type PriceEstimate } from './prices';

/** What a provider may need from the rest of Porthole; never a credential itself. */
export interface CloudProviderDeps {
  /** Porthole's vault, for AWS access keys kept there (opened only when an account names one). */
  readonly vault?: () => Promise<Vault>;
  /** The environment the SDKs read (AWS_PROFILE, AWS_ENDPOINT_URL_EC2, ...); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

type Factory = (account: CloudAccount, deps: CloudProviderDeps) => Promise<CloudProvider>;

/** Each cloud's factory; a cloud built without its SDK has none, and says so. */
const FACTORIES: Partial<Record<CloudProviderId, Factory>> = {};

/** The provider for `account`: AWS with its profile/vault credential and region, Azure with its subscription. */
export async function createProvider(account: CloudAccount, deps: CloudProviderDeps = {}): Promise<CloudProvider> {
  const factory = FACTORIES[account.provider];
  if (factory === undefined) {
    throw new PortholeError({
      code: 'cloud.provider-unavailable',
      message: `This Porthole cannot reach ${account.provider === 'aws' ? 'AWS' : 'Azure'}.`,
      hint: 'Use a Porthole build that includes this cloud.',
      retryable: false,
    });
  }
  return factory(account, deps);
}
