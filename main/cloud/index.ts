/**
 * main/cloud: one CloudProvider interface (provider.ts), its AWS and Azure implementations,
 * the bundled price table and the host-key alias of a machine. `createProvider` is the one
 * way in: it builds the provider for an account, whichever cloud that is.
 */
import { PortholeError } from '../shared/errors';
import type { Vault } from '../secrets';
import type * as Azure from './azure';
import type { AzureProviderDeps } from './azure';
import type { CloudAccount, CloudProvider } from './provider';

export * from './provider';
export { hostKeyAlias, hostKeyAliasOf } from './host-key-alias';
export { priceEstimate, runningCost, PRICES_AS_OF, type PriceEstimate } from './prices';

/** What a provider may need from the rest of Porthole; never a credential itself. */
export interface CloudProviderDeps {
  /** Porthole's vault, for AWS access keys kept there (opened only when an account names one). */
  readonly vault?: () => Promise<Vault>;
  /** The environment the SDKs read (AWS_PROFILE, AWS_ENDPOINT_URL_EC2, ...); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Azure: one sign-in shared by every provider of a session (the user signs in once), poll pace. */
  readonly azure?: AzureProviderDeps;
}

/**
 * The provider for `account`: AWS with its profile/vault credential and region, Azure with
 * its subscription. Each cloud's SDK loads on first use, so a command that touches no
 * cloud does not pay for it.
 */
export async function createProvider(account: CloudAccount, deps: CloudProviderDeps = {}): Promise<CloudProvider> {
  switch (account.provider) {
    case 'azure':
      return (await loadAzure()).createAzureProvider(account, deps.azure ?? {});
    case 'aws':
      throw unavailable('AWS');
  }
}

type AzureModule = typeof Azure;

/**
 * The Azure module, loaded on first use. Bundled (the app) or under Vitest the namespace
 * carries the named exports; the checkout's CommonJS runner (bin/porthole.js, tsx) hands
 * the module over as `default`.
 */
async function loadAzure(): Promise<AzureModule> {
  const loaded = (await import('./azure')) as AzureModule & { readonly default?: AzureModule };
  return typeof loaded.createAzureProvider === 'function' ? loaded : loaded.default!;
}

function unavailable(cloud: string): PortholeError {
  return new PortholeError({ code: 'cloud.provider-unavailable', message: `This Porthole cannot reach ${cloud}.`, hint: 'Use a Porthole build that includes this cloud.', retryable: false });
}
