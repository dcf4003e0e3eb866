/**
 * The one flow: SSH -> find Jupyter -> start it or attach to the running one -> forward its
 * port -> wait until it answers -> ready, and keep it that way across network drops. The
 * pure machine in notebook-session-state.ts decides; this file runs the steps. The same
 * object serves the window, the tray and the CLI; it hands credentials only to main-side
 * callers (the browser opener, the CLI's machine-readable line), never to snapshots.
 */
import { PortholeError, toErrorInfo, type PortholeErrorInfo } from '../shared/errors';
import type { SshConnection } from '../ssh/connection';
import type { ConnectionState } from '../ssh/connection-state';
import {
  chooseFlavour,
  chooseReusable,
  hashPasswordRemotely,
  isServerAlive,
  listRunningServers,
  locateJupyter,
  newToken,
  portholeLogPath,
  serverLogTail,
  startJupyter,
  stopJupyter,
  type Flavour,
  type JupyterInstall,
  type StartedServer,
} from '../jupyter/launcher';
import type { EnvChoice } from '../jupyter/remote-scripts';
import { LocalForward } from '../tunnels/local-forward';
import { INITIAL_SESSION, next, stepFor, type NotebookInfo, type SessionEvent, type SessionState, type SessionStep } from './notebook-session-state';
import { connectionEvent, firstReady, whenClosed } from './session-waits';

export interface NotebookOptions {
  readonly flavour: Flavour | 'auto';
  readonly env: EnvChoice;
  readonly rootDir: string | null;
  /** Password mode: the password the user chose (hashed on the remote; used by nobody else). */
  readonly password: string | null;
  /** A stable local port; when absent Porthole uses the remote port, or the next free one. */
  readonly localPort: number | null;
  readonly stopServerOnClose: boolean;
  readonly startTimeoutMs?: number;
  readonly probeTimeoutMs?: number;
  /** How often a ready session checks that Jupyter still answers. */
  readonly healthIntervalMs?: number;
  /** Told when one connection through the notebook's forward fails (the forward goes on): for the session's log. */
  readonly onConnectionError?: (error: unknown) => void;
}

export type SessionListener = (state: SessionState, previous: SessionState) => void;

/**
 * What the window, the tray and the CLI drive a notebook with: a Jupyter Porthole found or
 * started (NotebookSession), or the VM's own JupyterHub (HubSession, hub-session.ts).
 */
export interface NotebookEngine {
  snapshot(): SessionState;
  onStateChange(listener: SessionListener): () => void;
  start(): Promise<NotebookInfo>;
  restart(): Promise<NotebookInfo>;
  stop(options?: { readonly stopServer?: boolean }): Promise<void>;
  /** For main-side use only: the address that logs the browser in (with the token where there is one). */
  browserUrl(): string | null;
  /** Jupyter's API with its token, for idle auto-stop; null where Porthole holds no token (a hub). */
  apiAccess(): { readonly baseUrl: string; readonly token: string } | null;
  readonly token: string | null;
  readonly leftRunning: LeftRunning | null;
}

/** A server this session leaves running on the remote when it ends, and why, so the user is told where. */
export interface LeftRunning {
  readonly server: string;
  readonly pid: number;
  readonly remotePort: number;
  readonly rootDir: string;
  /** `kept`: not asked to stop it; `unreachable`: asked to, but the link was down or the stop failed. */
  readonly reason: 'kept' | 'unreachable';
}

function trimSlash(dir: string): string {
  return dir.replace(/\/+$/, '') || '/';
}

/** Milliseconds spent in each setup phase, for the benchmark and diagnostics. */
export type PhaseTimings = Partial<Record<'ssh' | 'locate' | 'start' | 'forward' | 'probe', number>>;

export class NotebookSession implements NotebookEngine {
  private state: SessionState = INITIAL_SESSION;
  private readonly listeners = new Set<SessionListener>();
  private install: JupyterInstall | null = null;
  private flavour: Flavour = 'lab';
  private reuse: StartedServer | null = null;
  private server: StartedServer | null = null;
  private forward: LocalForward | null = null;
  private healthTimer: NodeJS.Timeout | null = null;
  private unsubscribeConnection: (() => void) | null = null;
  private phaseStartedAt = 0;
  readonly timings: PhaseTimings = {};
  private stopping: Promise<void> | null = null;
  private stopServerOverride: boolean | null = null;
  private left: LeftRunning | null = null;

  constructor(
    private readonly connection: SshConnection,
    private readonly options: NotebookOptions,
  ) {}

  snapshot(): SessionState {
    return this.state;
  }

  onStateChange(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs the flow; resolves when the notebook answers, rejects with a PortholeError otherwise. */
  start(): Promise<NotebookInfo> {
    const ready = this.whenReady();
    this.dispatch({ type: 'start' });
    return ready;
  }

  /** The token, for main-side use only (opening the browser, the CLI's --json line). */
  get token(): string | null {
    return this.server?.info.token ?? null;
  }

  /** The URL to open the first time: with the token in token mode, plain in password mode. */
  browserUrl(): string | null {
    if (this.state.kind !== 'ready' || !this.server) return null;
    const url = new URL(this.state.notebook.url);
    if (!this.options.password) url.searchParams.set('token', this.server.info.token);
    return url.toString();
  }

  /**
   * The notebook's API through the local forward, with the token, while ready: for main-side
   * watchers (idle auto-stop) only, never for a snapshot.
   */
  apiAccess(): { readonly baseUrl: string; readonly token: string } | null {
    if (this.state.kind !== 'ready' || !this.server || !this.forward) return null;
    return { baseUrl: this.apiBase(), token: this.server.info.token };
  }

  /** After the server stopped on its own: find and start Jupyter again, same local port. */
  restart(): Promise<NotebookInfo> {
    const ready = this.whenReady();
    this.dispatch({ type: 'restart' });
    return ready;
  }

  /**
   * Closes the forward and the connection. Stops the server when `stopServer` says so, or
   * else when the session was created with stopServerOnClose.
   */
  stop(options: { readonly stopServer?: boolean } = {}): Promise<void> {
    if (this.stopping === null && options.stopServer !== undefined) this.stopServerOverride = options.stopServer;
    if (this.stopping === null) {
      this.stopping = whenClosed((listener) => this.onStateChange(listener));
      this.dispatch({ type: 'stop' });
    }
    return this.stopping;
  }

  private whenReady(): Promise<NotebookInfo> {
    return firstReady((listener) => this.onStateChange(listener));
  }

  /** The server stopped on its own (server-stopped), so nothing is left running when the session ends. */
  private serverKnownGone = false;

  private dispatch(event: SessionEvent): void {
    const previous = this.state;
    const state = next(previous, event);
    if (state === previous) return;
    this.state = state;
    if (state.kind === 'server-stopped') this.serverKnownGone = true;
    else if (state.kind === 'ready') this.serverKnownGone = false;
    this.recordTiming(previous);
    for (const listener of [...this.listeners]) listener(state, previous);
    const step = stepFor(state, previous);
    if (step) void this.run(step);
  }

  private recordTiming(previous: SessionState): void {
    const now = performance.now();
    const phase = { connecting: 'ssh', locating: 'locate', starting: 'start', forwarding: 'forward', probing: 'probe' }[previous.kind as string] as keyof PhaseTimings | undefined;
    if (phase) this.timings[phase] = (this.timings[phase] ?? 0) + (now - this.phaseStartedAt);
    this.phaseStartedAt = now;
  }

  private async run(step: Exclude<SessionStep, null>): Promise<void> {
    try {
      switch (step) {
        case 'connect':
          return await this.connect();
        case 'locate':
          return await this.locate();
        case 'start-server':
          return await this.startServer();
        case 'forward':
          return await this.openForward();
        case 'probe':
          return await this.probe();
        case 'shut-down':
          return await this.shutDown();
      }
    } catch (error) {
      if (this.state.kind === 'stopping' || this.state.kind === 'closed') return;
      this.dispatch({ type: 'error', error: await this.withLog(toErrorInfo(error)) });
    }
  }

  private async connect(): Promise<void> {
    this.unsubscribeConnection ??= this.connection.onStateChange((state: ConnectionState, previous: ConnectionState) => this.onConnectionState(state, previous));
    await this.connection.start();
    this.dispatch({ type: 'connected' });
  }

  private onConnectionState(state: ConnectionState, previous: ConnectionState): void {
    const event = connectionEvent(state, previous);
    if (event === 'reconnected') void this.afterReconnect();
    else if (event !== null) this.dispatch(event);
  }

  /** Back online: the forward kept its port; check the server is still there. */
  private async afterReconnect(): Promise<void> {
    if (this.state.kind !== 'reconnecting') return;
    if (await this.answers()) this.dispatch({ type: 'link-back' });
    else if (await this.serverGone()) this.dispatch({ type: 'server-gone' });
    else this.dispatch({ type: 'link-back' });
  }

  private requireClient() {
    const client = this.connection.client;
    if (client === null) throw new PortholeError({ code: 'ssh.not-connected', message: `Not connected to ${this.connection.server}.`, retryable: true });
    return client;
  }

  private async locate(): Promise<void> {
    const client = this.requireClient();
    // A reused server in password mode must have been started with the password we hold;
    // that cannot be checked, so password mode always starts its own.
    const mayReuse = !this.options.password;
    // Both at once on two channels: the shell-only scan answers a warm start without
    // waiting for Python; a cold start waits only for the full search.
    const full = locateJupyter(client, this.options.env);
    full.catch(() => undefined);
    if (mayReuse && this.options.flavour === 'auto' && this.options.env.kind === 'auto') {
      const quick = await listRunningServers(client).catch(() => null);
      const root = this.options.rootDir ?? quick?.home ?? '';
      const server = quick?.servers.find((info) => info.token !== '' && info.sock === null && trimSlash(info.rootDir) === trimSlash(root));
      if (server) {
        this.install = null;
        this.reuse = { info: server, logPath: portholeLogPath(server.runtimeDir, server.pid), reused: true };
        this.dispatch({ type: 'located', reusing: true });
        return;
      }
    }
    const located = await full;
    this.install = located.install;
    this.flavour = chooseFlavour(located.install, this.options.flavour);
    const reusable = mayReuse ? chooseReusable(located.running, { flavour: this.flavour, rootDir: this.options.rootDir, home: located.install.home, versions: located.install.versions }) : null;
    this.reuse = reusable ? { info: reusable, logPath: portholeLogPath(located.install.runtimeDir, reusable.pid), reused: true } : null;
    this.dispatch({ type: 'located', reusing: this.reuse !== null });
  }

  private async startServer(): Promise<void> {
    if (this.reuse) {
      this.server = this.reuse;
    } else {
      const install = this.install!;
      const client = this.requireClient();
      const passwordHash = this.options.password ? await hashPasswordRemotely(client, install, this.options.password) : null;
      this.server = await startJupyter(client, install, {
        flavour: this.flavour,
        rootDir: this.options.rootDir,
        // In password mode the token still lets Porthole itself check and stop the server; the browser uses the password.
        token: newToken(),
        passwordHash,
        port: this.options.localPort ?? 8888,
        ...(this.options.startTimeoutMs ? { timeoutMs: this.options.startTimeoutMs } : {}),
      });
    }
    this.dispatch({ type: 'server-up' });
  }

  private async openForward(): Promise<void> {
    const info = this.server!.info;
    if (this.forward) {
      // Restart after the server stopped: keep the local port the browser knows.
      await this.forward.close();
    }
    const preferred = this.forward?.localPort ?? this.options.localPort ?? info.port;
    this.forward = await LocalForward.open(
      { kind: 'local', bindHost: '127.0.0.1', bindPort: preferred, remoteHost: '127.0.0.1', remotePort: info.port },
      this.connection,
      { portFallback: this.options.localPort ? 'fail' : 'next-free', ...(this.options.onConnectionError ? { onConnectionError: this.options.onConnectionError } : {}) },
    );
    this.dispatch({ type: 'forwarded' });
  }

  private apiBase(): string {
    const base = this.server!.info.baseUrl || '/';
    return `http://127.0.0.1:${this.forward!.localPort}${base.endsWith('/') ? base : `${base}/`}`;
  }

  /** GET /api/status through the tunnel until it answers 200. */
  private async probe(): Promise<void> {
    const deadline = Date.now() + (this.options.probeTimeoutMs ?? 30_000);
    while (!(await this.answers())) {
      if (Date.now() > deadline) {
        throw new PortholeError({ code: 'jupyter.not-answering', message: `Jupyter started but did not answer at ${this.apiBase()} within ${Math.round((this.options.probeTimeoutMs ?? 30_000) / 1000)} s.`, hint: 'See its last output below; the server may be overloaded or crashing.', retryable: true });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const server = this.server!;
    const base = this.apiBase();
    if (this.install === null) await this.learnFromServer();
    const page = this.flavour === 'lab' ? 'lab' : this.flavour === 'notebook' ? 'tree' : '';
    const notebook: NotebookInfo = {
      url: `${base}${page}`,
      localPort: this.forward!.localPort,
      remotePort: server.info.port,
      serverPid: server.info.pid,
      reused: server.reused,
      flavour: this.flavour,
      version: this.versionOf(),
      rootDir: server.info.rootDir,
    };
    this.dispatch({ type: 'answered', notebook });
    this.startHealthChecks();
  }

  /** A server reused through the fast path: ask it what it is (version, Lab or Notebook pages). */
  private async learnFromServer(): Promise<void> {
    const server = this.server!;
    const get = (path: string) =>
      fetch(new URL(path, this.apiBase()), { headers: { Authorization: `token ${server.info.token}` }, redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    const [api, lab] = await Promise.all([get('api').catch(() => null), server.info.kind === 'notebook6' ? null : get('lab').catch(() => null)]);
    const body = api && api.ok ? ((await api.json()) as { version?: unknown }) : {};
    await lab?.body?.cancel();
    this.serverVersion = typeof body.version === 'string' ? body.version : server.info.version;
    this.flavour = server.info.kind === 'notebook6' ? 'notebook' : lab?.status === 200 ? 'lab' : 'notebook';
  }

  private serverVersion: string | null = null;

  private versionOf(): string | null {
    const v = this.install?.versions;
    if (!v) return this.serverVersion;
    if (this.flavour === 'lab') return v.jupyterlab;
    if (this.flavour === 'notebook') return v.notebook;
    return v.jupyterServer;
  }

  private async answers(): Promise<boolean> {
    if (!this.forward || !this.server) return false;
    try {
      const response = await fetch(new URL('api/status', this.apiBase()), {
        headers: { Authorization: `token ${this.server.info.token}` },
        signal: AbortSignal.timeout(3_000),
      });
      await response.body?.cancel();
      return response.status === 200;
    } catch {
      return false;
    }
  }

  private async serverGone(): Promise<boolean> {
    const client = this.connection.client;
    if (!client || !this.server) return false;
    try {
      return !(await isServerAlive(client, this.server.info.pid));
    } catch {
      return false;
    }
  }

  private startHealthChecks(): void {
    this.stopHealthChecks();
    this.healthTimer = setInterval(() => {
      if (this.state.kind !== 'ready') return;
      void (async () => {
        if (await this.answers()) return;
        if (this.state.kind === 'ready' && (await this.serverGone())) this.dispatch({ type: 'server-gone' });
      })();
    }, this.options.healthIntervalMs ?? 15_000);
    this.healthTimer.unref();
  }

  private stopHealthChecks(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = null;
  }

  /** After stop(): the server left running on the remote, if any (null when stopped, gone, or never started). */
  get leftRunning(): LeftRunning | null {
    return this.left;
  }

  private async shutDown(): Promise<void> {
    this.stopHealthChecks();
    try {
      const client = this.connection.client;
      const wantStop = this.stopServerOverride ?? this.options.stopServerOnClose;
      // Asked to stop on close: the server this session used goes, started or reused.
      let stopped = false;
      if (wantStop && this.server && client) {
        stopped = await stopJupyter(client, this.server, this.forward ? this.apiBase() : null).then(
          () => true,
          () => false,
        );
      }
      // While reconnecting there is no link to stop it through: say so, and where it runs.
      if (this.server && !stopped && !this.serverKnownGone) {
        const { info } = this.server;
        this.left = { server: this.connection.server, pid: info.pid, remotePort: info.port, rootDir: info.rootDir, reason: wantStop ? 'unreachable' : 'kept' };
      }
    } finally {
      await this.forward?.close();
      this.unsubscribeConnection?.();
      await this.connection.dispose();
      this.dispatch({ type: 'stopped' });
    }
  }

  /** Errors from starting Jupyter are more useful with what Jupyter printed last. */
  private async withLog(error: PortholeErrorInfo): Promise<PortholeErrorInfo> {
    if (error.code !== 'jupyter.not-answering') return error;
    const client = this.connection.client;
    const tail = client && this.server ? await serverLogTail(client, this.server.logPath).catch(() => '') : '';
    return tail ? { ...error, message: `${error.message}\nJupyter's last output:\n${tail}` } : error;
  }
}
