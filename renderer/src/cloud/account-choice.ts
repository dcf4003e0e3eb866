/**
 * The AWS account picker's choices, made from what cloud:accounts reports: the AWS CLI's
 * profiles, the environment's keys, and access keys kept in Porthole's vault. Each choice
 * is where to find a credential, never the credential. Pure, unit-tested.
 */
import type { CloudAccountsView, CloudAccountView } from '../../../main/ipc/contract';

type AwsAccounts = CloudAccountsView['aws'];
export type AwsAccount = Extract<CloudAccountView, { provider: 'aws' }>;

export interface CredentialOption {
  /** `env`, `profile:NAME` or `vault:NAME`. */
  readonly id: string;
  readonly label: string;
  readonly profile: string | null;
  readonly vaultCredential: string | null;
  /** The region this credential suggests (the profile's own), if any. */
  readonly region: string | null;
}

const PROFILE_KINDS: Readonly<Record<string, string>> = {
  'access-key': 'access key',
  sso: 'SSO',
  'assume-role': 'assumes a role',
  process: 'credential process',
  'web-identity': 'web identity',
  'console-login': 'console sign-in',
  none: 'no credentials in it',
};

export function awsCredentialOptions(aws: AwsAccounts): CredentialOption[] {
  return [
    ...(aws.environmentCredentials ? [{ id: 'env', label: 'Environment variables (AWS_ACCESS_KEY_ID)', profile: null, vaultCredential: null, region: aws.defaultRegion }] : []),
    ...aws.profiles.map((p) => ({ id: `profile:${p.name}`, label: `Profile “${p.name}” (${PROFILE_KINDS[p.kind] ?? p.kind})`, profile: p.name, vaultCredential: null, region: p.region })),
    ...aws.vaultCredentials.map((c) => ({ id: `vault:${c.name}`, label: `Access key “${c.name}” (${c.accessKeyId}), kept by Porthole`, profile: null, vaultCredential: c.name, region: null })),
  ];
}

export function hasAwsCredentials(aws: AwsAccounts): boolean {
  return awsCredentialOptions(aws).length > 0;
}

export function optionIdOf(account: AwsAccount): string {
  if (account.vaultCredential !== null) return `vault:${account.vaultCredential}`;
  if (account.profile !== null) return `profile:${account.profile}`;
  return 'env';
}

/**
 * The account to show first: the one shown last (if its credential is still there), else
 * what the AWS CLI would use (the environment's keys, then the default profile), else the
 * first profile or vault key. The region: the one chosen before, the credential's own, the
 * default, or the first known.
 */
export function initialAwsAccount(aws: AwsAccounts, previous: AwsAccount | null): AwsAccount | null {
  const options = awsCredentialOptions(aws);
  const kept = previous === null ? undefined : options.find((o) => o.id === optionIdOf(previous));
  const option = kept ?? options.find((o) => o.id === 'env') ?? options.find((o) => o.profile !== null && o.profile === aws.defaultProfile) ?? options[0];
  if (option === undefined) return null;
  const region = (kept !== undefined ? previous?.region : undefined) ?? option.region ?? aws.defaultRegion ?? aws.regions[0]?.id ?? 'us-east-1';
  return { provider: 'aws', profile: option.profile, vaultCredential: option.vaultCredential, region };
}

/** The account after the user picked another credential: its region follows the profile's own, if it has one. */
export function withCredential(aws: AwsAccounts, account: AwsAccount, optionId: string): AwsAccount {
  const option = awsCredentialOptions(aws).find((o) => o.id === optionId);
  if (option === undefined) return account;
  return { provider: 'aws', profile: option.profile, vaultCredential: option.vaultCredential, region: option.region ?? account.region };
}

/** "profile default", "access key “course”", "the environment’s access key": for sentences. */
export function describeAwsCredential(account: AwsAccount): string {
  if (account.vaultCredential !== null) return `access key “${account.vaultCredential}”`;
  if (account.profile !== null) return `profile “${account.profile}”`;
  return 'the environment’s access key';
}

/** Two account views name the same account (events carry the account they are about). */
export function sameAccount(a: CloudAccountView, b: CloudAccountView): boolean {
  if (a.provider === 'aws' && b.provider === 'aws') return a.profile === b.profile && a.vaultCredential === b.vaultCredential && a.region === b.region;
  if (a.provider === 'azure' && b.provider === 'azure') return a.subscriptionId === b.subscriptionId;
  return false;
}

/** What an AWS access key id looks like (AKIA… long-term, ASIA… temporary): 20 capitals and digits. */
export function accessKeyIdProblem(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return 'Paste the access key ID, like AKIAIOSFODNN7EXAMPLE.';
  if (!/^[A-Z0-9]{16,128}$/.test(value)) return 'An access key ID has only capital letters and digits, like AKIAIOSFODNN7EXAMPLE.';
  if (!/^(AKIA|ASIA)/.test(value)) return 'An access key ID starts with AKIA (or ASIA for temporary keys). Check that you pasted the ID, not the secret.';
  return undefined;
}

export function secretAccessKeyProblem(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return 'Paste the secret access key (shown once, when the key was made).';
  if (/\s/.test(value)) return 'A secret access key has no spaces.';
  if (value.length < 30) return 'That is too short for a secret access key (they are 40 characters).';
  return undefined;
}

export function temporaryKey(accessKeyId: string): boolean {
  return accessKeyId.trim().startsWith('ASIA');
}
