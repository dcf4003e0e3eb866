/** The Azure error classifier against what Azure really answers (test/fixtures/azure-errors.json), as the SDKs throw it. */
import { RestError } from '@azure/arm-compute';
import { AuthenticationError, AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { classifyAzureError, roleFor } from '../../main/cloud/azure/errors';
import { PortholeError } from '../../main/shared/errors';
import recorded from '../fixtures/azure-errors.json';

const context = { doing: 'start the VM course-rg/gpu-01', subscriptionId: 'c0ffee00-0000-4000-8000-000000000001', machineId: 'course-rg/gpu-01' };

/** What @azure-rest/core-client's createRestError makes of an ARM error response. */
function armError(name: keyof typeof recorded.arm): RestError {
  const { status, code, message } = recorded.arm[name];
  return new RestError(message, { statusCode: status, code });
}

/** What @azure/identity 4.14's AzureCliCredential throws for a stderr: its own sentence when `az` says to log in, else the stderr. */
function cliError(name: keyof typeof recorded.cli): CredentialUnavailableError {
  const stderr = recorded.cli[name];
  const asksToLogIn = /az login/.test(stderr) && !/az login --scope/.test(stderr);
  return new CredentialUnavailableError(asksToLogIn ? "Please run 'az login' from a command prompt to authenticate before using this credential." : stderr);
}

describe('classifyAzureError on recorded ARM answers', () => {
  it.each([
    ['expired-token', 'azure.credentials-expired', false],
    ['invalid-token', 'azure.credentials-expired', false],
    ['wrong-tenant', 'azure.wrong-tenant', false],
    ['forbidden-start', 'azure.forbidden', false],
    ['forbidden-read', 'azure.forbidden', false],
    ['vm-not-found', 'cloud.machine-not-found', false],
    ['group-not-found', 'cloud.machine-not-found', false],
    ['subscription-not-found', 'azure.not-found', false],
    ['subscription-disabled', 'azure.subscription-disabled', false],
    ['quota', 'azure.quota-exceeded', false],
    ['busy', 'azure.conflict', true],
    ['throttled', 'azure.throttled', true],
    ['internal', 'azure.failed', true],
  ] as const)('%s -> %s', (name, code, retryable) => {
    const error = classifyAzureError(armError(name), context);
    expect(error).toBeInstanceOf(PortholeError);
    expect(error).toMatchObject({ code, retryable });
    expect(error.message.length).toBeGreaterThan(15);
    expect(error.hint?.length ?? 0).toBeGreaterThan(15);
    expect(error.message).not.toMatch(/\bat \S+ \(|RestError/);
  });

  it('says "run `az login` again" for an expired token', () => {
    const error = classifyAzureError(armError('expired-token'), context);
    expect(error.message).toBe('Your Azure sign-in has expired (ExpiredAuthenticationToken).');
    expect(error.hint).toBe('Run `az login` again, then retry.');
  });

  it('names the missing action and the role that grants it', () => {
    const start = classifyAzureError(armError('forbidden-start'), context);
    expect(start.message).toBe(
      'Your Azure account may not start the VM course-rg/gpu-01 in subscription c0ffee00-0000-4000-8000-000000000001 (it lacks Microsoft.Compute/virtualMachines/start/action).',
    );
    expect(start.hint).toContain('“Virtual Machine Contributor”');
    expect(classifyAzureError(armError('forbidden-read'), { doing: 'list the VMs' }).hint).toContain('“Reader”');
    expect(roleFor('Microsoft.Compute/virtualMachines/deallocate/action')).toBe('Virtual Machine Contributor');
    expect(roleFor('Microsoft.Network/publicIPAddresses/read')).toBe('Reader');
  });

  it('a 404 is the VM being gone only when the call was about a VM', () => {
    expect(classifyAzureError(armError('vm-not-found'), context).message).toBe('The VM course-rg/gpu-01 does not exist in subscription c0ffee00-0000-4000-8000-000000000001 (any more).');
    const listing = classifyAzureError(armError('group-not-found'), { doing: 'list the VMs of course-rg' });
    expect(listing).toMatchObject({ code: 'azure.not-found', message: "Porthole could not list the VMs of course-rg: Resource group 'course-rg' could not be found." });
  });

  it('keeps ARM\'s words for a refusal it has no better sentence for', () => {
    const error = classifyAzureError(armError('busy'), context);
    expect(error.message).toBe("Azure refused to start the VM course-rg/gpu-01: Operation 'start' is not allowed on VM 'gpu-01' since the VM is marked for deletion. You can only retry the Delete operation (or wait for an ongoing one to complete).");
  });
});

describe('classifyAzureError on failed long-running operations', () => {
  it.each(['allocation-failed', 'zonal-allocation-failed'] as const)('%s -> azure.capacity, retryable', (name) => {
    const error = classifyAzureError(new Error(recorded.lro[name]), context);
    expect(error).toMatchObject({ code: 'azure.capacity', retryable: true });
    expect(error.hint).toContain('resize');
  });
});

describe('classifyAzureError on sign-in failures', () => {
  it.each([
    ['logged-out', 'azure.login-required'],
    ['refresh-token-expired', 'azure.credentials-expired'],
    ['sign-in-frequency', 'azure.credentials-expired'],
    ['old-cli-expired', 'azure.credentials-expired'],
  ] as const)('Azure CLI %s -> %s', (name, code) => {
    expect(classifyAzureError(cliError(name), context).code).toBe(code);
  });

  it('tells a user without the Azure CLI to sign in from Porthole or install it', () => {
    const error = classifyAzureError(
      new CredentialUnavailableError("Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'."),
      context,
    );
    expect(error).toMatchObject({ code: 'azure.login-required', hint: 'Sign in from Porthole, or install the Azure CLI and run `az login`.' });
  });

  it('names the Entra ID code of an expired CLI login', () => {
    expect(classifyAzureError(cliError('refresh-token-expired'), context).message).toBe('Your Azure sign-in has expired (AADSTS700082).');
  });

  it('a sign-in that needs the user is azure.login-required; any other sign-in failure azure.login-failed with its first line', () => {
    expect(classifyAzureError(new AuthenticationRequiredError({ scopes: ['https://management.azure.com/.default'], message: 'Interactive authentication required' }), context).code).toBe('azure.login-required');
    const other = classifyAzureError(new CredentialUnavailableError('ERROR: The command failed with an unexpected error.\nTraceback (most recent call last):\n  File "x.py"'), context);
    expect(other).toMatchObject({ code: 'azure.login-failed', message: 'Signing in to Azure failed: The command failed with an unexpected error.' });
  });
});

describe('classifyAzureError on a device-code sign-in that did not end in a login', () => {
  const scopes = ['https://management.azure.com/.default'];
  it('declined by the user, or its code run out: azure.login-failed saying which, not "not signed in"', () => {
    // What DeviceCodeCredential throws when Entra ID answers the poll with authorization_declined / expired_token.
    expect(classifyAzureError(new AuthenticationRequiredError({ scopes, message: 'post_request_failed: authorization_declined' }), context)).toMatchObject({ code: 'azure.login-failed', message: 'The sign-in to Azure was declined.' });
    expect(classifyAzureError(new AuthenticationRequiredError({ scopes, message: 'post_request_failed: expired_token' }), context)).toMatchObject({ code: 'azure.login-failed', message: expect.stringContaining('ran out') });
    expect(classifyAzureError(new AuthenticationError(400, { error: 'device_code_expired', error_description: 'Device code is expired.' }), context)).toMatchObject({ message: expect.stringContaining('ran out') });
  });
});

describe('classifyAzureError on transport failures', () => {
  it('no network is azure.unreachable, retryable', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET']) {
      expect(classifyAzureError(new RestError(`connect ${code} 127.0.0.1:443`, { code }), context)).toMatchObject({ code: 'azure.unreachable', retryable: true });
    }
  });

  it('an untrusted certificate says how to trust a proxy\'s CA', () => {
    const error = classifyAzureError(new RestError('self-signed certificate in certificate chain', { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), context);
    expect(error.code).toBe('azure.unreachable');
    expect(error.hint).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('an abort is cloud.cancelled; a PortholeError passes through', () => {
    expect(classifyAzureError(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }), context)).toMatchObject({ code: 'cloud.cancelled' });
    const own = new PortholeError({ code: 'azure.invalid-vm-id', message: 'x', retryable: false });
    expect(classifyAzureError(own, context)).toBe(own);
  });

  it('never shows a stack: anything unknown still gets a message and a hint', () => {
    const error = classifyAzureError('weird', context);
    expect(error).toMatchObject({ code: 'azure.failed' });
    expect(error.message).toBe('Porthole could not start the VM course-rg/gpu-01: weird.');
    expect(error.hint).toBeTruthy();
  });
});
