/**
 * AWS CLI files for tests, under a test's own HOME: ~/.aws/config and ~/.aws/credentials,
 * and an SSO profile whose cached login has expired, as `aws sso login` leaves it
 * (~/.aws/sso/cache/<sha1 of the sso-session name>.json) once its token ran out.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeAwsFiles(home: string, config: readonly string[], credentials: readonly string[] = []): void {
  mkdirSync(join(home, '.aws'), { recursive: true });
  writeFileSync(join(home, '.aws', 'config'), `${config.join('\n')}\n`);
  writeFileSync(join(home, '.aws', 'credentials'), `${credentials.join('\n')}\n`);
}

/** Config lines of an SSO profile using an `[sso-session]`, as `aws configure sso` writes them. */
export function ssoProfileLines(profile: string, session: string): string[] {
  return [
    `[profile ${profile}]`,
    `sso_session = ${session}`,
    'sso_account_id = 123456789012',
    'sso_role_name = Student',
    'region = eu-central-1',
    `[sso-session ${session}]`,
    `sso_start_url = https://${session}.awsapps.com/start`,
    'sso_region = eu-central-1',
    'sso_registration_scopes = sso:account:access',
  ];
}

/** The token cache of an SSO session whose login expired (and cannot be refreshed: no client registration). */
export function writeExpiredSsoToken(home: string, session: string): void {
  const cache = join(home, '.aws', 'sso', 'cache');
  mkdirSync(cache, { recursive: true });
  writeFileSync(
    join(cache, `${createHash('sha1').update(session).digest('hex')}.json`),
    JSON.stringify({ startUrl: `https://${session}.awsapps.com/start`, region: 'eu-central-1', accessToken: 'expired-token', expiresAt: '2024-01-01T00:00:00Z' }),
  );
}
