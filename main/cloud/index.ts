/**
 * main/cloud: one CloudProvider interface (provider.ts), its AWS and Azure implementations,
 * the bundled price table and the host-key alias of a machine. `createProvider` is the one
 * way in: it builds the provider for an account, whichever cloud that is.
 */
import type { SecretStore } from '../secrets';
import type * as Aws from './aws';
import type { AwsProviderDeps } from './aws';
import type * as Azure from './azure';
import type { AzureProviderDeps } from './azure';
import type { CloudAccount, CloudProvider } from './provider';

export * from './provider';
export { hostKeyAlias, hostKeyAliasOf } from './host-key-alias';
export { priceEstimate, runningCost, PRICES_AS_OF, type PriceEstimate } from './prices';

/** What a provider may need from the rest of Porthole; never a credential itself. */
export interface CloudProviderDeps {
  /** Porthole's vault, for AWS access keys kept there (opened only when an account names one). */
  readonly vault?: () => Promise<SecretStore>;
  /** AWS: retries, page size, poll pace, a shared AMI catalogue. */
  readonly aws?: Omit<AwsProviderDeps, 'secrets'>;
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
      return (await loadAws()).createAwsProvider(account, { ...deps.aws, ...(deps.vault ? { secrets: deps.vault } : {}) });
  }
}

/**
 * A cloud's module, loaded on first use (each SDK takes seconds to load). Bundled (the app)
 * or under Vitest the namespace carries the named exports; the checkout's CommonJS runner
 * (bin/porthole.js, tsx) hands the module over as `default`.
 */
function namedExports<M extends object>(loaded: M & { readonly default?: M }, probe: keyof M): M {
  return typeof loaded[probe] === 'function' ? loaded : (loaded.default ?? loaded);
}

async function loadAws(): Promise<typeof Aws> {
  return namedExports(await import('./aws'), 'createAwsProvider');
}

/** The Azure module (sign-in, subscriptions), loaded on first use like the providers. */
export async function loadAzure(): Promise<typeof Azure> {
  return namedExports(await import('./azure'), 'createAzureProvider');
}
