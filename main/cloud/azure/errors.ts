/**
 * Every way an Azure call fails, as a PortholeError with the next step in the user's words.
 * Pure: it reads what the SDKs throw (RestError with ARM's error code, @azure/identity's
 * credential errors with the Azure CLI's stderr, core-lro's "long-running operation has
 * failed" errors, network and abort errors) and never calls anything.
 *
 * Codes: azure.login-required, azure.credentials-expired, azure.wrong-tenant,
 * azure.login-failed, azure.forbidden, azure.not-found, azure.subscription-disabled,
 * azure.capacity, azure.quota-exceeded, azure.conflict, azure.throttled,
 * azure.unreachable, azure.failed; and the cloud-wide cloud.machine-not-found (the VM
 * itself is gone), cloud.cancelled (the caller's AbortSignal fired).
 */
import { PortholeError } from '../../shared/errors';

export interface AzureErrorContext {
  /** What Porthole was doing, to finish "Porthole could not …": "list the VMs", "start course-rg/gpu-01". */
  readonly doing: string;
  readonly subscriptionId?: string;
  /** The VM the call was about (`resourceGroup/vmName`): a 404 then means this VM is gone. */
  readonly machineId?: string;
}

/** Entra ID (AADSTS) codes that mean "the sign-in is too old or was revoked: sign in again". */
const EXPIRED_SIGN_IN = /AADSTS(700082|70043|70008|50173|50133|50078|50076|50079|700084|500133)\b|refresh token (has )?expired|Interactive authentication is needed/i;
/** @azure/identity's own wording when `az` says it has no account, or is not installed. */
const CLI_NOT_LOGGED_IN = /run 'az login'|az login/i;
const CLI_NOT_INSTALLED = /Azure CLI could not be found|az:.*not found|'az' is not recognized/i;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'REQUEST_SEND_ERROR']);
const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;
const CAPACITY_CODES = new Set(['AllocationFailed', 'ZonalAllocationFailed', 'OverconstrainedAllocationRequest', 'OverconstrainedZonalAllocationRequest', 'SkuNotAvailable']);
/** A subscription whose credit or spending limit ran out (Azure for Students, free trials) turns read-only. */
const DISABLED_SUBSCRIPTION_CODES = new Set(['ReadOnlyDisabledSubscription', 'DisallowedOperation']);

interface ErrorFacts {
  readonly name: string;
  readonly message: string;
  readonly statusCode: number | undefined;
  readonly code: string | undefined;
}

function factsOf(error: unknown): ErrorFacts {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const message = typeof record['message'] === 'string' ? record['message'] : String(error);
  let code = typeof record['code'] === 'string' ? record['code'] : undefined;
  // core-lro reports a failed operation as "The long-running operation has failed. CODE. message".
  const lro = /^The long-running operation has failed\. ([A-Za-z]+)\. /.exec(message);
  if (code === undefined && lro) code = lro[1];
  return {
    name: typeof record['name'] === 'string' ? record['name'] : '',
    message,
    statusCode: typeof record['statusCode'] === 'number' ? record['statusCode'] : undefined,
    code,
  };
}

/** ARM's own message, without the operation prefix core-lro adds and without a trailing period. */
function armMessage(facts: ErrorFacts): string {
  return facts.message.replace(/^The long-running operation has failed\. [A-Za-z]+\. /, '').trim().replace(/\.$/, '');
}

/** The first line of what the Azure CLI said, short enough for a notification. */
function firstLine(text: string): string {
  const line = text.split(/\r?\n/).map((part) => part.replace(/^ERROR:\s*/, '').trim()).find(Boolean) ?? text;
  return line.length > 300 ? `${line.slice(0, 297)}…` : line;
}

/**
 * The role that grants an action, in the portal's words. Start and deallocate need
 * "Virtual Machine Contributor" (or a custom role with those actions); reading needs "Reader".
 */
export function roleFor(action: string | undefined): string {
  if (action === undefined) return 'Reader (to see VMs) or Virtual Machine Contributor (to start and stop them)';
  return /\/read$/i.test(action) ? 'Reader' : 'Virtual Machine Contributor';
}

export const loginRequired = (notInstalled = false): PortholeError =>
  new PortholeError({
    code: 'azure.login-required',
    message: notInstalled ? 'Porthole is not signed in to Azure, and the Azure CLI is not installed.' : 'Porthole is not signed in to Azure.',
    hint: notInstalled ? 'Sign in from Porthole, or install the Azure CLI and run `az login`.' : 'Run `az login`, or sign in from Porthole.',
    retryable: false,
  });

export const credentialsExpired = (detail?: string): PortholeError =>
  new PortholeError({
    code: 'azure.credentials-expired',
    message: `Your Azure sign-in has expired${detail ? ` (${detail})` : ''}.`,
    hint: 'Run `az login` again, then retry.',
    retryable: false,
  });

export const cancelled = (doing: string): PortholeError =>
  new PortholeError({ code: 'cloud.cancelled', message: `Cancelled: Porthole stopped waiting to ${doing}.`, retryable: true });

function isAbort(facts: ErrorFacts): boolean {
  return facts.name === 'AbortError' || facts.code === 'ABORT_ERR';
}

/** Entra ID's answers to a device-code poll once the user said no, or let the code run out (RFC 8628, 3.5). */
const SIGN_IN_DECLINED = /authorization_declined|access_denied|AADSTS70018\b/;
const DEVICE_CODE_EXPIRED = /device_code_expired|expired_token|code_expired|AADSTS70019\b/;

/** Errors from @azure/identity: the Azure CLI's answer, or a browser / device-code sign-in that failed. */
function classifyCredentialError(facts: ErrorFacts): PortholeError | null {
  if (!['CredentialUnavailableError', 'AuthenticationError', 'AuthenticationRequiredError'].includes(facts.name)) return null;
  if (SIGN_IN_DECLINED.test(facts.message)) {
    return new PortholeError({ code: 'azure.login-failed', message: 'The sign-in to Azure was declined.', hint: 'Sign in again and approve it when Microsoft asks, or run `az login`.', retryable: true });
  }
  if (DEVICE_CODE_EXPIRED.test(facts.message)) {
    return new PortholeError({ code: 'azure.login-failed', message: 'The sign-in code ran out before it was used (it lasts 15 minutes).', hint: 'Sign in again: Porthole shows a new code.', retryable: true });
  }
  if (EXPIRED_SIGN_IN.test(facts.message)) return credentialsExpired(firstLine(facts.message).match(/AADSTS\d+/)?.[0]);
  if (CLI_NOT_INSTALLED.test(facts.message)) return loginRequired(true);
  if (CLI_NOT_LOGGED_IN.test(facts.message) || facts.name === 'AuthenticationRequiredError') return loginRequired();
  return new PortholeError({
    code: 'azure.login-failed',
    message: `Signing in to Azure failed: ${firstLine(facts.message).replace(/\.$/, '')}.`,
    hint: 'Run `az login` (or sign in from Porthole) and try again.',
    retryable: true,
  });
}

export function classifyAzureError(error: unknown, context: AzureErrorContext): PortholeError {
  if (error instanceof PortholeError) return error;
  const facts = factsOf(error);
  const { doing } = context;
  const subscription = context.subscriptionId ? ` in subscription ${context.subscriptionId}` : '';
  const make = (code: string, message: string, hint: string, retryable: boolean) => new PortholeError({ code, message, hint, retryable }, { cause: error });

  if (isAbort(facts)) return cancelled(doing);
  const credential = classifyCredentialError(facts);
  if (credential) return credential;

  const code = facts.code ?? '';
  if (facts.statusCode === 401 || /^(Expired|Invalid)AuthenticationToken/.test(code)) {
    if (code === 'InvalidAuthenticationTokenTenant') {
      return make('azure.wrong-tenant', `The subscription${subscription} belongs to another Azure directory (tenant) than the one you are signed in to.`, 'Run `az login --tenant <that directory>`, or pick the subscription again in Porthole.', false);
    }
    return credentialsExpired(code || undefined);
  }
  if (facts.statusCode === 403 || code === 'AuthorizationFailed' || code === 'LinkedAuthorizationFailed') {
    const action = /perform action '([^']+)'/.exec(facts.message)?.[1];
    const role = roleFor(action);
    return make(
      'azure.forbidden',
      `Your Azure account may not ${doing}${subscription}${action ? ` (it lacks ${action})` : ''}.`,
      `Ask the subscription's owner for the “${role}” role on the VM, its resource group or the subscription.`,
      false,
    );
  }
  if (DISABLED_SUBSCRIPTION_CODES.has(code)) {
    return make('azure.subscription-disabled', `The Azure subscription${subscription} is disabled or read-only, so Porthole could not ${doing}.`, 'Check the subscription in the Azure portal (its credit or spending limit may have run out).', false);
  }
  if (code === 'SubscriptionNotFound' || code === 'InvalidSubscriptionId') {
    return make('azure.not-found', `Azure has no subscription ${context.subscriptionId ?? ''} that your account can see.`.replace('  ', ' '), 'Check the subscription id (`porthole azure subscriptions` lists yours), or sign in with the account that has it.', false);
  }
  if (facts.statusCode === 404 || code === 'ResourceNotFound' || code === 'ResourceGroupNotFound' || code === 'NotFound') {
    if (context.machineId !== undefined) {
      return make('cloud.machine-not-found', `The VM ${context.machineId} does not exist${subscription} (any more).`, 'Check the resource group and name (`porthole azure vms` lists them); if it was deleted, link the host to another VM.', false);
    }
    return make('azure.not-found', `Porthole could not ${doing}: ${armMessage(facts)}.`, 'Check the subscription, resource group and VM names.', false);
  }
  if (CAPACITY_CODES.has(code)) {
    return make('azure.capacity', `Azure has no free capacity for this VM's size right now, so it could not ${doing}.`, 'Try again in a few minutes, or resize the VM (or move it to another region) in the Azure portal.', true);
  }
  if (code === 'OperationNotAllowed' && /quota/i.test(facts.message)) {
    return make('azure.quota-exceeded', `Starting the VM would exceed your subscription's core quota${subscription}.`, 'Deallocate another VM, or request more quota in the portal (Subscriptions > Usage + quotas).', false);
  }
  if (facts.statusCode === 409 || code === 'Conflict' || code === 'OperationNotAllowed' || code === 'OperationPreempted') {
    return make('azure.conflict', `Azure refused to ${doing}: ${armMessage(facts)}.`, 'Wait until the VM\'s current operation finishes, then try again.', true);
  }
  if (facts.statusCode === 429 || code === 'TooManyRequests') {
    return make('azure.throttled', `Azure is throttling requests, so Porthole could not ${doing}.`, 'Wait a minute and try again.', true);
  }
  if (NETWORK_CODES.has(code) || (facts.name === 'RestError' && facts.statusCode === undefined && !CERTIFICATE_CODES.test(code))) {
    return make('azure.unreachable', `Porthole cannot reach Azure to ${doing} (${code || firstLine(facts.message)}).`, 'Check your internet connection (and proxy settings), then try again.', true);
  }
  if (CERTIFICATE_CODES.test(code)) {
    return make('azure.unreachable', `Porthole does not trust the certificate of the Azure endpoint (${code}), so it could not ${doing}.`, 'A proxy or firewall may intercept HTTPS; give Node its certificate authority in NODE_EXTRA_CA_CERTS.', true);
  }
  if (facts.statusCode !== undefined && facts.statusCode >= 500) {
    return make('azure.failed', `Azure had an internal problem and could not ${doing} (${code || facts.statusCode}).`, 'Try again in a minute.', true);
  }
  return make('azure.failed', `Porthole could not ${doing}: ${armMessage(facts)}${code ? ` (${code})` : ''}.`, 'Check the VM in the Azure portal, then try again.', facts.statusCode === undefined);
}
