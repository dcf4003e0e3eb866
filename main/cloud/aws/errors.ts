/**
 * Turns what the AWS SDK throws into Porthole's errors: what failed in the user's words,
 * and the next step (which command to run, which permission to ask for). Pure: it reads
 * the error's name, message and HTTP status, never calls anything. The shapes it knows
 * are recorded from the real SDK in test/fixtures/aws-errors.json.
 *
 * Codes: aws.credentials-missing, aws.credentials-expired, aws.credentials-invalid,
 * aws.sso-expired, aws.mfa-required, aws.profile-not-found, aws.unauthorized,
 * aws.incorrect-state, aws.insufficient-capacity, aws.region-not-enabled,
 * aws.account-blocked, aws.throttled, aws.unreachable, aws.service-error,
 * aws.request-failed; and the ones every cloud shares: cloud.machine-not-found,
 * cloud.cancelled.
 */
import { PortholeError } from '../../shared/errors';

/** Where the call came from, so the message can name it. */
export interface AwsErrorContext {
  /** The EC2 action: DescribeInstances, StartInstances, ... */
  readonly operation: string;
  readonly region: string;
  /** The profile used; null for the default chain (environment, AWS_PROFILE, `default`). */
  readonly profile: string | null;
  /** The profile the default chain reads when `profile` is null (AWS_PROFILE, else `default`). */
  readonly defaultProfile?: string;
  /** Set when the credentials are an access key kept in Porthole's vault. */
  readonly vaultCredential?: string;
  readonly instanceId?: string;
}

/** The fields of an SDK error the classifier reads (service exceptions, provider errors, Node errors). */
interface SdkErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const THROTTLING = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException', 'RequestThrottled', 'RequestThrottledException', 'TooManyRequestsException', 'EC2ThrottledException']);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const INVALID = new Set(['AuthFailure', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'IncompleteSignature', 'MissingAuthenticationToken', 'InvalidAccessKeyId']);
const UNAUTHORIZED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException']);
const NOT_FOUND = new Set(['InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

export function classifyAwsError(error: unknown, context: AwsErrorContext): PortholeError {
  if (error instanceof PortholeError) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkErrorLike;
  const name = e.name ?? '';
  const text = e.message ?? '';
  const make = (code: string, message: string, hint: string, retryable: boolean) => new PortholeError({ code, message, hint, retryable }, { cause: error });
  const source = credentialSource(context);

  if (name === 'AbortError') return make('cloud.cancelled', `Porthole stopped waiting for AWS (${context.operation}).`, 'Nothing else was changed; run it again when you want.', true);

  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') return classifyProviderError(text, context, make);

  if (EXPIRED.has(name)) {
    return make(
      'aws.credentials-expired',
      `AWS refused ${source}: the credentials have expired${name === 'RequestExpired' ? ' (or your computer’s clock is more than 5 minutes off)' : ''}.`,
      refreshHint(context, 'Get fresh credentials'),
      false,
    );
  }
  if (INVALID.has(name)) {
    return make(
      'aws.credentials-invalid',
      `AWS refused ${source}: ${firstSentence(text) || 'they could not be validated'}.`,
      `${refreshHint(context, 'Check the access key (it may have been deleted or deactivated)')} Also check that the region ${context.region} is the one your account uses.`,
      false,
    );
  }
  if (UNAUTHORIZED.has(name)) {
    const action = /not authorized to perform:?\s*([a-z0-9-]+:[A-Za-z0-9]+)/i.exec(text)?.[1] ?? `ec2:${context.operation}`;
    const identity = /User:\s*(arn:aws[\w-]*:[^\s]+)/.exec(text)?.[1];
    return make(
      'aws.unauthorized',
      `${capitalize(source)} may not do ${action}${context.instanceId ? ` on ${context.instanceId}` : ''} in ${context.region}.`,
      `Ask whoever manages your AWS account to allow ${action} for ${identity ?? 'this identity'} (an IAM policy), or choose a profile that may.`,
      false,
    );
  }
  if (NOT_FOUND.has(name)) {
    const id = context.instanceId ?? /'([^']+)'/.exec(text)?.[1] ?? 'That instance';
    return make(
      'cloud.machine-not-found',
      name === 'InvalidInstanceID.Malformed' ? `"${id}" is not an EC2 instance id.` : `There is no EC2 instance ${id} in ${context.region} for ${source}.`,
      name === 'InvalidInstanceID.Malformed'
        ? 'Instance ids look like i-0123456789abcdef0; `porthole aws instances` lists yours.'
        : 'Check the region and the account; the instance may have been terminated. `porthole aws instances` lists what there is.',
      false,
    );
  }
  if (name === 'IncorrectInstanceState') {
    return make('aws.incorrect-state', `${context.instanceId ?? 'The instance'} cannot do that in its current state (${firstSentence(text) || name}).`, 'Wait until it has finished starting or stopping, then try again.', true);
  }
  if (name === 'InsufficientInstanceCapacity' || name === 'InsufficientHostCapacity') {
    return make('aws.insufficient-capacity', `AWS has no free capacity for this instance type in its zone right now.`, 'Try again in a few minutes, or change the instance type in the AWS console (GPU types run out most often).', true);
  }
  if (name === 'OptInRequired') {
    return make('aws.region-not-enabled', `The region ${context.region} is not enabled for this AWS account.`, 'Enable it in the AWS console (Account, AWS Regions), or choose another region.', false);
  }
  if (name === 'Blocked' || name === 'PendingVerification') {
    return make('aws.account-blocked', `AWS has ${name === 'Blocked' ? 'blocked' : 'not yet verified'} this account, so EC2 refuses requests.`, 'Contact AWS Support, or check the account’s billing details in the AWS console.', false);
  }
  if (THROTTLING.has(name) || e.$metadata?.httpStatusCode === 429) {
    return make('aws.throttled', `AWS is limiting this account’s EC2 requests right now (${context.operation}).`, 'Wait a minute and try again; Porthole already retried several times.', true);
  }
  if (isNetworkError(e)) {
    return make('aws.unreachable', `Porthole could not reach AWS EC2 in ${context.region}: ${text || e.code || name}.`, 'Check your internet connection (and AWS_ENDPOINT_URL_EC2 or AWS_ENDPOINT_URL, if you set one).', true);
  }
  if (e.$fault === 'server' || (e.$metadata?.httpStatusCode ?? 0) >= 500) {
    return make('aws.service-error', `AWS EC2 failed to answer ${context.operation}: ${firstSentence(text) || name}.`, 'This is on AWS’s side; try again in a minute.', true);
  }
  if (e.$metadata !== undefined || e.$fault !== undefined) {
    return make('aws.request-failed', `AWS EC2 refused ${context.operation}: ${firstSentence(text) || name}${name && !text.includes(name) ? ` (${name})` : ''}.`, 'Check the instance, region and account, then try again.', false);
  }
  return make('aws.request-failed', `The AWS request ${context.operation} failed: ${firstSentence(text) || 'no reason given'}.`, 'Try again; if it keeps failing, check your AWS settings.', true);
}

type Make = (code: string, message: string, hint: string, retryable: boolean) => PortholeError;

/** Errors of the credential providers (profiles, SSO, environment): nothing reached AWS yet. */
function classifyProviderError(text: string, context: AwsErrorContext, make: Make): PortholeError {
  const profile = context.profile ?? context.defaultProfile ?? 'default';
  if (/\bsso\b/i.test(text) || /token is expired/i.test(text)) {
    return make('aws.sso-expired', `The AWS SSO login of profile ${profile} has expired or was never made.`, `Run \`aws sso login --profile ${profile}\`, then try again.`, false);
  }
  if (/multi-factor authentication|mfa/i.test(text)) {
    return make(
      'aws.mfa-required',
      `Profile ${profile} assumes a role that needs an MFA code, which Porthole cannot ask for.`,
      'Choose a profile without mfa_serial, use an SSO profile, or keep an access key in Porthole (`porthole aws credentials add NAME`).',
      false,
    );
  }
  if (/Profile .*(could not be found|was not found)|could not be found or parsed/i.test(text)) {
    return make('aws.profile-not-found', `There is no AWS profile named ${profile} in your AWS config or credentials file.`, 'Run `aws configure list-profiles` to see yours, or `aws configure --profile NAME` to make one.', false);
  }
  return make(
    'aws.credentials-missing',
    context.profile !== null
      ? `Porthole found no usable AWS credentials in profile ${context.profile}: ${firstSentence(text) || 'none configured'}.`
      : 'Porthole found no AWS credentials: no AWS_ACCESS_KEY_ID in the environment and no usable default profile.',
    context.profile !== null
      ? `Run \`aws configure --profile ${context.profile}\` (access keys) or \`aws configure sso --profile ${context.profile}\`, or keep an access key in Porthole with \`porthole aws credentials add NAME\`.`
      : 'Run `aws configure` (or `aws configure sso`), choose a profile with --profile, or keep an access key in Porthole with `porthole aws credentials add NAME`.',
    false,
  );
}

function credentialSource(context: AwsErrorContext): string {
  if (context.vaultCredential !== undefined) return `the access key “${context.vaultCredential}” kept in Porthole`;
  if (context.profile !== null) return `the credentials of AWS profile ${context.profile}`;
  return 'your default AWS credentials';
}

function refreshHint(context: AwsErrorContext, start: string): string {
  if (context.vaultCredential !== undefined) return `${start}: replace the access key with \`porthole aws credentials add ${context.vaultCredential}\` (add --replace).`;
  if (context.profile !== null) return `${start}: run \`aws sso login --profile ${context.profile}\` for an SSO profile, or \`aws configure --profile ${context.profile}\` for access keys.`;
  return `${start}: run \`aws sso login\` or \`aws configure\`, or update AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN.`;
}

function isNetworkError(e: SdkErrorLike): boolean {
  return (e.code !== undefined && NETWORK_CODES.has(e.code)) || e.name === 'TimeoutError' || e.name === 'RequestTimeout';
}

/** AWS messages run on ("... Encoded authorization failure message: <kilobytes>"); the first sentence says it. */
function firstSentence(text: string): string {
  const cut = text.split(/\s+Encoded authorization failure message:/)[0] ?? '';
  return cut.trim().replace(/\.$/, '');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
