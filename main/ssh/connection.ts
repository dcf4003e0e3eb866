/**
 * One SSH connection (through any number of jump hosts) kept alive for as long as it is
 * wanted: verified, authenticated, watched by keepalives, and reconnected with backoff
 * after a drop. The life cycle is decided by the pure machine in connection-state.ts; this
 * file only carries out its effects and reports what happened to it.
 */
import { Duplex } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { CHANNEL_OPEN_TIMEOUT_MS, ChannelOpenTimeoutError, openChannelWithin } from '../shared/channel-open';
import { PortholeError, type PortholeErrorInfo } from '../shared/errors';
import { AuthSequence, loadIdentities, type AuthOptions, type AuthPrompter, type Identity, type LoadedIdentity } from './auth';
import type { BackoffPolicy } from './backoff';
import { INITIAL_STATE, next, type ConnectionEffect, type ConnectionEvent, type ConnectionState, type UserPrompt } from './connection-state';
import { channelOpenTimeoutError, classifyChannelOpenError, classifySshError } from './errors';
import { knownHostsIdentity, unknownHostKeyError, type HostKeyStore } from './host-keys';
import { tuneSshTransport } from './transport-tuning';

export interface SshEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /**
   * Like OpenSSH's HostKeyAlias: the host key is looked up and recorded under this name
   * instead of host:port. Cloud machines use one per instance, so a new IP asks nothing.
   */
  readonly hostKeyAlias?: string;
}

export interface ConnectionPrompter extends AuthPrompter {
  /**
   * An unknown host key: true trusts it and Porthole remembers it; 'once' trusts it for
   * this connection's life (its reconnects included) without recording it; false refuses.
   */
  confirmHostKey(prompt: Extract<UserPrompt, { kind: 'host-key' }>): Promise<boolean | 'once'>;
}

export interface SshConnectionOptions {
  readonly target: SshEndpoint;
  /** ProxyJump hops, outermost first; each is verified and authenticated like the target. */
  readonly jumps?: readonly SshEndpoint[];
  readonly identities?: readonly Identity[];
  readonly agent?: string | null;
  readonly password?: boolean;
  readonly keyboardInteractive?: boolean;
  readonly hostKeys: HostKeyStore;
  readonly prompter: ConnectionPrompter;
  /** Keepalive every intervalMs; the link counts as dead after (countMax + 1) silent intervals. */
  readonly keepaliveIntervalMs?: number;
  readonly keepaliveCountMax?: number;
  /** Time allowed for TCP + handshake + login per hop, not counting time spent waiting on the user. */
  readonly handshakeTimeoutMs?: number;
  /** Time the server has to answer a channel open (a forwarded connection, a jump hop). */
  readonly channelOpenTimeoutMs?: number;
  readonly backoff?: BackoffPolicy;
  readonly algorithms?: ConnectConfig['algorithms'];
}

export type ConnectionListener = (state: ConnectionState, previous: ConnectionState) => void;

const PROBE_TIMEOUT_MS = 5_000;
/** Time allowed for the login itself once the handshake is done (OpenSSH's LoginGraceTime is 120 s). */
const LOGIN_TIMEOUT_MS = 120_000;

export function describeEndpoint(endpoint: SshEndpoint): string {
  return endpoint.port === 22 ? endpoint.host : `${endpoint.host}:${endpoint.port}`;
}

export class SshConnection {
  private state: ConnectionState = INITIAL_STATE;
  private readonly listeners = new Set<ConnectionListener>();
  /** The live chain: jump clients first, the target's client last. */
  private chain: Client[] = [];
  private attemptId = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private identities: LoadedIdentity[] | null = null;
  /** Passwords that worked, per hop, reused on reconnect (memory only). */
  private readonly remembered = new Map<string, { password?: string }>();
  private disposed: Promise<void> | null = null;
  /** Channels opened through this connection and still open. */
  private readonly channels = new Set<ClientChannel>();
  readonly server: string;

  constructor(private readonly options: SshConnectionOptions) {
    this.server = describeEndpoint(options.target);
  }

  snapshot(): ConnectionState {
    return this.state;
  }

  onStateChange(listener: ConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects; resolves when first ready, rejects with a PortholeError if it cannot connect. */
  start(): Promise<void> {
    this.dispatch({ type: 'start' });
    return this.whenReady();
  }

  /**
   * Resolves once the connection is ready (now or later); rejects if it fails, is disposed,
   * or (with timeoutMs) stays down that long.
   */
  whenReady(timeoutMs?: number): Promise<void> {
    if (this.state.kind === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (fn: () => void) => {
        unsubscribe();
        if (timer) clearTimeout(timer);
        fn();
      };
      const unsubscribe = this.onStateChange((state) => {
        if (state.kind === 'ready') settle(resolve);
        else if (state.kind === 'failed') settle(() => reject(new PortholeError(state.error)));
        else if (state.kind === 'closed') settle(() => reject(closedError()));
      });
      if (this.state.kind === 'failed') settle(() => reject(new PortholeError((this.state as { error: PortholeErrorInfo }).error)));
      else if (this.state.kind === 'closed') settle(() => reject(closedError()));
      else if (timeoutMs !== undefined) {
        timer = setTimeout(() => settle(() => reject(notReadyError(this.server, timeoutMs))), timeoutMs);
      }
    });
  }

  /** Wake from sleep or network change: check the link now, or reconnect now instead of waiting. */
  resume(): void {
    this.dispatch({ type: 'resume' });
  }

  /** The target's client while ready (for exec, forwardIn and the like). */
  get client(): Client | null {
    return this.state.kind === 'ready' ? (this.chain.at(-1) ?? null) : null;
  }

  /** Channels opened through this connection that are not finished yet (diagnostics, leak tests). */
  get openChannelCount(): number {
    return this.channels.size;
  }

  /** How long the server has to answer a channel open before the opener gives up. */
  get channelOpenTimeoutMs(): number {
    return this.options.channelOpenTimeoutMs ?? CHANNEL_OPEN_TIMEOUT_MS;
  }

  /**
   * Opens a direct-tcpip channel to host:port as seen from the target. A server that does not
   * answer within channelOpenTimeoutMs gives tunnel.channel-open-timeout; the link itself
   * stays up (keepalives judge that).
   */
  async openChannel(target: { host: string; port: number }, origin: { host: string; port: number } = { host: '127.0.0.1', port: 0 }): Promise<ClientChannel> {
    const client = this.client;
    if (client === null) throw notReadyError(this.server);
    let channel: ClientChannel;
    try {
      channel = await openChannelWithin<ClientChannel>(this.channelOpenTimeoutMs, (done) => client.forwardOut(origin.host, origin.port, target.host, target.port, done));
    } catch (error) {
      throw error instanceof ChannelOpenTimeoutError ? channelOpenTimeoutError(target, this.server, error) : classifyChannelOpenError(error, target, this.server);
    }
    this.channels.add(channel);
    channel.once('close', () => this.channels.delete(channel));
    return channel;
  }

  /** Idempotent: closes every hop, cancels retries, and settles anyone waiting. */
  dispose(): Promise<void> {
    this.disposed ??= new Promise((resolve) => {
      const clients = this.chain;
      this.dispatch({ type: 'dispose' });
      this.listeners.clear();
      if (clients.length === 0) resolve();
      else endChain(clients).then(resolve, resolve);
    });
    return this.disposed;
  }

  private dispatch(event: ConnectionEvent): void {
    const previous = this.state;
    const { state, effects } = next(previous, event, this.options.backoff);
    this.state = state;
    for (const effect of effects) this.perform(effect);
    if (state !== previous) for (const listener of [...this.listeners]) listener(state, previous);
  }

  private perform(effect: ConnectionEffect): void {
    switch (effect.kind) {
      case 'open-transport':
        void this.openTransport(++this.attemptId);
        break;
      case 'close-transport': {
        const clients = this.chain;
        this.chain = [];
        this.attemptId++;
        this.failChannels();
        void endChain(clients);
        break;
      }
      case 'schedule-retry':
        this.clearRetry();
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.dispatch({ type: 'retry-due' });
        }, effect.delayMs);
        break;
      case 'cancel-retry':
        this.clearRetry();
        break;
      case 'probe':
        void this.probe();
        break;
    }
  }

  /**
   * When the transport goes, ssh2 ends each channel's readable side but leaves its writable
   * side waiting forever, so a client still sending would hang. Fail them instead, through
   * the base stream's destroy (ssh2's override ignores the error).
   */
  private failChannels(): void {
    const lost = Object.assign(new Error(`The connection to ${this.server} was lost.`), { code: 'ECONNRESET' });
    for (const channel of this.channels) {
      // Only hand the error to channels someone listens on: an unheard 'error' would crash.
      Duplex.prototype.destroy.call(channel, channel.listenerCount('error') > 0 ? lost : undefined);
    }
    this.channels.clear();
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private down(error: PortholeErrorInfo): void {
    this.dispatch({ type: 'down', error, random: Math.random() });
  }

  private async openTransport(attempt: number): Promise<void> {
    const hops = [...(this.options.jumps ?? []), this.options.target];
    const clients: Client[] = [];
    try {
      this.identities ??= await loadIdentities(this.options.identities ?? [], {
        passphrase: (label, retry) => this.ask({ kind: 'passphrase', keyLabel: label, retry }, () => this.options.prompter.passphrase(label, retry)),
      });
      let sock: Duplex | undefined;
      for (const [index, hop] of hops.entries()) {
        if (attempt !== this.attemptId) throw superseded();
        const client = await this.connectHop(hop, sock, attempt);
        clients.push(client);
        const following = hops[index + 1];
        if (following) sock = await forwardToNextHop(client, following, describeEndpoint(hop), this.channelOpenTimeoutMs);
      }
    } catch (error) {
      void endChain(clients);
      if (attempt === this.attemptId && !isSuperseded(error)) {
        this.down(classifySshError(error, { server: this.server, wasReady: false }).toInfo());
      }
      return;
    }
    if (attempt !== this.attemptId || this.state.kind === 'closed') {
      void endChain(clients);
      return;
    }
    this.chain = clients;
    for (const client of clients) this.watch(client, attempt);
    this.dispatch({ type: 'ready', at: Date.now() });
  }

  /** After ready, any hop closing or failing takes the whole chain down. */
  private watch(client: Client, attempt: number): void {
    let reported = false;
    const report = (error: unknown) => {
      if (reported || attempt !== this.attemptId) return;
      reported = true;
      this.down(classifySshError(error, { server: this.server, wasReady: true }).toInfo());
    };
    client.on('error', report);
    client.on('close', () => report(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })));
  }

  private connectHop(hop: SshEndpoint, sock: Duplex | undefined, attempt: number): Promise<Client> {
    const server = describeEndpoint(hop);
    const remembered = this.remembered.get(server) ?? {};
    const auth: AuthOptions = {
      username: hop.username,
      agent: this.options.agent ?? null,
      password: this.options.password ?? false,
      keyboardInteractive: this.options.keyboardInteractive ?? false,
    };
    const sequence = new AuthSequence(auth, this.identities ?? [], {
      passphrase: async () => null,
      password: (srv, retry) => this.ask({ kind: 'password', server: srv, retry }, () => this.options.prompter.password(srv, retry)),
      keyboardInteractive: (srv, instructions, prompts) =>
        this.ask({ kind: 'keyboard-interactive', server: srv, instructions, prompts }, () => this.options.prompter.keyboardInteractive(srv, instructions, prompts)),
    }, server, remembered);

    return new Promise((resolve, reject) => {
      const client = new Client();
      let hostKeyError: PortholeError | null = null;
      let verifiedKey: Buffer | null = null;
      let settled = false;
      const deadline = new PausableTimer(this.options.handshakeTimeoutMs ?? 20_000, () => {
        fail(Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' }));
      });
      this.pauseDeadline = deadline;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        deadline.cancel();
        // destroy(), not end(): ssh2's end() half-closes, and a peer that never answers
        // would keep the socket open for good (after end(), destroy() is a no-op).
        client.destroy();
        if (hostKeyError) reject(hostKeyError);
        else if (error instanceof Error && /All configured authentication methods failed/.test(error.message)) reject(sequence.failure());
        else reject(classifySshError(error, { server }));
      };
      // The handshake deadline covers TCP, version exchange and key exchange, where a dead or
      // hostile endpoint would stall. Login is paced by the server (PAM delays each wrong
      // password by seconds), so from here on the limit is LoginGraceTime-like.
      client.once('handshake', () => deadline.restart(LOGIN_TIMEOUT_MS));
      client.once('ready', () => {
        if (settled) return;
        settled = true;
        deadline.cancel();
        if (sequence.pendingPassword !== undefined) this.remembered.set(server, { password: sequence.pendingPassword });
        resolve(client);
      });
      // Stays attached for the client's life (fail is a no-op once settled): an 'error' with
      // no listener would crash the process.
      client.on('error', fail);
      client.once('close', () => fail(Object.assign(new Error(`${server} closed the connection during login`), { code: 'ECONNRESET' })));

      const identity = knownHostsIdentity(hop);
      void this.options.hostKeys.preferredKeyTypes(identity.host, identity.port).then((preferred) => {
        if (settled || attempt !== this.attemptId) return fail(superseded());
        client.connect({
          host: hop.host,
          port: hop.port,
          username: hop.username,
          ...(sock ? { sock } : {}),
          // Porthole runs its own handshake deadline, paused while the user answers a prompt.
          readyTimeout: 0,
          keepaliveInterval: this.options.keepaliveIntervalMs ?? 10_000,
          keepaliveCountMax: this.options.keepaliveCountMax ?? 2,
          authHandler: sequence.handler,
          algorithms: withPreferredHostKeys(this.options.algorithms, preferred),
          hostVerifier: (key: Buffer, verify: (valid: boolean) => void): boolean | undefined => {
            // ssh2 asks again at every rekey. The key was checked at the first exchange;
            // from then on only that same key is accepted, answered at once: an
            // asynchronous answer in the middle of a rekey corrupted the stream (ssh2).
            if (verifiedKey !== null) return key.equals(verifiedKey);
            this.verifyHostKey(hop, key).then(
              () => {
                verifiedKey = Buffer.from(key);
                verify(true);
              },
              (error: unknown) => {
                hostKeyError = error instanceof PortholeError ? error : classifySshError(error, { server });
                verify(false);
              },
            );
          },
        } as ConnectConfig);
        tuneSshTransport(client);
      }, fail);
    });
  }

  /** Host keys the user trusted for this connection only ("trust once"), by hop and fingerprint. */
  private readonly trustedOnce = new Set<string>();

  /** The deadline of the hop being connected, paused while the user is being asked. */
  private pauseDeadline: PausableTimer | null = null;

  private async verifyHostKey(hop: SshEndpoint, key: Buffer): Promise<void> {
    const server = describeEndpoint(hop);
    const identity = knownHostsIdentity(hop);
    const decision = await this.options.hostKeys.decide(identity.host, identity.port, key, server);
    if (decision.kind === 'trusted') return;
    if (decision.kind === 'refused') throw decision.error;
    const onceId = `${identity.host}:${identity.port} ${decision.key.fingerprint}`;
    if (this.trustedOnce.has(onceId)) return;
    const prompt = {
      kind: 'host-key',
      server,
      keyType: decision.key.keyType,
      fingerprint: decision.key.fingerprint,
      otherKeyTypesKnown: decision.otherKeyTypesKnown,
      ...(hop.hostKeyAlias === undefined ? {} : { hostKeyAlias: hop.hostKeyAlias }),
    } as const;
    const accepted = await this.ask(prompt, () => this.options.prompter.confirmHostKey(prompt));
    if (!accepted) throw unknownHostKeyError(server, decision.key);
    if (accepted === 'once') this.trustedOnce.add(onceId);
    else await this.options.hostKeys.trust(identity.host, identity.port, decision.key);
  }

  /** Runs a prompt with the state in awaiting-user and the handshake deadline paused. */
  private async ask<T>(prompt: UserPrompt, question: () => Promise<T>): Promise<T> {
    this.dispatch({ type: 'prompt', prompt });
    const deadline = this.pauseDeadline;
    deadline?.pause();
    try {
      return await question();
    } finally {
      deadline?.resume();
      this.dispatch({ type: 'prompt-answered' });
    }
  }

  /** After wake-up: any answer within the timeout proves the link; silence means it is dead. */
  private async probe(): Promise<void> {
    const client = this.client;
    if (client === null) return;
    // Opening a channel to a closed port is answered at once by a live server (with a
    // refusal), so any answer proves the link without starting anything on the remote.
    const alive = await openChannelWithin<ClientChannel>(PROBE_TIMEOUT_MS, (done) => client.forwardOut('127.0.0.1', 0, '127.0.0.1', 1, done)).then(
      (channel) => {
        channel.close();
        return true;
      },
      (error: unknown) => !(error instanceof ChannelOpenTimeoutError),
    );
    if (!alive && this.client === client) client.destroy();
  }
}

/** A timeout that stops counting while paused. */
class PausableTimer {
  private timer: NodeJS.Timeout | null = null;
  private remaining: number;
  private startedAt = 0;
  private done = false;

  constructor(ms: number, private readonly onExpire: () => void) {
    this.remaining = ms;
    this.resume();
  }

  pause(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.remaining -= Date.now() - this.startedAt;
  }

  resume(): void {
    if (this.done || this.timer !== null) return;
    this.startedAt = Date.now();
    this.timer = setTimeout(() => {
      this.done = true;
      this.onExpire();
    }, Math.max(0, this.remaining));
  }

  /** Starts over with a new duration (keeps a pause in force). */
  restart(ms: number): void {
    if (this.done) return;
    const paused = this.timer === null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.remaining = ms;
    if (!paused) this.resume();
  }

  cancel(): void {
    this.done = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The channel to the next hop, within the same deadline as any other channel open. */
async function forwardToNextHop(client: Client, next: SshEndpoint, via: string, timeoutMs: number): Promise<Duplex> {
  const target = { host: next.host, port: next.port };
  try {
    return await openChannelWithin<ClientChannel>(timeoutMs, (done) => client.forwardOut('127.0.0.1', 0, next.host, next.port, done));
  } catch (error) {
    throw error instanceof ChannelOpenTimeoutError ? channelOpenTimeoutError(target, via, error) : classifyChannelOpenError(error, target, via);
  }
}

/** OpenSSH offers the host key types it already knows for a host first; so do we. */
function withPreferredHostKeys(algorithms: ConnectConfig['algorithms'], preferred: readonly string[]): ConnectConfig['algorithms'] {
  if (preferred.length === 0) return algorithms;
  const expand = (type: string) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]);
  const first = [...new Set(preferred.flatMap(expand))];
  const defaults = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const rest = defaults.filter((type) => !first.includes(type));
  return { ...algorithms, serverHostKey: [...first, ...rest] as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] };
}

function endChain(clients: readonly Client[]): Promise<void> {
  // Innermost first: the target, then the hops it travelled through.
  return Promise.all(
    [...clients].reverse().map(
      (client) =>
        new Promise<void>((resolve) => {
          client.once('close', () => resolve());
          client.end();
          setTimeout(() => {
            forceClose(client);
            resolve();
          }, 1_000).unref();
        }),
    ),
  ).then(() => undefined);
}

/** After end(), ssh2's destroy() does nothing (the socket is no longer writable): close the socket itself. */
function forceClose(client: Client): void {
  const sock = (client as unknown as { _sock?: { destroy?: () => void } })._sock;
  sock?.destroy?.();
}

const SUPERSEDED = Symbol('superseded');
function superseded(): Error {
  return Object.assign(new Error('attempt superseded'), { [SUPERSEDED]: true });
}
function isSuperseded(error: unknown): boolean {
  return typeof error === 'object' && error !== null && SUPERSEDED in error;
}

function closedError(): PortholeError {
  return new PortholeError({ code: 'ssh.closed', message: 'The connection was closed.', hint: 'Connect again.', retryable: false });
}

function notReadyError(server: string, waitedMs?: number): PortholeError {
  return new PortholeError({
    code: 'ssh.not-connected',
    message: waitedMs === undefined ? `Not connected to ${server} right now.` : `Not connected to ${server} (waited ${Math.round(waitedMs / 1000)} s).`,
    hint: 'Porthole is reconnecting; try again in a moment.',
    retryable: true,
  });
}
