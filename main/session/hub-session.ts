/**
 * The notebook of a VM that already runs a JupyterHub: Azure's Data Science VM (https on
 * port 8000, with a certificate it made for itself) and The Littlest JupyterHub (http on
 * port 80). Porthole starts no Jupyter there: it connects, forwards the hub's port to this
 * computer, checks the hub answers through the tunnel, and hands out the local address; the
 * hub then asks for its own login in the browser, so no token is involved.
 *
 * It goes through the same states as NotebookSession (the pure machine in
 * notebook-session-state.ts: connecting -> locating -> starting -> forwarding -> probing ->
 * ready, reconnecting across drops), so the window, the tray and the CLI show it alike.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { PortholeError, toErrorInfo } from '../shared/errors';
import type { SshConnection } from '../ssh/connection';
import type { ConnectionState } from '../ssh/connection-state';
import { LocalForward } from '../tunnels/local-forward';
import type { NotebookEngine, SessionListener } from './notebook-session';
import { INITIAL_SESSION, next, stepFor, type NotebookInfo, type SessionEvent, type SessionState, type SessionStep } from './notebook-session-state';
import { connectionEvent, firstReady, whenClosed } from './session-waits';

export interface HubOptions {
  /** Where the hub listens on the VM, and how it speaks. */
  readonly port: number;
  readonly scheme: 'http' | 'https';
  /** A stable local port; default: the hub's own port (8080 for one below 1024), or the next free one. */
  readonly localPort: number | null;
  /** How long the hub has to answer through the tunnel (default 30 s). */
  readonly probeTimeoutMs?: number;
  /** One browser connection the tunnel could not carry (the forward goes on), for the log. */
  readonly onConnectionError?: (error: unknown) => void;
}

/**
 * Why the browser warns about the Data Science VM's hub, in plain words: shown next to the
 * address and in the notice when the hub is ready.
 */
export const SELF_SIGNED_CERTIFICATE_NOTE =
  'This JupyterHub (like the one on Azure\'s Data Science VM) uses a certificate it made for itself, which no browser knows, so your browser warns that the connection is not private (for example "NET::ERR_CERT_AUTHORITY_INVALID"). ' +
  'Here the warning does not mean someone is listening in: the page travels from your computer to the VM inside Porthole\'s SSH connection, which is encrypted and checked against the VM\'s host key. ' +
  'Choose "Advanced", then "Continue to 127.0.0.1" (Chrome, Edge) or "Accept the Risk and Continue" (Firefox), and sign in to the hub as usual.';

/** Ports below 1024 need administrator rights on this side: the hub's port 80 is offered at 8080. */
function preferredLocalPort(options: HubOptions): number {
  return options.localPort ?? (options.port >= 1024 ? options.port : 8080);
}

export class HubSession implements NotebookEngine {
  private state: SessionState = INITIAL_SESSION;
  private readonly listeners = new Set<SessionListener>();
  private forward: LocalForward | null = null;
  private unsubscribeConnection: (() => void) | null = null;
  private stopping: Promise<void> | null = null;

  constructor(
    private readonly connection: SshConnection,
    private readonly options: HubOptions,
  ) {}

  snapshot(): SessionState {
    return this.state;
  }

  onStateChange(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): Promise<NotebookInfo> {
    const ready = this.whenReady();
    this.dispatch({ type: 'start' });
    return ready;
  }

  /** A hub is the VM's own service: it is never "stopped" by Porthole, so there is nothing to restart. */
  restart(): Promise<NotebookInfo> {
    return Promise.reject(new PortholeError({ code: 'jupyter.hub-not-restartable', message: "The VM's JupyterHub is not Porthole's to restart.", hint: 'Disconnect and launch again.', retryable: false }));
  }

  /** Closes the forward and the connection; the hub keeps running (it is the VM's). */
  stop(): Promise<void> {
    if (this.stopping === null) {
      this.stopping = whenClosed((listener) => this.onStateChange(listener));
      this.dispatch({ type: 'stop' });
    }
    return this.stopping;
  }

  /** The hub's local address; the hub asks for its own login, so it carries no credential. */
  browserUrl(): string | null {
    return this.state.kind === 'ready' ? this.state.notebook.url : null;
  }

  apiAccess(): null {
    return null;
  }

  get token(): null {
    return null;
  }

  get leftRunning(): null {
    return null;
  }

  private localUrl(): string {
    return `${this.options.scheme}://127.0.0.1:${this.forward!.localPort}/`;
  }

  private whenReady(): Promise<NotebookInfo> {
    return firstReady((listener) => this.onStateChange(listener));
  }

  private dispatch(event: SessionEvent): void {
    const previous = this.state;
    const state = next(previous, event);
    if (state === previous) return;
    this.state = state;
    for (const listener of [...this.listeners]) listener(state, previous);
    const step = stepFor(state, previous);
    if (step) void this.run(step);
  }

  private async run(step: Exclude<SessionStep, null>): Promise<void> {
    try {
      switch (step) {
        case 'connect':
          this.unsubscribeConnection ??= this.connection.onStateChange((state, previous) => this.onConnectionState(state, previous));
          await this.connection.start();
          return this.dispatch({ type: 'connected' });
        case 'locate':
          // Nothing to look for: the hub is where the host says.
          return this.dispatch({ type: 'located', reusing: true });
        case 'start-server':
          return this.dispatch({ type: 'server-up' });
        case 'forward':
          this.forward = await LocalForward.open(
            { kind: 'local', bindHost: '127.0.0.1', bindPort: preferredLocalPort(this.options), remoteHost: '127.0.0.1', remotePort: this.options.port },
            this.connection,
            { portFallback: this.options.localPort === null ? 'next-free' : 'fail', ...(this.options.onConnectionError ? { onConnectionError: this.options.onConnectionError } : {}) },
          );
          return this.dispatch({ type: 'forwarded' });
        case 'probe':
          return await this.probe();
        case 'shut-down':
          return await this.shutDown();
      }
    } catch (error) {
      if (this.state.kind === 'stopping' || this.state.kind === 'closed') return;
      this.dispatch({ type: 'error', error: toErrorInfo(error) });
    }
  }

  private onConnectionState(state: ConnectionState, previous: ConnectionState): void {
    const event = connectionEvent(state, previous);
    // Back online: the forward kept its port, and the hub is the VM's own and still there.
    if (event === 'reconnected') this.dispatch({ type: 'link-back' });
    else if (event !== null) this.dispatch(event);
  }

  /** Until the hub answers anything over HTTP(S) through the tunnel (its front page redirects to the login). */
  private async probe(): Promise<void> {
    const timeoutMs = this.options.probeTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    while (!(await hubAnswers(this.options.scheme, this.forward!.localPort))) {
      if (this.state.kind !== 'probing') return;
      if (Date.now() > deadline) {
        throw new PortholeError({
          code: 'jupyter.hub-not-answering',
          message: `Nothing answered ${this.options.scheme} on port ${this.options.port} of the VM within ${Math.round(timeoutMs / 1000)} s.`,
          hint:
            this.options.scheme === 'https'
              ? 'The Data Science VM starts its JupyterHub a minute or two after boot; try again shortly. If it persists, check on the VM: sudo systemctl status jupyterhub.'
              : 'Check that The Littlest JupyterHub runs on the VM (sudo tljh-config reload hub), or edit the host to start Jupyter instead.',
          retryable: true,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const forward = this.forward!;
    const notebook: NotebookInfo = {
      url: this.localUrl(),
      localPort: forward.localPort,
      remotePort: this.options.port,
      serverPid: 0,
      reused: true,
      flavour: 'server',
      version: null,
      rootDir: '',
      hub: { scheme: this.options.scheme, certificateNote: this.options.scheme === 'https' ? SELF_SIGNED_CERTIFICATE_NOTE : null },
    };
    this.dispatch({ type: 'answered', notebook });
  }

  private async shutDown(): Promise<void> {
    try {
      await this.forward?.close();
      this.unsubscribeConnection?.();
      await this.connection.dispose();
    } finally {
      this.dispatch({ type: 'stopped' });
    }
  }
}

/**
 * Whether an HTTP(S) server answers on the local end of the tunnel. The certificate is not
 * checked: the hub's is self-signed, nothing is sent but `GET /`, and the link to the VM is
 * the SSH connection, whose host key was checked.
 */
export function hubAnswers(scheme: 'http' | 'https', port: number, timeoutMs = 3_000): Promise<boolean> {
  return new Promise((resolve) => {
    const options = { host: '127.0.0.1', port, path: '/', method: 'GET', timeout: timeoutMs, headers: { 'User-Agent': 'Porthole' } };
    const request = scheme === 'https' ? httpsRequest({ ...options, rejectUnauthorized: false }) : httpRequest(options);
    request.on('response', (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
    request.end();
  });
}
