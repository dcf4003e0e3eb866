/**
 * The Azure sign-in chain: Azure CLI, then (only when asking is allowed) the browser, then a
 * device code; one sign-in shared by concurrent callers; tokens reused until near expiry.
 * The credentials are fakes here; the real AzureCliCredential is covered against the `az`
 * stand-in in test/integration/azure-provider.test.ts.
 */
import { CredentialUnavailableError, type AccessToken, type TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { AzureSignIn, browserAvailable, nextSignInMethod, type AzureSignInStep, type CredentialOptions, type SignInMethod } from '../../main/cloud/azure/credentials';
import { PortholeError } from '../../main/shared/errors';

const SCOPE = 'https://management.azure.com/.default';
const LOGGED_OUT = () => new CredentialUnavailableError("Please run 'az login' from a command prompt to authenticate before using this credential.");
const EXPIRED = () => new CredentialUnavailableError('ERROR: AADSTS700082: The refresh token has expired due to inactivity.\nInteractive authentication is needed. Please run:\naz login --scope https://management.core.windows.net//.default');
const token = (name: string, inMs = 3_600_000): AccessToken => ({ token: name, expiresOnTimestamp: Date.now() + inMs, tokenType: 'Bearer' });

type Behaviour = (options: CredentialOptions) => Promise<AccessToken>;

/** Fake credentials per method, counting their calls. */
function fakes(behaviours: Partial<Record<SignInMethod, Behaviour>>) {
  const calls: SignInMethod[] = [];
  const credentialFor = (method: SignInMethod, options: CredentialOptions): TokenCredential => ({
    getToken: () => {
      calls.push(method);
      const behaviour = behaviours[method];
      return behaviour ? behaviour(options) : Promise.reject(new Error(`${method} should not have been tried`));
    },
  });
  return { calls, credentialFor };
}

async function failure(promise: Promise<unknown>): Promise<PortholeError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(PortholeError);
  return error as PortholeError;
}

describe('AzureSignIn', () => {
  it('uses the Azure CLI\'s login, once for concurrent callers, and reuses the token', async () => {
    let resolve!: (t: AccessToken) => void;
    const { calls, credentialFor } = fakes({ 'azure-cli': () => new Promise((r) => (resolve = r)) });
    const steps: AzureSignInStep[] = [];
    const signIn = new AzureSignIn({ credentialFor, onSignIn: (s) => steps.push(s) });
    const both = Promise.all([signIn.getToken(SCOPE), signIn.getToken([SCOPE])]);
    resolve(token('cli'));
    expect((await both).map((t) => t.token)).toEqual(['cli', 'cli']);
    expect((await signIn.getToken(SCOPE)).token).toBe('cli');
    expect(calls).toEqual(['azure-cli']);
    expect(steps).toEqual([{ kind: 'signed-in', method: 'azure-cli' }]);
    expect(signIn.signedInWith).toBe('azure-cli');
  });

  it('asks again for a token that expires within five minutes', async () => {
    const issued = [token('old', 60_000), token('new')];
    const { calls, credentialFor } = fakes({ 'azure-cli': async () => issued.shift()! });
    const signIn = new AzureSignIn({ credentialFor });
    expect((await signIn.getToken(SCOPE)).token).toBe('old');
    expect((await signIn.getToken(SCOPE)).token).toBe('new');
    expect(calls).toEqual(['azure-cli', 'azure-cli']);
  });

  it('without permission to ask, no Azure CLI login is azure.login-required and nothing else is tried', async () => {
    const { calls, credentialFor } = fakes({ 'azure-cli': () => Promise.reject(LOGGED_OUT()) });
    const error = await failure(new AzureSignIn({ credentialFor, browserAvailable: true }).getToken(SCOPE));
    expect(error).toMatchObject({ code: 'azure.login-required', hint: 'Run `az login`, or sign in from Porthole.' });
    expect(calls).toEqual(['azure-cli']);
  });

  it('when asking is allowed: says the browser opens, signs in there, and keeps that method', async () => {
    const { calls, credentialFor } = fakes({ 'azure-cli': () => Promise.reject(LOGGED_OUT()), browser: async () => token('browser') });
    const steps: AzureSignInStep[] = [];
    const signIn = new AzureSignIn({ credentialFor, interactive: true, browserAvailable: true, onSignIn: (s) => steps.push(s) });
    expect((await signIn.getToken(SCOPE)).token).toBe('browser');
    expect((await signIn.getToken('https://management.azure.com/other')).token).toBe('browser');
    expect(calls).toEqual(['azure-cli', 'browser', 'browser']);
    expect(steps).toEqual([{ kind: 'browser' }, { kind: 'signed-in', method: 'browser' }]);
  });

  it('falls back to a device code when the browser sign-in fails, and shows the code and URL', async () => {
    const { calls, credentialFor } = fakes({
      'azure-cli': () => Promise.reject(LOGGED_OUT()),
      browser: () => Promise.reject(new Error('Unable to open a browser')),
      'device-code': async (options) => {
        options.onDeviceCode({ kind: 'device-code', url: 'https://microsoft.com/devicelogin', code: 'F7K2QZX9P', message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code F7K2QZX9P to authenticate.' });
        return token('device');
      },
    });
    const steps: AzureSignInStep[] = [];
    const signIn = new AzureSignIn({ credentialFor, interactive: true, browserAvailable: true, onSignIn: (s) => steps.push(s) });
    expect((await signIn.getToken(SCOPE)).token).toBe('device');
    expect(calls).toEqual(['azure-cli', 'browser', 'device-code']);
    expect(steps.map((s) => s.kind)).toEqual(['browser', 'device-code', 'signed-in']);
    expect(steps[1]).toMatchObject({ url: 'https://microsoft.com/devicelogin', code: 'F7K2QZX9P' });
  });

  it('goes straight to a device code where no browser can open (an SSH session without a display)', async () => {
    const { calls, credentialFor } = fakes({ 'azure-cli': () => Promise.reject(LOGGED_OUT()), 'device-code': async () => token('device') });
    await new AzureSignIn({ credentialFor, interactive: true, browserAvailable: false }).getToken(SCOPE);
    expect(calls).toEqual(['azure-cli', 'device-code']);
  });

  it('an expired Azure CLI login says "run `az login` again", even when asking is allowed', async () => {
    const { calls, credentialFor } = fakes({ 'azure-cli': () => Promise.reject(EXPIRED()) });
    const error = await failure(new AzureSignIn({ credentialFor, interactive: true, browserAvailable: true }).getToken(SCOPE));
    expect(error).toMatchObject({ code: 'azure.credentials-expired', hint: 'Run `az login` again, then retry.' });
    expect(calls).toEqual(['azure-cli']);
  });

  it('a caller that aborts stops waiting at once; the sign-in goes on for the next caller', async () => {
    let resolve!: (t: AccessToken) => void;
    const { calls, credentialFor } = fakes({ 'azure-cli': () => Promise.reject(LOGGED_OUT()), browser: () => new Promise((r) => (resolve = r)) });
    const signIn = new AzureSignIn({ credentialFor, interactive: true, browserAvailable: true });
    const controller = new AbortController();
    const first = signIn.getToken(SCOPE, { abortSignal: controller.signal });
    const second = signIn.getToken(SCOPE);
    controller.abort();
    expect(await failure(first)).toMatchObject({ code: 'cloud.cancelled' });
    resolve(token('browser'));
    expect((await second).token).toBe('browser');
    expect(calls).toEqual(['azure-cli', 'browser']);
  });

  it('cancel() ends the sign-in for every caller (the device code is no longer waited for); the next call starts afresh', async () => {
    let seenSignal: { readonly aborted: boolean } | undefined;
    const { calls, credentialFor } = fakes({
      'azure-cli': () => Promise.reject(LOGGED_OUT()),
      // A credential that never settles by itself: only the abort ends its wait.
      'device-code': () => new Promise(() => undefined),
    });
    const signIn = new AzureSignIn({
      credentialFor: (method, options) => {
        const inner = credentialFor(method, options);
        return { getToken: (scopes, o) => ((seenSignal = o?.abortSignal), inner.getToken(scopes, o)) };
      },
      interactive: true,
      browserAvailable: false,
    });
    const first = signIn.getToken(SCOPE);
    const second = signIn.getToken(SCOPE);
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(signIn.signingIn).toBe(true);
    signIn.cancel();
    expect(await failure(first)).toMatchObject({ code: 'cloud.cancelled', message: 'Cancelled: Porthole stopped waiting to sign in to Azure.' });
    expect(await failure(second)).toMatchObject({ code: 'cloud.cancelled' });
    expect(seenSignal?.aborted).toBe(true);
    expect(signIn.signingIn).toBe(false);
    expect(signIn.signedInWith).toBeNull();
    void signIn.getToken(SCOPE).catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual(['azure-cli', 'device-code', 'azure-cli', 'device-code']);
    signIn.cancel();
  });
});

describe('choosing the next sign-in method', () => {
  const required = new PortholeError({ code: 'azure.login-required', message: 'x', retryable: false });
  const expired = new PortholeError({ code: 'azure.credentials-expired', message: 'x', retryable: false });
  it.each([
    ['azure-cli', required, true, true, 'browser'],
    ['azure-cli', required, true, false, 'device-code'],
    ['azure-cli', required, false, true, null],
    ['azure-cli', expired, true, true, null],
    ['browser', required, true, true, 'device-code'],
    ['device-code', required, true, true, null],
  ] as const)('after %s fails (%s), interactive=%s browser=%s -> %s', (failed, error, interactive, browser, next) => {
    expect(nextSignInMethod(failed, error, { interactive, browser })).toBe(next);
  });

  it('a browser opens on Windows and macOS, and on Linux only with a display', () => {
    expect(browserAvailable('win32', {})).toBe(true);
    expect(browserAvailable('darwin', {})).toBe(true);
    expect(browserAvailable('linux', {})).toBe(false);
    expect(browserAvailable('linux', { DISPLAY: ':0' })).toBe(true);
    expect(browserAvailable('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
  });
});
