/**
 * One saved host's live session, as the window and the tray see it: a notebook (ssh ->
 * Jupyter -> forward -> ready, via NotebookSession) or only the host's saved forwards (an
 * SshConnection and a ForwardSet). It turns the engine's states into SessionViews, notes
 * what deserves a log line, and knows how to open the browser without the token leaving
 * main. A retry builds a fresh session from the current profile, so a fix the user made
 * (an edited host, a newly installed key) is picked up.
 */
import type { CloudProvider } from '../cloud/provider';
import type { ForwardStatusView, SessionStateView, SessionView } from '../ipc/contract';
import type { CloudLink, Profile } from '../profiles';
import type { ResolvedAddress } from '../session/cloud-link';
import type { IdleEvent } from '../session/idle-watcher';
import { PortholeError, toErrorInfo, type PortholeErrorInfo } from '../shared/errors';
import { HubSession } from '../session/hub-session';
import { JumpProbe, jumpChainProfile } from '../session/jump-probe';
import { NotebookSession, type NotebookEngine } from '../session/notebook-session';
import type { SessionState } from '../session/notebook-session-state';
import type { SshConnection } from '../ssh/connection';
import { listRunningServers } from '../jupyter/launcher';
import { ForwardSet } from '../tunnels/forward-set';
import { CloudHost, type CloudMachineEvents, type IdleWatchTiming } from './cloud-host';
import { promptTimedOut } from './prompt-broker';
import type { HostPrompter } from './host-prompter';
import { forwardsStateView, leftRunningView, notebookStateView, type SessionExtras } from './views';

export interface HostSessionDeps {
  readonly prompter: HostPrompter;
  /** `resolved`: where a cloud host's VM is now (the bring-up's answer). */
  readonly connect: (profile: Profile, resolved?: ResolvedAddress) => Promise<SshConnection>;
  /** The notebook password of a password-mode host, from the vault. */
  readonly notebookPassword: (profile: Profile) => Promise<string | null>;
  readonly onChange: () => void;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Which prompt (if any) waits on the user for this host. */
  readonly openPromptId: () => string | null;
  readonly now?: () => number;
  /** Cloud hosts: the provider of the host's account; without it a cloud host cannot start. */
  readonly cloudProvider?: (link: CloudLink) => Promise<CloudProvider>;
  /** Cloud hosts: idle warnings and stops, for notifications. */
  readonly onIdleEvent?: (event: IdleEvent) => void;
  /** Cloud hosts: keeps the address the VM was reached at, for the host list. */
  readonly rememberAddress?: (address: string) => Promise<void>;
  /** Cloud hosts: the machine as seen, started and stopped, for the Cloud screen and the started list. */
  readonly cloudEvents?: CloudMachineEvents;
  /** Idle auto-stop's pace and clock (tests drive both). */
  readonly idleWatch?: IdleWatchTiming;
}

type Engine =
  /** A cloud host's VM on its way up (CloudHost has the details). */
  | { readonly kind: 'bringing-up' }
  | { readonly kind: 'preparing' }
  | { readonly kind: 'notebook'; readonly connection: SshConnection; readonly session: NotebookEngine }
  | { readonly kind: 'forwards'; readonly connection: SshConnection; forwards: ForwardSet | null }
  | { readonly kind: 'failed-early'; readonly error: PortholeErrorInfo }
  /** Stopped before the engine existed (while a key passphrase was being asked, say). */
  | { readonly kind: 'closed-early' };

export class HostSession {
  private engine: Engine = { kind: 'preparing' };
  private retryAt = 0;
  private stopped: Promise<void> | null = null;
  private extraForwards: ForwardSet | null = null;
  private lastLogged = '';
  readonly startedAt: number;
  private readonly now: () => number;
  /** Resolves with the first ready (true) or the first failure/stop (false). */
  readonly firstReady: Promise<boolean>;
  private settleFirst: (ready: boolean) => void = () => undefined;
  /** The cloud side of a cloud host; null for a host with a fixed address. */
  private readonly cloud: CloudHost | null;
  /** Cancels the VM bring-up when the session is stopped before SSH started. */
  private readonly cancelBringUp = new AbortController();

  constructor(
    readonly profile: Profile,
    readonly mode: 'notebook' | 'forwards',
    private readonly deps: HostSessionDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
    this.firstReady = new Promise((resolve) => (this.settleFirst = resolve));
    this.cloud = profile.cloud === undefined ? null : this.cloudHost({ ...profile, cloud: profile.cloud });
    if (this.cloud !== null) this.engine = { kind: 'bringing-up' };
  }

  private cloudHost(profile: Profile & { readonly cloud: CloudLink }): CloudHost {
    const { cloudProvider, onIdleEvent, rememberAddress, idleWatch, cloudEvents } = this.deps;
    return new CloudHost(profile, {
      provider: cloudProvider ?? (() => Promise.reject(new PortholeError({ code: 'cloud.provider-unavailable', message: 'This Porthole cannot reach the cloud of this host.', retryable: false }))),
      onChange: () => this.changed(),
      log: this.deps.log,
      now: this.now,
      ...(onIdleEvent ? { onIdleEvent } : {}),
      ...(rememberAddress ? { rememberAddress } : {}),
      ...(idleWatch === undefined ? {} : { idleWatch }),
      ...(cloudEvents === undefined ? {} : { events: cloudEvents }),
      // Behind jump hosts, the VM's SSH greeting is looked for from the last of them.
      ...(profile.jumpHosts.length === 0 ? {} : { jumpProbe: () => new JumpProbe(() => this.deps.connect(jumpChainProfile(profile))) }),
    });
  }

  get name(): string {
    return this.profile.name;
  }

  /** Brings a cloud host's VM up, builds the engine (which may already ask for a key passphrase) and starts it. */
  async start(): Promise<void> {
    this.changed();
    try {
      let resolved: ResolvedAddress | undefined;
      if (this.cloud) {
        resolved = await this.cloud.bringUpVm(this.cancelBringUp.signal);
        if (this.stopped) return;
        this.engine = { kind: 'preparing' };
        this.changed();
      }
      const connection = await this.deps.connect(this.profile, resolved);
      if (this.stopped) {
        await connection.dispose();
        return;
      }
      if (this.mode === 'notebook') await this.startNotebook(connection);
      else await this.startForwards(connection);
    } catch (error) {
      if (this.stopped) return;
      this.engine = { kind: 'failed-early', error: this.explain(toErrorInfo(error)) };
      this.settleFirst(false);
      this.changed();
    }
  }

  private async startNotebook(connection: SshConnection): Promise<void> {
    const { jupyter } = this.profile;
    if (jupyter.hub !== undefined) return this.runNotebook(connection, new HubSession(connection, { port: jupyter.hub.port, scheme: jupyter.hub.scheme, localPort: jupyter.localPort ?? null, onConnectionError: this.logConnectionError }));
    const password = jupyter.auth === 'password' ? await this.deps.notebookPassword(this.profile) : null;
    if (jupyter.auth === 'password' && password === null) {
      throw new PortholeError({ code: 'jupyter.password-missing', message: `The host "${this.profile.name}" uses a notebook password, and none is saved yet.`, hint: 'Edit the host and type the notebook password once; Porthole keeps it in your keychain-protected vault.', retryable: false });
    }
    const session = new NotebookSession(connection, {
      flavour: jupyter.flavour,
      env: jupyter.env,
      rootDir: jupyter.rootDir ?? null,
      password,
      localPort: jupyter.localPort ?? null,
      stopServerOnClose: jupyter.stopOnDisconnect,
      onConnectionError: this.logConnectionError,
    });
    return this.runNotebook(connection, session);
  }

  private async runNotebook(connection: SshConnection, session: NotebookEngine): Promise<void> {
    this.engine = { kind: 'notebook', connection, session };
    session.onStateChange((state, previous) => this.onNotebookState(state, previous));
    connection.onStateChange((state) => {
      if (state.kind === 'ready') void this.deps.prompter.commitRemembered();
    });
    this.changed();
    await session.start().catch(() => undefined);
  }

  private onNotebookState(state: SessionState, previous: SessionState): void {
    if (state.kind === 'reconnecting') this.retryAt = this.now() + state.delayMs;
    if (state.kind === 'ready') {
      this.settleFirst(true);
      if (previous.kind !== 'reconnecting') void this.openExtraForwards();
      if (this.engine.kind === 'notebook' && previous.kind !== 'reconnecting') {
        const session = this.engine.session;
        const hub = this.profile.jupyter.hub !== undefined;
        const idleMinutes = this.profile.cloud?.idleStopMinutes;
        if (hub && idleMinutes !== undefined) {
          // Idle auto-stop reads Jupyter's API with its token; the VM's own hub gives Porthole none.
          this.deps.log('warn', `Idle auto-stop cannot watch the JupyterHub on this VM (Porthole has no token for it), so the VM is not stopped after ${idleMinutes} idle minutes.`);
        } else if (!hub) {
          // Idle auto-stop: Jupyter, not the VM, ends the session first (cleanly), then the VM stops.
          this.cloud?.watchIdle(() => session.apiAccess(), () => this.stop({ stopServer: true, stopVm: false }));
        }
      }
    }
    if (state.kind === 'failed' || state.kind === 'closed') this.settleFirst(false);
    this.changed();
  }

  private async startForwards(connection: SshConnection): Promise<void> {
    const engine: Extract<Engine, { kind: 'forwards' }> = { kind: 'forwards', connection, forwards: null };
    this.engine = engine;
    connection.onStateChange((state) => {
      if (state.kind === 'reconnecting') this.retryAt = this.now() + state.delayMs;
      if (state.kind === 'ready') void this.deps.prompter.commitRemembered();
      if (state.kind === 'failed' || state.kind === 'closed') this.settleFirst(false);
      this.changed();
    });
    this.changed();
    try {
      await connection.start();
      engine.forwards = await ForwardSet.open(this.profile.forwards, connection, this.forwardOptions());
      this.settleFirst(true);
      this.changed();
    } catch (error) {
      if (this.stopped) return;
      this.engine = { kind: 'failed-early', error: this.explain(toErrorInfo(error)) };
      await connection.dispose();
      this.settleFirst(false);
      this.changed();
    }
  }

  /** One connection through a forward (the notebook's or a saved one) not carried: to the log; the forward goes on. */
  private readonly logConnectionError = (error: unknown): void => this.deps.log('warn', toErrorInfo(error).message);

  /** Failures of the forwards once open (a remote port lost, one connection not carried) go to the log. */
  private forwardOptions(): Parameters<typeof ForwardSet.open>[2] {
    return {
      onRemoteError: (error) => this.deps.log('warn', error.message),
      onConnectionError: this.logConnectionError,
    };
  }

  /** A notebook host's saved forwards ride along on its connection once the notebook is ready. */
  private async openExtraForwards(): Promise<void> {
    if (this.engine.kind !== 'notebook' || this.profile.forwards.length === 0 || this.extraForwards) return;
    try {
      this.extraForwards = await ForwardSet.open(this.profile.forwards, this.engine.connection, this.forwardOptions());
      this.changed();
    } catch (error) {
      this.deps.log('warn', `The saved forwards of ${this.profile.name} did not open: ${toErrorInfo(error).message}`);
    }
  }

  /** A failure that came from an unanswered question says so, rather than "login refused". */
  private explain(error: PortholeErrorInfo): PortholeErrorInfo {
    const what = this.deps.prompter.timedOut;
    if (what !== null && error.code === 'ssh.auth-failed') return promptTimedOut(what, 0).toInfo();
    return error;
  }

  view(): SessionView {
    const state = this.stateView();
    this.logTransition(state);
    return { host: this.profile.name, mode: this.mode, state, startedAt: this.startedAt, startedServer: this.startedServer(), cloud: this.cloud?.view() ?? null };
  }

  private stateView(): SessionStateView {
    const extras: SessionExtras = { retryAt: this.retryAt, promptId: this.deps.openPromptId(), forwards: this.forwardStatus(), leftRunning: null };
    switch (this.engine.kind) {
      case 'bringing-up':
        return this.cloud?.stateView() ?? { kind: 'connecting', attempt: 1 };
      case 'preparing':
        return extras.promptId ? { kind: 'awaiting-user', promptId: extras.promptId } : { kind: 'connecting', attempt: 1 };
      case 'failed-early':
        return { kind: 'failed', error: this.engine.error };
      case 'closed-early':
        return { kind: 'closed', leftRunning: null };
      case 'notebook': {
        const state = this.engine.session.snapshot();
        const view = notebookStateView(state, { ...extras, leftRunning: leftRunningView(this.engine.session.leftRunning) });
        return view.kind === 'failed' ? { kind: 'failed', error: this.explain(view.error) } : view;
      }
      case 'forwards': {
        const view = forwardsStateView(this.engine.connection.snapshot(), this.engine.forwards !== null, extras);
        return view.kind === 'failed' ? { kind: 'failed', error: this.explain(view.error) } : view;
      }
    }
  }

  private forwardStatus(): ForwardStatusView[] {
    const set = this.engine.kind === 'forwards' ? this.engine.forwards : this.extraForwards;
    if (!set) return [];
    const described = set.describe();
    return this.profile.forwards.map((spec, index) => {
      const info = described[index];
      const boundPort = info === undefined ? spec.bindPort : info.kind === 'remote' ? info.remotePort : info.localPort;
      return { spec, boundPort };
    });
  }

  /** Whether Porthole started (rather than reused) the server this session uses. */
  startedServer(): boolean {
    if (this.engine.kind !== 'notebook') return false;
    const state = this.engine.session.snapshot();
    return (state.kind === 'ready' || state.kind === 'reconnecting') && !state.notebook.reused;
  }

  /** The live notebook's facts while it is ready or reconnecting. */
  notebook(): { pid: number; remotePort: number } | null {
    if (this.engine.kind !== 'notebook') return null;
    const state = this.engine.session.snapshot();
    return state.kind === 'ready' || state.kind === 'reconnecting' ? { pid: state.notebook.serverPid, remotePort: state.notebook.remotePort } : null;
  }

  /** For a ready hub with a self-signed certificate: why the browser warns about it. */
  certificateNote(): string | null {
    if (this.engine.kind !== 'notebook') return null;
    const state = this.engine.session.snapshot();
    return state.kind === 'ready' ? (state.notebook.hub?.certificateNote ?? null) : null;
  }

  /** The URL with the token, for the browser handoff only; null unless ready. */
  browserUrl(): string | null {
    return this.engine.kind === 'notebook' ? this.engine.session.browserUrl() : null;
  }

  get connection(): SshConnection | null {
    return this.engine.kind === 'notebook' || this.engine.kind === 'forwards' ? this.engine.connection : null;
  }

  /** Whether this session is finished (failed or closed) and may be replaced. */
  isOver(): boolean {
    const kind = this.stateView().kind;
    return kind === 'failed' || kind === 'closed';
  }

  canRestartServer(): boolean {
    return this.engine.kind === 'notebook' && this.engine.session.snapshot().kind === 'server-stopped';
  }

  async restartServer(): Promise<void> {
    if (this.engine.kind !== 'notebook') return;
    await this.engine.session.restart().catch(() => undefined);
  }

  resume(): void {
    this.connection?.resume();
  }

  /** Running Jupyter servers of the host's user, through this session's connection. */
  async listServers(): Promise<{ pid: number; port: number; rootDir: string; version: string | null; kind: string }[]> {
    const client = this.connection?.client ?? null;
    if (client === null) {
      throw new PortholeError({ code: 'ssh.not-connected', message: `${this.profile.name} is not connected right now.`, hint: 'Launch the notebook or connect first.', retryable: true });
    }
    const { servers } = await listRunningServers(client);
    return servers.map((server) => ({ pid: server.pid, port: server.port, rootDir: server.rootDir, version: server.version, kind: server.kind }));
  }

  /**
   * Disconnects. A cloud host's VM is stopped too when the host says so (stopVmOnDisconnect),
   * or when `stopVm` overrides that either way.
   */
  stop(options: { readonly stopServer?: boolean; readonly stopVm?: boolean } = {}): Promise<void> {
    this.stopped ??= (async () => {
      this.deps.prompter.cancelOpenQuestions();
      this.cancelBringUp.abort();
      await this.extraForwards?.close();
      const engine = this.engine;
      if (engine.kind === 'bringing-up' || engine.kind === 'preparing' || engine.kind === 'failed-early') this.engine = { kind: 'closed-early' };
      if (engine.kind === 'notebook') await engine.session.stop(options);
      else if (engine.kind === 'forwards') {
        await engine.forwards?.close();
        await engine.connection.dispose();
      }
      this.settleFirst(false);
      this.changed();
      await this.cloud?.onSessionEnd(options.stopVm === undefined ? {} : { stopVm: options.stopVm });
    })();
    return this.stopped;
  }

  private changed(): void {
    this.deps.onChange();
  }

  /** One log line per change of what the card says, with the engine's message on failure. */
  private logTransition(state: SessionStateView): void {
    const line = describeForLog(state);
    if (line === this.lastLogged) return;
    this.lastLogged = line;
    const level = state.kind === 'failed' ? 'error' : state.kind === 'reconnecting' ? 'warn' : 'info';
    this.deps.log(level, line);
  }
}

function describeForLog(state: SessionStateView): string {
  switch (state.kind) {
    case 'starting-vm':
      return state.machineState === null ? 'Asking the cloud about the VM' : `Starting the VM (it is ${state.machineState})`;
    case 'waiting-for-ssh':
      return `The VM runs; waiting for SSH at ${state.address}`;
    case 'connecting':
      return 'Connecting';
    case 'awaiting-user':
      return 'Waiting for an answer';
    case 'starting-jupyter':
      return `Starting Jupyter (${state.phase}${state.reusing ? ', reusing the running server' : ''})`;
    case 'ready':
      return state.notebook ? `Ready at ${state.notebook.url}${state.notebook.reused ? ' (reused the running server)' : ''}` : `Connected, ${state.forwards.length} forward(s) open`;
    case 'reconnecting':
      return `Connection lost (${state.error.message}); reconnecting, attempt ${state.attempt}`;
    case 'server-stopped':
      return `Jupyter (pid ${state.notebook.serverPid}) stopped on the remote`;
    case 'stopping':
      return 'Disconnecting';
    case 'closed':
      return state.leftRunning
        ? `Disconnected; Jupyter (pid ${state.leftRunning.pid}, port ${state.leftRunning.remotePort}) ${state.leftRunning.reason === 'kept' ? 'keeps running' : 'was left running because the link was down'} on ${state.leftRunning.server}`
        : 'Disconnected';
    case 'failed':
      return `Failed: ${state.error.message}${state.error.hint ? ` ${state.error.hint}` : ''}`;
  }
}

