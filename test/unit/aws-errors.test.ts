/** The AWS classifier against errors recorded from the real SDK (test/fixtures/record-aws-errors.ts). */
import { describe, expect, it } from 'vitest';
import { classifyAwsError, type AwsErrorContext } from '../../main/cloud/aws/errors';
import { PortholeError } from '../../main/shared/errors';
import recorded from '../fixtures/aws-errors.json';

const profile: AwsErrorContext = { operation: 'StartInstances', region: 'eu-central-1', profile: 'course', instanceId: 'i-0123456789abcdef0' };
const vault: AwsErrorContext = { operation: 'DescribeInstances', region: 'eu-central-1', profile: null, vaultCredential: 'lab-key' };
const chain: AwsErrorContext = { operation: 'DescribeInstances', region: 'us-east-1', profile: null, defaultProfile: 'work' };
const fixture = (name: keyof typeof recorded) => Object.assign(new Error(), recorded[name]);

describe('classifyAwsError on recorded SDK errors', () => {
  it.each([
    ['throttled', 'aws.throttled', true],
    ['auth-failure', 'aws.credentials-invalid', false],
    ['request-expired', 'aws.credentials-expired', false],
    ['expired-token', 'aws.credentials-expired', false],
    ['incorrect-state', 'aws.incorrect-state', true],
    ['unauthorized', 'aws.unauthorized', false],
    ['not-found', 'cloud.machine-not-found', false],
    ['malformed-id', 'cloud.machine-not-found', false],
    ['insufficient-capacity', 'aws.insufficient-capacity', true],
    ['opt-in-required', 'aws.region-not-enabled', false],
    ['internal-error', 'aws.service-error', true],
    ['connection-refused', 'aws.unreachable', true],
    ['sso-expired-legacy', 'aws.sso-expired', false],
    ['sso-expired-session', 'aws.sso-expired', false],
    ['sso-never-logged-in', 'aws.sso-expired', false],
    ['mfa-required', 'aws.mfa-required', false],
    ['profile-without-credentials', 'aws.credentials-missing', false],
    ['no-credentials', 'aws.credentials-missing', false],
  ] as const)('%s -> %s', (name, code, retryable) => {
    const error = classifyAwsError(fixture(name), profile);
    expect(error).toBeInstanceOf(PortholeError);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.message.length).toBeGreaterThan(10);
    expect(error.hint?.length ?? 0).toBeGreaterThan(10);
    expect(error.message + error.hint).not.toMatch(/Encoded authorization failure message|\n\s+at /);
  });

  it('names the IAM action and the identity that lacks it, without the encoded blob', () => {
    const error = classifyAwsError(fixture('unauthorized'), profile);
    expect(error.message).toBe('The credentials of AWS profile course may not do ec2:StartInstances on i-0123456789abcdef0 in eu-central-1.');
    expect(error.hint).toContain('allow ec2:StartInstances for arn:aws:iam::123456789012:user/student');
  });

  it('falls back to ec2:<operation> when AWS does not say which action was refused', () => {
    const error = classifyAwsError(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } }), vault);
    expect(error.message).toContain('ec2:DescribeInstances');
    expect(error.message).toMatch(/^The access key “lab-key” kept in Porthole may not/);
  });

  it('tells an SSO user the exact login command, for the chosen profile or the default one', () => {
    expect(classifyAwsError(fixture('sso-expired-session'), profile).hint).toBe('Run `aws sso login --profile course`, then try again.');
    expect(classifyAwsError(fixture('sso-never-logged-in'), chain).hint).toBe('Run `aws sso login --profile work`, then try again.');
  });

  it('says how to refresh expired credentials for each source', () => {
    expect(classifyAwsError(fixture('expired-token'), vault).hint).toContain('porthole aws credentials add lab-key');
    expect(classifyAwsError(fixture('expired-token'), profile).hint).toContain('aws sso login --profile course');
    expect(classifyAwsError(fixture('request-expired'), chain).message).toContain('clock');
    expect(classifyAwsError(fixture('request-expired'), chain).hint).toContain('AWS_SESSION_TOKEN');
  });

  it('without a profile, "no credentials" points at aws configure and at the vault', () => {
    const error = classifyAwsError(fixture('no-credentials'), chain);
    expect(error.message).toContain('no AWS_ACCESS_KEY_ID');
    expect(error.hint).toContain('aws configure');
    expect(error.hint).toContain('porthole aws credentials add');
  });

  it('turns an abort into cloud.cancelled and passes Porthole errors through unchanged', () => {
    const abort = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    expect(classifyAwsError(abort, profile).code).toBe('cloud.cancelled');
    const own = new PortholeError({ code: 'aws.profile-not-found', message: 'm', hint: 'h', retryable: false });
    expect(classifyAwsError(own, profile)).toBe(own);
  });

  it('still gives a message and a hint for things it does not know', () => {
    for (const thing of ['weird', null, { name: 'SomethingNew', message: 'Odd.', $metadata: { httpStatusCode: 400 } }]) {
      const error = classifyAwsError(thing, profile);
      expect(error.code).toBe('aws.request-failed');
      expect(error.hint).toBeTruthy();
    }
  });
});
