/**
 * The AWS CLI's profiles, for the account picker: every profile of ~/.aws/config and
 * ~/.aws/credentials (AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE move them), how each
 * gets its credentials, and its default region. Read with the SDK's own parser, so Porthole
 * sees exactly the profiles the SDK will later use. Never returns a secret.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';

/** How a profile gets its credentials (what the picker shows next to it). */
export type AwsProfileKind = 'access-key' | 'sso' | 'assume-role' | 'process' | 'web-identity' | 'console-login' | 'none';

export interface AwsProfileInfo {
  readonly name: string;
  readonly kind: AwsProfileKind;
  /** The profile's `region`, or null. */
  readonly region: string | null;
  /** SSO profiles: the sso-session or start URL they log in with (for "run aws sso login"). */
  readonly ssoSession: string | null;
}

export interface AwsProfileListing {
  /** Sorted by name, `default` first. */
  readonly profiles: readonly AwsProfileInfo[];
  /** What the default chain reads when no profile is chosen: AWS_PROFILE, else `default`. */
  readonly defaultProfile: string;
  /** AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set (the default chain uses them first). */
  readonly environmentCredentials: boolean;
  /** AWS_REGION, else AWS_DEFAULT_REGION, else the default profile's region. */
  readonly defaultRegion: string | null;
  readonly configFile: string;
  readonly credentialsFile: string;
}

/** Where the SDK and the AWS CLI look, given an environment (the process's by default). */
export function awsConfigPaths(env: NodeJS.ProcessEnv = process.env): { configFile: string; credentialsFile: string } {
  const home = env['HOME'] || env['USERPROFILE'] || homedir();
  return {
    configFile: env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config'),
    credentialsFile: env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials'),
  };
}

export async function listAwsProfiles(env: NodeJS.ProcessEnv = process.env): Promise<AwsProfileListing> {
  const { configFile, credentialsFile } = awsConfigPaths(env);
  // ignoreCache: the app runs for days; a profile added with `aws configure` must show up.
  const files = await loadSharedConfigFiles({ configFilepath: configFile, filepath: credentialsFile, ignoreCache: true });
  const merged = new Map<string, Record<string, string | undefined>>();
  for (const [key, values] of Object.entries(files.configFile)) {
    // The parser keeps [sso-session x] and [services x] sections under a prefixed key.
    if (key.startsWith('sso-session.') || key.startsWith('services.')) continue;
    merged.set(key, { ...values });
  }
  for (const [key, values] of Object.entries(files.credentialsFile)) merged.set(key, { ...merged.get(key), ...values });

  const profiles = [...merged.entries()].map(([name, values]) => describeProfile(name, values));
  profiles.sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));
  const defaultProfile = env['AWS_PROFILE'] || 'default';
  return {
    profiles,
    defaultProfile,
    environmentCredentials: Boolean(env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']),
    defaultRegion: env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || profiles.find((p) => p.name === defaultProfile)?.region || null,
    configFile,
    credentialsFile,
  };
}

function describeProfile(name: string, values: Record<string, string | undefined>): AwsProfileInfo {
  return { name, kind: profileKind(values), region: values['region'] || null, ssoSession: values['sso_session'] || values['sso_start_url'] || null };
}

/** In the order the SDK's ini provider checks them. */
function profileKind(values: Record<string, string | undefined>): AwsProfileKind {
  if (values['role_arn'] && values['web_identity_token_file']) return 'web-identity';
  if (values['role_arn']) return 'assume-role';
  if (values['sso_session'] || values['sso_start_url'] || values['sso_account_id']) return 'sso';
  if (values['aws_access_key_id'] && values['aws_secret_access_key']) return 'access-key';
  if (values['credential_process']) return 'process';
  if (values['login_session']) return 'console-login';
  return 'none';
}
