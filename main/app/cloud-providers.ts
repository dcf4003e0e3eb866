/**
 * The desktop's cloud providers, one per account for the life of the app, shared by the
 * Cloud screen and every session: one AWS client per profile/key and region, and one Azure
 * sign-in per directory (tenant), so the user signs in to Azure once, not once per VM or per
 * screen. An Azure sign-in that needs the user (no `az login`) shows as a prompt
 * (azure-sign-in-prompt.ts).
 */
import type { TokenCredential } from '@azure/identity';
import { createProvider, loadAzure, type CloudAccount, type CloudProvider } from '../cloud';
import type { AwsProviderDeps } from '../cloud/aws/aws-provider';
import type { AzureSignIn, AzureSignInOptions } from '../cloud/azure/credentials';
import type { AzureSubscription } from '../cloud/azure/subscriptions';
import type { SecretStore } from '../secrets';
import { accountKey } from './cloud-accounts';
import { AzureSignInPrompt } from './azure-sign-in-prompt';
import type { PromptBroker } from './prompt-broker';

/** How the desktop reaches the clouds; the defaults are the real ones, tests point them at the stand-ins. */
export interface CloudOptions {
  readonly aws?: Omit<AwsProviderDeps, 'secrets'>;
  readonly azure?: {
    /** Azure Resource Manager's base URL (default: PORTHOLE_AZURE_ARM_ENDPOINT, else Azure's public cloud). */
    readonly armEndpoint?: string;
    readonly pollIntervalMs?: number;
    /** The credential behind each sign-in method (default: @azure/identity's). */
    readonly credentialFor?: AzureSignInOptions['credentialFor'];
    /** Whether a browser can open here (default: guessed from the platform and DISPLAY). */
    readonly browserAvailable?: boolean;
  };
}

export interface CloudProvidersDeps {
  readonly vault: () => Promise<SecretStore>;
  readonly broker: PromptBroker;
  readonly options?: CloudOptions;
}

interface TenantSignIn {
  readonly signIn: AzureSignIn;
  /** What providers get: the sign-in, with its prompt closed whenever it ends. */
  readonly credential: TokenCredential;
}

export class CloudProviders {
  private readonly providers = new Map<string, Promise<CloudProvider>>();
  private readonly signIns = new Map<string, Promise<TenantSignIn>>();

  constructor(private readonly deps: CloudProvidersDeps) {}

  /** The provider of `account`, built on first use and kept (a failed build is not kept). */
  provider(account: CloudAccount): Promise<CloudProvider> {
    const key = accountKey(account);
    let provider = this.providers.get(key);
    if (provider === undefined) {
      provider = this.build(account);
      this.providers.set(key, provider);
      provider.catch(() => {
        if (this.providers.get(key) === provider) this.providers.delete(key);
      });
    }
    return provider;
  }

  /** AWS access keys kept under `name` changed or went: providers that read them are built afresh. */
  forgetVaultCredential(name: string): void {
    for (const key of [...this.providers.keys()]) if (key.startsWith(`aws|vault:${name}|`)) this.providers.delete(key);
  }

  /**
   * The subscriptions the Azure account sees. `interactive`: the user asked, so a missing
   * `az login` leads to a sign-in in the browser or with a device code; otherwise only an
   * existing sign-in (the Azure CLI's, or one done earlier in this run) is used.
   */
  async azureSubscriptions(interactive: boolean, tenantId?: string): Promise<AzureSubscription[]> {
    const azure = await loadAzure();
    const shared = await this.tenantSignIn(tenantId);
    const credential =
      interactive || shared.signIn.signedInWith !== null
        ? shared.credential
        : new azure.AzureSignIn({ ...(tenantId === undefined ? {} : { tenantId }), ...this.credentialOptions(), interactive: false });
    return azure.listAzureSubscriptions({ credential, ...this.armOptions(), ...(tenantId === undefined ? {} : { tenantId }) });
  }

  private async build(account: CloudAccount): Promise<CloudProvider> {
    const options = this.deps.options ?? {};
    if (account.provider === 'aws') return createProvider(account, { vault: this.deps.vault, ...(options.aws ? { aws: options.aws } : {}) });
    const { credential } = await this.tenantSignIn(account.tenantId);
    return createProvider(account, {
      azure: { credential, ...this.armOptions(), ...(options.azure?.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.azure.pollIntervalMs }) },
    });
  }

  private tenantSignIn(tenantId: string | undefined): Promise<TenantSignIn> {
    const key = tenantId?.toLowerCase() ?? '';
    let signIn = this.signIns.get(key);
    if (signIn === undefined) {
      signIn = loadAzure().then((azure) => {
        // Built before the sign-in it cancels; the sign-in exists before any step is shown.
        const prompt: AzureSignInPrompt = new AzureSignInPrompt(this.deps.broker, () => made.cancel());
        const made: AzureSignIn = new azure.AzureSignIn({
          ...(tenantId === undefined ? {} : { tenantId }),
          ...this.credentialOptions(),
          // The desktop has a person in front of it: without `az login`, it may ask them to sign in.
          interactive: true,
          onSignIn: (step) => prompt.step(step),
        });
        const credential: TokenCredential = {
          getToken: async (scopes, options) => {
            try {
              return await made.getToken(scopes, options);
            } finally {
              // Failed or cancelled as well as signed in: the prompt has nothing left to wait for.
              if (!made.signingIn) prompt.close();
            }
          },
        };
        return { signIn: made, credential };
      });
      this.signIns.set(key, signIn);
    }
    return signIn;
  }

  private credentialOptions(): Pick<AzureSignInOptions, 'credentialFor' | 'browserAvailable'> {
    const azure = this.deps.options?.azure;
    return {
      ...(azure?.credentialFor === undefined ? {} : { credentialFor: azure.credentialFor }),
      ...(azure?.browserAvailable === undefined ? {} : { browserAvailable: azure.browserAvailable }),
    };
  }

  private armOptions(): { armEndpoint?: string } {
    const endpoint = this.deps.options?.azure?.armEndpoint;
    return endpoint === undefined ? {} : { armEndpoint: endpoint };
  }
}
