/**
 * How Porthole signs in to Azure: the Azure CLI's login when `az login` was done (nothing to
 * ask), else (when the caller allows asking) a sign-in in the system browser, else a device
 * code the user types in on another device. One small chain with clear errors instead of
 * DefaultAzureCredential, whose eight silent fallbacks make "why is it not signed in?"
 * unanswerable.
 *
 * Tokens stay in memory: the Azure CLI keeps its own login; a browser or device-code sign-in
 * lasts as long as the process (MSAL's in-memory cache). Nothing is written to disk here.
 */
import { AzureCliCredential, DeviceCodeCredential, InteractiveBrowserCredential, type AccessToken, type DeviceCodeCredentialOptions, type GetTokenOptions, type TokenCredential } from '@azure/identity';
import type { PortholeError } from '../../shared/errors';
import { cancelled, classifyAzureError } from './errors';

export type SignInMethod = 'azure-cli' | 'browser' | 'device-code';

/** What the user should know while Porthole signs in. */
export type AzureSignInStep =
  /** The system browser is about to open on Microsoft's sign-in page. */
  | { readonly kind: 'browser' }
  /** Open `url` (on any device) and enter `code`; `message` is Microsoft's own sentence saying so. */
  | { readonly kind: 'device-code'; readonly url: string; readonly code: string; readonly message: string }
  | { readonly kind: 'signed-in'; readonly method: SignInMethod };

export interface AzureSignInOptions {
  /** The directory (tenant) to sign in to; default: the Azure CLI's, or the account's home tenant. */
  readonly tenantId?: string;
  /**
   * Whether Porthole may ask the user to sign in (browser, then device code) when the Azure
   * CLI has no login. Default false: `azure.login-required` ("run `az login`, or sign in
   * from Porthole"), which is what scripts and background checks want.
   */
  readonly interactive?: boolean;
  /** Whether a browser can be opened here (default: guessed by `browserAvailable`). */
  readonly browserAvailable?: boolean;
  readonly onSignIn?: (step: AzureSignInStep) => void;
  /** The credential behind each method (tests give their own; default: @azure/identity's). */
  readonly credentialFor?: (method: SignInMethod, options: CredentialOptions) => TokenCredential;
}

export interface CredentialOptions {
  readonly tenantId?: string;
  readonly onDeviceCode: (step: Extract<AzureSignInStep, { kind: 'device-code' }>) => void;
}

/** A desktop session can show a browser; an SSH session to a Linux box without X/Wayland cannot. */
export function browserAvailable(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): boolean {
  if (platform === 'win32' || platform === 'darwin') return true;
  return Boolean(env['DISPLAY'] || env['WAYLAND_DISPLAY']);
}

/**
 * Which method to try after `failed` failed with `error`; null: give up with that error.
 * The Azure CLI falls through only when it has no login (or is not installed): an expired
 * CLI login says "run `az login` again" rather than opening a second, unrelated sign-in.
 */
export function nextSignInMethod(failed: SignInMethod, error: PortholeError, options: { interactive: boolean; browser: boolean }): SignInMethod | null {
  if (error.code === 'cloud.cancelled') return null;
  if (failed === 'azure-cli') {
    if (error.code !== 'azure.login-required' || !options.interactive) return null;
    return options.browser ? 'browser' : 'device-code';
  }
  if (failed === 'browser') return 'device-code';
  return null;
}

function defaultCredentialFor(method: SignInMethod, options: CredentialOptions): TokenCredential {
  const tenant = options.tenantId === undefined ? {} : { tenantId: options.tenantId };
  switch (method) {
    case 'azure-cli':
      return new AzureCliCredential({ ...tenant, processTimeoutInMs: 60_000 });
    case 'browser':
      return new InteractiveBrowserCredential({ ...tenant, redirectUri: 'http://localhost' });
    case 'device-code':
      return deviceCodeCredential(options);
  }
}

/**
 * The device-code credential as Porthole builds it: Microsoft's code and address go to
 * `onDeviceCode`. `identity`: more @azure/identity options (the tests' own Entra ID host).
 */
export function deviceCodeCredential(options: CredentialOptions, identity: Omit<DeviceCodeCredentialOptions, 'tenantId' | 'userPromptCallback'> = {}): TokenCredential {
  return new DeviceCodeCredential({
    ...identity,
    ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    userPromptCallback: (info) => options.onDeviceCode({ kind: 'device-code', url: info.verificationUri, code: info.userCode, message: info.message }),
  });
}

/** Tokens are reused until five minutes before they expire (the Azure CLI takes a second or two per token). */
const REUSE_MARGIN_MS = 5 * 60_000;

/** `work`, or a cancellation as soon as `signal` aborts (a sign-in that does not watch the signal is walked away from). */
async function unlessAborted<T>(work: Promise<T>, signal: GetTokenOptions['abortSignal']): Promise<T> {
  if (!signal) return work;
  let onAbort = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelled('sign in to Azure'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The chain as one TokenCredential for the SDK clients. It remembers the method that worked,
 * shares one sign-in between concurrent callers (so the browser opens once), and reuses
 * tokens per scope until shortly before they expire.
 */
export class AzureSignIn implements TokenCredential {
  private method: SignInMethod | null = null;
  private readonly credentials = new Map<SignInMethod, TokenCredential>();
  private readonly tokens = new Map<string, AccessToken>();
  private readonly pending = new Map<string, Promise<AccessToken>>();
  /** Aborts the sign-in in flight (the one shared by every caller). */
  private acquiring: AbortController | null = null;

  constructor(private readonly options: AzureSignInOptions = {}) {}

  /** The method that signed in, once one did. */
  get signedInWith(): SignInMethod | null {
    return this.method;
  }

  /** Whether a sign-in (or a token request) is under way now. */
  get signingIn(): boolean {
    return this.pending.size > 0;
  }

  /**
   * The user gave up on the sign-in (Cancel in the app): every caller waiting for it gets
   * `cloud.cancelled`, and a browser or device-code sign-in stops being waited for. The
   * next getToken starts afresh.
   */
  cancel(): void {
    this.acquiring?.abort();
  }

  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const key = [scopes].flat().join(' ');
    const cached = this.tokens.get(key);
    if (cached && cached.expiresOnTimestamp - Date.now() > REUSE_MARGIN_MS && !options.claims) return cached;
    let pending = this.pending.get(key);
    if (!pending) {
      // Shared by every caller, so no one caller's AbortSignal ends it: a caller that gives up
      // stops waiting, and a browser sign-in left open can still complete for the next one.
      const { abortSignal: _ignored, ...shared } = options;
      pending = this.acquire(scopes, shared).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    const token = await unlessAborted(pending, options.abortSignal);
    this.tokens.set(key, token);
    return token;
  }

  private async acquire(scopes: string | string[], options: GetTokenOptions): Promise<AccessToken> {
    const interactive = this.options.interactive ?? false;
    const browser = this.options.browserAvailable ?? browserAvailable();
    const abort = new AbortController();
    this.acquiring = abort;
    try {
      return await this.acquireWith(scopes, { ...options, abortSignal: abort.signal }, interactive, browser);
    } finally {
      if (this.acquiring === abort) this.acquiring = null;
    }
  }

  private async acquireWith(scopes: string | string[], options: GetTokenOptions, interactive: boolean, browser: boolean): Promise<AccessToken> {
    let method: SignInMethod = this.method ?? 'azure-cli';
    for (;;) {
      try {
        // Once signed in, the browser credential answers from MSAL's cache without opening a page.
        if (method === 'browser' && this.method === null) this.options.onSignIn?.({ kind: 'browser' });
        // A credential that does not watch the signal is walked away from all the same.
        const token = await unlessAborted(this.credential(method).getToken(scopes, options), options.abortSignal);
        if (token === null) throw Object.assign(new Error(`${method} returned no token`), { name: 'CredentialUnavailableError' });
        if (this.method !== method) this.options.onSignIn?.({ kind: 'signed-in', method });
        this.method = method;
        return token;
      } catch (error) {
        const failure = classifyAzureError(error, { doing: 'sign in to Azure' });
        // A method that worked before and fails now (an expired login) is not retried with another.
        const next: SignInMethod | null = this.method === null ? nextSignInMethod(method, failure, { interactive, browser }) : null;
        if (next === null) throw failure;
        method = next;
      }
    }
  }

  private credential(method: SignInMethod): TokenCredential {
    let credential = this.credentials.get(method);
    if (!credential) {
      const make = this.options.credentialFor ?? defaultCredentialFor;
      credential = make(method, {
        ...(this.options.tenantId === undefined ? {} : { tenantId: this.options.tenantId }),
        onDeviceCode: (step) => this.options.onSignIn?.(step),
      });
      this.credentials.set(method, credential);
    }
    return credential;
  }
}
