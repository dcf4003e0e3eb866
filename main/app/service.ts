/**
 * The desktop service: everything the window, the tray and the browser tests drive, with
 * no `electron` import. It owns the stores, one session per saved host and the prompts,
 * implements every IPC command, and pushes an event whenever something the renderer shows
 * changes. The Electron shell only registers `handlers` and relays `onEvent` to the window.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { CommandHandlers } from '../ipc/dispatch';
import type { EventName, EventPayload, HostView, ImportPreviewView, NoticeView, SessionView, StartedMachineView } from '../ipc/contract';
import { generateKey, importKey, inspectKey, KeyStore, installPublicKey, type KeySource } from '../keys';
import { addressOf, hostKeyAliasOf } from '../cloud';
import { importSshConfig, parsePuttyReg, readPuttySessionsLive, validateProfile, ProfileStore, type CloudLink, type ImportResult, type Profile } from '../profiles';
import { describeLink, machineIdOf, type ResolvedAddress } from '../session/cloud-link';
import { Vault } from '../secrets';
import type { KeychainBackend } from '../secrets/types';
import { PortholeError, toErrorInfo } from '../shared/errors';
import { notebookPasswordId, sshPasswordId } from '../session/secret-ids';
import { prepareBrowserHandoff, type BrowserHandoff } from '../session/browser-handoff';
import { SshConnection } from '../ssh/connection';
import { describeSshCryptoPath, sshCryptoPath } from '../ssh/crypto-path';
import { defaultKnownHostsFiles, HostKeyStore } from '../ssh/host-keys';
import { locateJupyter } from '../jupyter/launcher';
import { connectionForProfile } from './connection-factory';
import type { DesktopPort } from './desktop-port';
import { HostPrompter } from './host-prompter';
import { HostSession } from './host-session';
import { cloudSessionDeps, type IdleWatchTiming } from './cloud-host';
import { CloudProviders, type CloudOptions } from './cloud-providers';
import { CloudService } from './cloud-service';
import { LogBuffer } from './log-buffer';
import { PromptBroker } from './prompt-broker';
import { SettingsStore } from './settings-store';
import { hostView, keyView, profileInputOf } from './views';

export interface DesktopServiceOptions {
  /** The data folder (profiles.json, vault.json, known_hosts, settings.json). */
  readonly dataDir: string;
  readonly desktop: DesktopPort;
  readonly appInfo: { readonly name: string; readonly version: string; readonly platform: string };
  /** OpenSSH known_hosts files trusted read-only (default: the user's). */
  readonly knownHostsFiles?: readonly string[];
  /** The user's home: ~/.ssh/config for the import, ~/.ssh/id_* keys (default: homedir()). */
  readonly home?: string;
  /** The OS keychain (default: the real one); tests pass their own Secret Service session's. */
  readonly keychain?: KeychainBackend;
  /** How the clouds are reached (default: the real AWS and Azure); tests point it at the stand-ins. */
  readonly cloud?: CloudOptions;
  /** Idle auto-stop's pace and clock (default: every 30 s, the real clock); tests drive both. */
  readonly idleWatch?: IdleWatchTiming;
}

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** A Jupyter server Porthole started that is still running, for the Quit question. */
export interface RunningServer {
  readonly host: string;
  readonly pid: number;
  readonly remotePort: number;
}

/** How long a copied handoff address stays valid: long enough to paste it into a browser. */
const COPIED_HANDOFF_TTL_MS = 120_000;

export class DesktopService {
  private readonly listeners = new Set<EventListener>();
  private readonly sessionsByHost = new Map<string, HostSession>();
  private readonly broker: PromptBroker;
  private readonly logs: LogBuffer;
  private readonly hostKeys: HostKeyStore;
  private readonly cloud: CloudService;
  private vaultOpening: Promise<Vault> | null = null;
  private savedPasswords = new Set<string>();
  private noticeSeq = 0;
  readonly handlers: CommandHandlers;

  private constructor(
    private readonly options: DesktopServiceOptions,
    private readonly profiles: ProfileStore,
    private readonly settings: SettingsStore,
  ) {
    this.broker = new PromptBroker({
      timeoutMs: () => this.settings.get().promptTimeoutSeconds * 1000,
      onChange: (prompts) => {
        this.emit('prompts:changed', { prompts });
        // A session waiting on a question shows it on its card.
        this.emitSessions();
      },
    });
    this.logs = new LogBuffer((line) => this.emit('logs:appended', { lines: [line] }));
    this.hostKeys = new HostKeyStore({
      knownHostsFiles: options.knownHostsFiles ?? defaultKnownHostsFiles(options.home),
      trustStorePath: join(options.dataDir, 'known_hosts'),
    });
    this.cloud = new CloudService({
      providers: new CloudProviders({ vault: () => this.vault(), broker: this.broker, ...(options.cloud ? { options: options.cloud } : {}) }),
      profiles,
      vault: () => this.vault(),
      keyNames: async () => (await (await this.keyStore()).list()).map((key) => key.name),
      emit: (event, payload) => this.emit(event, payload),
      hostsChanged: () => this.emitHosts(),
      hostView: (profile) => hostView(profile, this.savedPasswords.has(profile.name)),
      beforeStop: (isLinked) => this.stopSessionsWhere((profile) => profile.cloud !== undefined && isLinked(profile.cloud)),
      log: (level, message) => this.log(level, 'app', message),
      now: Date.now,
    });
    this.handlers = this.buildHandlers();
  }

  static async create(options: DesktopServiceOptions): Promise<DesktopService> {
    const [profiles, settings] = await Promise.all([ProfileStore.open(options.dataDir), SettingsStore.open(options.dataDir)]);
    const service = new DesktopService(options, profiles, settings);
    for (const notice of profiles.notices) service.log('warn', 'app', `${notice.message}${notice.hint ? ` ${notice.hint}` : ''}`);
    service.log('info', 'app', `Porthole ${options.appInfo.version} started; data folder ${options.dataDir}`);
    service.log('info', 'app', describeSshCryptoPath(sshCryptoPath()));
    await service.refreshSavedPasswords();
    return service;
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  hosts(): HostView[] {
    return this.profiles.list().map((profile) => hostView(profile, this.savedPasswords.has(profile.name)));
  }

  sessions(): SessionView[] {
    return [...this.sessionsByHost.values()].map((session) => session.view());
  }

  /** Woke from sleep or the network came back: every session checks its link now. */
  resumeAll(): void {
    for (const session of this.sessionsByHost.values()) session.resume();
  }

  /** How many questions wait for the user now. */
  openQuestions(): number {
    return this.broker.list().length;
  }

  /** The window closed: nobody is there to answer, so every open question is cancelled. */
  cancelAllPrompts(): void {
    this.broker.cancelAll();
  }

  /** Jupyter servers Porthole started that are still running (asked about on Quit). */
  runningServersStarted(): RunningServer[] {
    const running: RunningServer[] = [];
    for (const session of this.sessionsByHost.values()) {
      const notebook = session.notebook();
      if (notebook && session.startedServer()) running.push({ host: session.name, pid: notebook.pid, remotePort: notebook.remotePort });
    }
    return running;
  }

  /** A line for the log view from the shell (updates, launch at login), scoped to the app. */
  note(level: 'info' | 'warn' | 'error', message: string): void {
    this.log(level, 'app', message);
  }

  /** Something the user should see now, as a toast or notification, and in the log. */
  announce(level: NoticeView['level'], title: string, body: string): void {
    this.notice(level, title, body, null);
  }

  /** VMs Porthole started that still run, with their cost so far (the tray's warning, the Quit question). */
  startedMachines(): StartedMachineView[] {
    return this.cloud.startedMachines();
  }

  /**
   * Quit: closes every tunnel; stops the servers Porthole started when asked to (reused ones
   * follow their host's setting); with `stopVms`, asks the clouds to stop the VMs Porthole
   * started that still run (a host's own stop-on-disconnect applies either way).
   */
  async shutdown(options: { readonly stopServers: boolean; readonly stopVms?: boolean }): Promise<void> {
    this.broker.cancelAll();
    await Promise.all([...this.sessionsByHost.values()].map((session) => session.stop(session.startedServer() ? { stopServer: options.stopServers } : {})));
    if (options.stopVms) await this.cloud.stopStartedMachines();
  }

  // -------------------------------------------------------------------------------------

  private buildHandlers(): CommandHandlers {
    return {
      'app:get-info': () => ({ ...this.options.appInfo }),

      'hosts:list': () => this.hosts(),
      'hosts:save': ({ originalName, host, notebookPassword }) => this.saveHost(originalName, profileInputOf(host, originalName === null ? undefined : this.profiles.get(originalName)), notebookPassword),
      'hosts:remove': async ({ name }) => {
        const profile = this.requireProfile(name);
        await this.sessionsByHost.get(profile.name)?.stop();
        this.sessionsByHost.delete(profile.name);
        await this.profiles.remove(profile.name);
        const vault = await this.vaultOrNull();
        await vault?.delete(notebookPasswordId({ profileName: profile.name })).catch(() => false);
        await vault?.delete(sshPasswordId(profile.name)).catch(() => false);
        this.savedPasswords.delete(profile.name);
        this.emitHosts();
        this.emitSessions();
        return null;
      },
      'hosts:probe': ({ host }) => this.probe(profileInputOf(host)),
      'hosts:preview-import': async ({ source, path }) => this.previewImport(source, path),
      'hosts:import': async ({ source, path, names }) => {
        const preview = await this.readImport(source, path);
        const wanted = new Set(names);
        const result = await this.profiles.addMany(preview.result.profiles.filter((profile) => wanted.has(profile.name)));
        this.log('info', 'app', `Imported ${result.added.length} host(s) from ${preview.path ?? 'PuTTY'}${result.existing.length ? `; kept ${result.existing.length} already saved` : ''}`);
        this.emitHosts();
        return { added: result.added.map((p) => p.name), existing: result.existing };
      },

      'keys:list': async () => (await (await this.keyStore()).list()).map(keyView),
      'keys:pick-file': async () => ({ path: await this.options.desktop.pickKeyFile() }),
      'keys:inspect': ({ source }) => inspectKey(keySource(source)),
      'keys:import': async ({ source, name, passphrase, keepPath }) => {
        const from = keySource(source);
        const key = await importKey(from, passphrase !== undefined && passphrase !== '' ? { passphrase } : {});
        const entry = await (await this.keyStore()).add(name, key, keepPath && 'path' in from ? { keepPathInstead: from.path } : {});
        this.log('info', 'app', `Imported the key "${entry.name}" (${entry.type} ${entry.fingerprint})`);
        await this.emitKeys();
        return keyView(entry);
      },
      'keys:generate': async ({ name, type, passphrase }) => {
        const key = await generateKey({ type, ...(passphrase ? { passphrase } : {}) });
        const entry = await (await this.keyStore()).add(name, key);
        this.log('info', 'app', `Generated the key "${entry.name}" (${entry.type} ${entry.fingerprint})`);
        await this.emitKeys();
        return keyView(entry);
      },
      'keys:copy-public': async ({ name }) => {
        this.options.desktop.writeClipboard(await (await this.keyStore()).publicKey(name));
        return null;
      },
      'keys:remove': async ({ name }) => {
        const users = this.profiles.list().filter((p) => p.key?.kind === 'vault' && p.key.name.toLowerCase() === name.toLowerCase());
        if (users.length > 0) {
          throw new PortholeError({ code: 'keys.in-use', message: `The key "${name}" is used by ${users.map((p) => `"${p.name}"`).join(', ')}.`, hint: 'Choose another key for those hosts first, then remove this one.', retryable: false });
        }
        await (await this.keyStore()).remove(name);
        await this.emitKeys();
        return null;
      },
      'keys:install': ({ name, host, port, user, password }) => this.installKey(name, { host, port, user }, password),

      'sessions:list': () => this.sessions(),
      'sessions:launch': ({ host, openBrowser }) => this.launch(host, 'notebook', openBrowser ?? true),
      'sessions:connect': ({ host }) => {
        const profile = this.requireProfile(host);
        if (profile.forwards.length === 0) {
          throw new PortholeError({ code: 'sessions.no-forwards', message: `"${profile.name}" has no saved forwards to connect.`, hint: 'Edit the host and add a forward, or use Launch notebook.', retryable: false });
        }
        return this.launch(host, 'forwards', false);
      },
      'sessions:open': async ({ host }) => {
        await this.openInBrowser(this.requireSession(host));
        return null;
      },
      'sessions:copy-url': async ({ host }) => {
        const session = this.requireSession(host);
        const handoff = await prepareBrowserHandoff(this.requireBrowserUrl(session), { ttlMs: COPIED_HANDOFF_TTL_MS });
        this.options.desktop.writeClipboard(handoff.openTarget);
        this.watchHandoff(handoff, session.name);
        this.notice('info', 'Address copied', 'Paste it into your browser on this computer within two minutes; it works once and logs the browser in without showing the token.', session.name);
        return null;
      },
      'sessions:disconnect': async ({ host }) => {
        await this.stopSession(host, {});
        return null;
      },
      'sessions:stop-server': async ({ host }) => {
        await this.stopSession(host, { stopServer: true });
        return null;
      },
      'sessions:retry': async ({ host }) => {
        const session = this.sessionsByHost.get(this.requireProfile(host).name);
        if (session?.canRestartServer()) {
          void session.restartServer();
          return null;
        }
        if (session && !session.isOver()) {
          // Still trying (reconnecting): try now rather than at the next backoff step.
          session.resume();
          return null;
        }
        return this.launch(host, session?.mode ?? 'notebook', true);
      },
      'sessions:list-servers': async ({ host }) => {
        const session = this.requireSession(host);
        const current = session.notebook()?.pid ?? null;
        return (await session.listServers()).map((server) => ({ ...server, current: server.pid === current }));
      },

      'prompts:list': () => this.broker.list(),
      'prompts:answer': ({ id, answer }) => {
        this.broker.answer(id, answer);
        return null;
      },
      'prompts:cancel': ({ id }) => {
        this.broker.cancel(id);
        return null;
      },

      'settings:get': () => this.settings.get(),
      'settings:update': async ({ patch }) => {
        const settings = await this.settings.update(patch);
        this.emit('settings:changed', { settings });
        return settings;
      },

      'logs:recent': ({ limit }) => this.logs.recent(limit),

      'cloud:accounts': () => this.cloud.accounts(),
      'cloud:azure-subscriptions': ({ interactive }) => this.cloud.azureSubscriptions(interactive),
      'cloud:list-machines': ({ account }) => this.cloud.listMachines(account),
      'cloud:start-machine': ({ account, id }) => this.cloud.startMachine(account, id),
      'cloud:stop-machine': ({ account, id }) => this.cloud.stopMachine(account, id),
      'cloud:add-as-host': ({ account, id, name }) => this.cloud.addAsHost(account, id, name),
      'cloud:started-machines': () => this.cloud.startedMachines(),
      'cloud:save-aws-credential': (credential) => this.cloud.saveAwsCredential(credential),
      'cloud:remove-aws-credential': ({ name }) => this.cloud.removeAwsCredential(name),
    };
  }

  // -------------------------------------------------------------------------------------
  // Hosts

  private async saveHost(originalName: string | null, input: ReturnType<typeof profileInputOf>, notebookPassword: string | undefined): Promise<HostView> {
    const profile = validateProfile(input);
    const saved = originalName === null ? await this.profiles.add(profile) : await this.profiles.update(this.requireProfile(originalName).name, input);
    if (notebookPassword !== undefined && notebookPassword !== '') {
      const vault = await this.vault();
      await vault.set(notebookPasswordId({ profileName: saved.name }), notebookPassword);
    }
    if (originalName !== null && originalName !== saved.name) await this.moveHostSecrets(originalName, saved.name);
    await this.refreshSavedPasswords();
    this.emitHosts();
    return hostView(saved, this.savedPasswords.has(saved.name));
  }

  /** A renamed host keeps its saved passwords. */
  private async moveHostSecrets(from: string, to: string): Promise<void> {
    const vault = await this.vaultOrNull();
    if (vault === null) return;
    for (const [oldId, newId] of [
      [notebookPasswordId({ profileName: from }), notebookPasswordId({ profileName: to })],
      [sshPasswordId(from), sshPasswordId(to)],
    ] as const) {
      const value = await vault.get(oldId);
      if (value === null) continue;
      await vault.set(newId, value);
      await vault.delete(oldId);
    }
  }

  private async refreshSavedPasswords(): Promise<void> {
    const vault = await this.vaultOrNull();
    const ids = vault ? await vault.list('jupyter-password/profile:').catch(() => []) : [];
    this.savedPasswords = new Set(ids.map((id) => id.slice('jupyter-password/profile:'.length)));
  }

  private requireProfile(name: string): Profile {
    const profile = this.profiles.get(name);
    if (!profile) throw new PortholeError({ code: 'profiles.not-found', message: `There is no saved host named "${name.slice(0, 100)}".`, hint: 'It may have been removed; see the Hosts list.', retryable: false });
    return profile;
  }

  /**
   * Connects once with what the editor holds and asks the remote what Jupyter it has. A
   * cloud host is looked for where its VM runs now; a stopped VM is not started for this.
   */
  private async probe(input: ReturnType<typeof profileInputOf>) {
    const profile = validateProfile({ ...input, name: input.name || input.host || 'new host' });
    const prompter = this.prompterFor(profile.name);
    const resolved = profile.cloud === undefined ? undefined : await this.whereCloudHostRuns(profile.cloud);
    const connection = await this.connect(profile, prompter, resolved);
    try {
      await connection.start();
      await prompter.commitRemembered();
      const located = await locateJupyter(connection.client!, { kind: 'auto' });
      return { condaEnvs: located.condaEnvs.map((env) => env.name), flavours: [...located.install.flavours], versions: { ...located.install.versions } };
    } finally {
      prompter.cancelOpenQuestions();
      await connection.dispose();
    }
  }

  /** Where a cloud host's VM runs now, from the cloud; a clear error when it does not run. */
  private async whereCloudHostRuns(link: CloudLink): Promise<ResolvedAddress> {
    const machine = await (await this.cloud.providerFor(link)).getMachine(machineIdOf(link));
    const address = addressOf(machine);
    if (machine.state !== 'running' || address === null) {
      const why = machine.state === 'running' ? 'runs but has no IP address Porthole could reach' : `is ${machine.state}`;
      throw new PortholeError({
        code: machine.state === 'running' ? 'cloud.no-address' : 'cloud.machine-not-running',
        message: `The VM ${machine.name} (${describeLink(link)}) ${why}, so there is nothing to look at yet.`,
        hint: machine.state === 'running' ? 'Give it a public IP address in the cloud console, or reach it through a jump host.' : 'Launch notebook starts it (or start it on the Cloud screen); then look again.',
        retryable: true,
      });
    }
    return { host: address, hostKeyAlias: hostKeyAliasOf(machine) };
  }

  private async readImport(source: 'ssh-config' | 'putty', path: string | null): Promise<{ path: string | null; result: ImportResult }> {
    const home = this.options.home ?? homedir();
    if (source === 'ssh-config') {
      const file = path ?? join(home, '.ssh', 'config');
      return { path: file, result: await importSshConfig(file, { home }) };
    }
    if (path === null) return { path: null, result: await readPuttySessionsLive() };
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new PortholeError({ code: 'profiles.import-unreadable', message: `Cannot read ${path}: ${(error as Error).message}.`, hint: 'Choose the .reg file you exported from PuTTY.', retryable: false }, { cause: error });
    }
    return { path, result: parsePuttyReg(bytes) };
  }

  private async previewImport(source: 'ssh-config' | 'putty', path: string | null): Promise<ImportPreviewView> {
    const { path: read, result } = await this.readImport(source, path);
    return {
      source,
      path: read,
      candidates: result.profiles.map((profile) => ({ host: hostView(profile, false), exists: this.profiles.get(profile.name) !== undefined })),
      skipped: result.skipped,
      warnings: result.warnings,
    };
  }

  // -------------------------------------------------------------------------------------
  // Keys

  private async keyStore(): Promise<KeyStore> {
    return new KeyStore(await this.vault());
  }

  private async installKey(name: string, target: { host: string; port: number; user: string }, password: string): Promise<{ added: boolean }> {
    const publicKey = await (await this.keyStore()).publicKey(name);
    const label = `${target.user}@${target.host}`;
    const hostPrompter = this.prompterFor(label);
    let offered = false;
    const connection = new SshConnection({
      target: { host: target.host, port: target.port, username: target.user },
      password: true,
      keyboardInteractive: true,
      hostKeys: this.hostKeys,
      prompter: {
        confirmHostKey: (prompt) => hostPrompter.confirmHostKey(prompt),
        passphrase: async () => null,
        // The password typed in the install form, once; it is never kept.
        password: async () => (offered ? null : ((offered = true), password)),
        keyboardInteractive: async (_server, _instructions, prompts) => (prompts.length === 1 && !prompts[0]!.echo && !offered ? ((offered = true), [password]) : null),
      },
    });
    try {
      await connection.start();
      const result = await installPublicKey(connection.client!, publicKey);
      this.log('info', label, result.added ? `Added the key "${name}" to ~/.ssh/authorized_keys` : `The key "${name}" was already in ~/.ssh/authorized_keys`);
      return result;
    } finally {
      hostPrompter.cancelOpenQuestions();
      await connection.dispose();
    }
  }

  // -------------------------------------------------------------------------------------
  // Sessions

  private prompterFor(host: string): HostPrompter {
    return new HostPrompter({ host, broker: this.broker, secrets: () => this.vaultOrNull(), timeoutMs: () => this.settings.get().promptTimeoutSeconds * 1000 });
  }

  private connect(profile: Profile, prompter: HostPrompter, resolved?: ResolvedAddress): Promise<SshConnection> {
    return connectionForProfile(
      profile,
      prompter,
      {
        hostKeys: this.hostKeys,
        keepaliveSeconds: this.settings.get().keepaliveSeconds,
        keyStore: () => this.keyStore(),
        ...(this.options.home !== undefined ? { home: this.options.home } : {}),
      },
      resolved,
    );
  }

  private async launch(name: string, mode: 'notebook' | 'forwards', openBrowser: boolean): Promise<null> {
    const profile = this.requireProfile(name);
    const existing = this.sessionsByHost.get(profile.name);
    if (existing && !existing.isOver()) {
      if (existing.mode === mode) {
        if (mode === 'notebook' && openBrowser && existing.browserUrl() !== null) await this.openInBrowser(existing);
        return null;
      }
      // Switching between notebook and forwards is no disconnect: the VM stays up.
      await existing.stop({ stopVm: false });
    }
    const prompter = this.prompterFor(profile.name);
    const session: HostSession = new HostSession(profile, mode, {
      prompter,
      connect: (p, resolved) => this.connect(p, prompter, resolved),
      ...cloudSessionDeps(profile, {
        provider: (link) => this.cloud.providerFor(link),
        events: (link, host) => this.cloud.eventsFor(link, host),
        profiles: this.profiles,
        hostsChanged: () => this.emitHosts(),
        notice: (notice) => this.notice(notice.level, notice.title, notice.body, profile.name),
      }),
      ...(this.options.idleWatch ? { idleWatch: this.options.idleWatch } : {}),
      notebookPassword: async (p) => (await (await this.vaultOrNull())?.get(notebookPasswordId({ profileName: p.name })))?.toString('utf8') ?? null,
      onChange: () => this.emitSessions(),
      log: (level, message) => this.log(level, profile.name, message),
      openPromptId: () => this.broker.list().find((prompt) => prompt.host === profile.name)?.id ?? null,
    });
    this.sessionsByHost.set(profile.name, session);
    void session.start();
    void session.firstReady.then((ready) => {
      if (!ready || this.sessionsByHost.get(profile.name) !== session) return undefined;
      // The VM's own hub over https: say why the browser is about to warn, before it does.
      const note = session.certificateNote();
      if (note !== null) this.notice('info', 'Your browser will warn about the certificate', note, profile.name);
      return openBrowser ? this.openInBrowser(session) : undefined;
    }).catch((error: unknown) => this.notice('error', 'The browser did not open', toErrorInfo(error).message, profile.name));
    return null;
  }

  /** Ends the sessions of the hosts `which` picks (their VM is about to be stopped from the Cloud screen). */
  private async stopSessionsWhere(which: (profile: Profile) => boolean): Promise<void> {
    await Promise.all([...this.sessionsByHost.values()].filter((session) => !session.isOver() && which(session.profile)).map((session) => session.stop({ stopVm: false })));
  }

  private requireSession(name: string): HostSession {
    const session = this.sessionsByHost.get(this.requireProfile(name).name);
    if (!session) throw new PortholeError({ code: 'sessions.not-running', message: `"${name}" is not connected.`, hint: 'Click Launch notebook first.', retryable: false });
    return session;
  }

  private requireBrowserUrl(session: HostSession): string {
    const url = session.browserUrl();
    if (url === null) throw new PortholeError({ code: 'sessions.not-ready', message: `The notebook on "${session.name}" is not ready yet.`, hint: 'Wait until the card says Ready, then try again.', retryable: true });
    return url;
  }

  /** The browser gets a one-time loopback address; the token never leaves main. */
  private async openInBrowser(session: HostSession): Promise<void> {
    const handoff = await prepareBrowserHandoff(this.requireBrowserUrl(session));
    this.watchHandoff(handoff, session.name);
    const browser = this.settings.get().browser;
    await this.options.desktop.openExternal(handoff.openTarget, browser.kind === 'custom' ? browser.path : null);
    this.log('info', session.name, 'Opened the notebook in the browser');
  }

  /** Something other than the browser reached the handoff first: the user should know. */
  private watchHandoff(handoff: BrowserHandoff, host: string): void {
    void handoff.outcome.then((outcome) => {
      if (outcome === 'other') {
        this.notice('warning', 'Another program knocked first', 'Something other than your browser tried to use the one-time notebook address. It was turned away and got no token. If this keeps happening, another program on this computer is watching for it.', host);
      }
    });
  }

  private async stopSession(name: string, options: { stopServer?: boolean }): Promise<void> {
    const session = this.requireSession(name);
    await session.stop(options);
    const view = session.view();
    if (view.state.kind === 'closed' && view.state.leftRunning) {
      const left = view.state.leftRunning;
      this.notice(
        left.reason === 'kept' ? 'info' : 'warning',
        left.reason === 'kept' ? 'Jupyter keeps running' : 'Jupyter was left running',
        `${left.reason === 'kept' ? 'Jupyter' : 'The connection was down, so Jupyter could not be stopped: it'} keeps running on ${left.server} (pid ${left.pid}, port ${left.remotePort}, folder ${left.rootDir}). Launch notebook reuses it.`,
        session.name,
      );
    }
  }

  // -------------------------------------------------------------------------------------
  // Vault, events, logs

  private vault(): Promise<Vault> {
    this.vaultOpening ??= Vault.open({ dir: this.options.dataDir, ...(this.options.keychain ? { keychain: this.options.keychain } : {}) }).catch((error: unknown) => {
      // Not cached: the keychain may be unlocked or installed by the next try.
      this.vaultOpening = null;
      throw error;
    });
    return this.vaultOpening;
  }

  private async vaultOrNull(): Promise<Vault | null> {
    try {
      return await this.vault();
    } catch {
      return null;
    }
  }

  private emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.listeners]) listener(event, payload);
  }

  private emitHosts(): void {
    this.emit('hosts:changed', { hosts: this.hosts() });
  }

  private emitSessions(): void {
    this.emit('sessions:changed', { sessions: this.sessions() });
  }

  private async emitKeys(): Promise<void> {
    this.emit('keys:changed', { keys: (await (await this.keyStore()).list()).map(keyView) });
  }

  private log(level: 'info' | 'warn' | 'error', scope: string, message: string): void {
    this.logs.add(level, scope, message);
  }

  private notice(level: NoticeView['level'], title: string, body: string, host: string | null): void {
    this.emit('app:notice', { notice: { id: `notice-${++this.noticeSeq}`, level, title, body, host } });
    this.log(level === 'warning' ? 'warn' : level, host ?? 'app', `${title}: ${body}`);
  }
}

function keySource(source: { kind: 'path'; path: string } | { kind: 'text'; text: string } | { kind: 'bytes'; base64: string; fileName: string }): KeySource {
  switch (source.kind) {
    case 'path':
      return { path: source.path };
    case 'text':
      return { text: source.text, label: 'the pasted key' };
    case 'bytes':
      return { text: Buffer.from(source.base64, 'base64'), label: source.fileName };
  }
}

