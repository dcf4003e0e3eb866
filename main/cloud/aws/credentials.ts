/**
 * Where an AWS account's credentials come from, the way the AWS CLI finds them:
 *  - an access key kept in Porthole's vault (`vaultCredential`);
 *  - a named profile of ~/.aws/config and ~/.aws/credentials: access keys, SSO (the token
 *    `aws sso login` cached), an assumed role, a credential_process;
 *  - no profile: the CLI's default chain (AWS_ACCESS_KEY_ID/… in the environment, then
 *    AWS_PROFILE or `default`, then container/instance roles).
 * The SDK's own providers do the work; this only picks one and says clearly when the
 * chosen profile does not exist.
 */
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { PortholeError } from '../../shared/errors';
import type { SecretStore } from '../../secrets';
import type { CloudAccount } from '../provider';
import { listAwsProfiles } from './profiles';
import { readAwsAccessKey } from './vault-credentials';

export type AwsAccount = Extract<CloudAccount, { provider: 'aws' }>;

/** What the EC2 client takes as `credentials` (the SDK's own provider type). */
export type AwsCredentialProvider = ReturnType<typeof fromIni>;

export interface AwsCredentialDeps {
  /** The vault, or how to open it on first need; only accounts with `vaultCredential` use it. */
  readonly secrets?: SecretStore | (() => Promise<SecretStore>);
}

export function credentialProviderFor(account: AwsAccount, deps: AwsCredentialDeps = {}): AwsCredentialProvider {
  if (account.vaultCredential !== undefined) {
    const name = account.vaultCredential;
    return async () => {
      const secrets = deps.secrets;
      if (secrets === undefined) throw new PortholeError({ code: 'aws.credentials-missing', message: `The access key “${name}” is kept in Porthole’s vault, which is not open here.`, hint: 'Open Porthole’s vault first (this is a bug if you see it in the app).', retryable: false });
      const key = await readAwsAccessKey(typeof secrets === 'function' ? await secrets() : secrets, name);
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, ...(key.sessionToken !== undefined ? { sessionToken: key.sessionToken } : {}) };
    };
  }
  // ignoreCache: the app lives for days, and `aws configure` / `aws sso login` change the files meanwhile.
  if (account.profile === null) return fromNodeProviderChain({ ignoreCache: true });
  const profile = account.profile;
  const fromProfile = fromIni({ profile, ignoreCache: true });
  return async (identityProperties) => {
    const listing = await listAwsProfiles();
    if (!listing.profiles.some((p) => p.name === profile)) {
      throw new PortholeError({
        code: 'aws.profile-not-found',
        message: `There is no AWS profile named ${profile} in ${listing.configFile} or ${listing.credentialsFile}.`,
        hint: 'Run `aws configure list-profiles` to see yours, or `aws configure --profile NAME` (or `aws configure sso`) to make one.',
        retryable: false,
      });
    }
    return fromProfile(identityProperties);
  };
}
