/**
 * `-R`: the server listens on bindHost:bindPort and its connections are carried back to
 * localHost:localPort on this machine. The request is repeated on every reconnect, so the
 * remote port comes back with the link.
 *
 * Every connection the server offers gets an answer: carried, or rejected. The server holds
 * its side open until then, so an offer nobody answers (one for a forward being closed, or
 * whose local service never answers) would leave a remote client hanging.
 */
import { connect } from 'node:net';
import type { Client, ClientChannel, TcpConnectionDetails } from 'ssh2';
import { PortholeError } from '../shared/errors';
import type { SshConnection } from '../ssh/connection';
import type { ConnectionState } from '../ssh/connection-state';
import type { ForwardSpec } from './forward-spec';
import { pipePair } from './pipe-pair';

type RemoteSpec = Extract<ForwardSpec, { kind: 'remote' }>;

/** Where a remote forward listens on the server, as it asked for it (port once known). */
export interface RemoteBinding {
  readonly bindHost: string;
  readonly port: number | null;
}

/**
 * The forward a connection from the server belongs to: the one that asked for exactly that
 * address and port (the server reports them as they were requested). None: reject it.
 */
export function matchRemoteForward<T extends RemoteBinding>(offer: Pick<TcpConnectionDetails, 'destIP' | 'destPort'>, forwards: Iterable<T>): T | undefined {
  for (const forward of forwards) {
    if (forward.port !== null && forward.port === offer.destPort && forward.bindHost === offer.destIP) return forward;
  }
  return undefined;
}

type Offer = (details: TcpConnectionDetails, accept: () => ClientChannel, reject: () => void) => void;

/**
 * One 'tcp connection' listener per client (each reconnect brings a new one), kept for the
 * client's life, that answers every offer. Forwards come and go; the listener stays, so an
 * offer that arrives after its forward let go (the server has not seen the cancel yet) is
 * still rejected.
 */
const routesByClient = new WeakMap<Client, Set<RemoteForward>>();

function routesOf(client: Client): Set<RemoteForward> {
  let routes = routesByClient.get(client);
  if (routes === undefined) {
    const forwards = new Set<RemoteForward>();
    routes = forwards;
    routesByClient.set(client, forwards);
    const route: Offer = (details, accept, reject) => {
      const match = matchRemoteForward(details, [...forwards].map((forward) => ({ bindHost: forward.spec.bindHost, port: forward.remotePort, forward })));
      if (match === undefined) reject();
      else match.forward.carry(accept, reject);
    };
    client.on('tcp connection', route);
  }
  return routes;
}

export class RemoteForward {
  private boundPort: number | null = null;
  private client: Client | null = null;
  private readonly pairs = new Set<() => void>();
  private readonly unsubscribe: () => void;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly spec: RemoteSpec,
    private readonly connection: SshConnection,
    private readonly onError: (error: PortholeError) => void,
  ) {
    this.unsubscribe = connection.onStateChange((state: ConnectionState) => {
      if (state.kind === 'ready') void this.bind().catch(onError);
      // The link is gone: its channels are dead, so end their local sockets now.
      else for (const destroy of [...this.pairs]) destroy();
    });
  }

  /** Binds on the server now (the connection must be ready) and again after every reconnect. */
  static async open(spec: RemoteSpec, connection: SshConnection, onError: (error: PortholeError) => void = () => undefined): Promise<RemoteForward> {
    const forward = new RemoteForward(spec, connection, onError);
    try {
      await forward.bind();
    } catch (error) {
      await forward.close();
      throw error;
    }
    return forward;
  }

  /** The port the server is listening on (the server picks it when bindPort is 0). */
  get remotePort(): number | null {
    return this.boundPort;
  }

  private async bind(): Promise<void> {
    const client = this.connection.client;
    if (client === null || client === this.client) return;
    if (this.client !== null) routesOf(this.client).delete(this);
    this.client = client;
    routesOf(client).add(this);
    // After a reconnect, ask for the port we had, so remote users of it are not broken.
    const port = this.boundPort ?? this.spec.bindPort;
    await new Promise<void>((resolve, reject) => {
      client.forwardIn(this.spec.bindHost, port, (error, assigned) => {
        if (error) {
          reject(remoteBindError(this.spec, port, this.connection.server, error));
          return;
        }
        // Set here, not after an await: the server's first offer may be in the same read.
        this.boundPort = assigned || port;
        resolve();
      });
    });
  }

  /** Carries one offered connection to the local target, or rejects it if that does not answer in time. */
  carry(accept: () => ClientChannel, reject: () => void): void {
    if (this.closing) {
      reject();
      return;
    }
    const timeoutMs = this.connection.channelOpenTimeoutMs;
    const remotePort = this.boundPort ?? this.spec.bindPort;
    const socket = connect({ host: this.spec.localHost, port: this.spec.localPort });
    const timer = setTimeout(() => {
      socket.destroy();
      reject();
      this.onError(localTargetError(this.spec, remotePort, 'timeout', timeoutMs));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      if (this.closing) {
        socket.destroy();
        reject();
        return;
      }
      const channel = accept();
      const destroy = pipePair(socket, channel, () => this.pairs.delete(destroy));
      this.pairs.add(destroy);
    });
    socket.once('error', (error) => {
      if (!socket.connecting) return;
      clearTimeout(timer);
      reject();
      this.onError(localTargetError(this.spec, remotePort, 'refused', timeoutMs, error));
    });
  }

  /** Idempotent: cancels the remote listener and ends its connections. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.unsubscribe();
      for (const destroy of [...this.pairs]) destroy();
      const client = this.client;
      if (client === null) return;
      // Offers still on their way until the server has the cancel are rejected by the router.
      routesOf(client).delete(this);
      if (this.boundPort !== null && this.connection.client === client) {
        await new Promise<void>((resolve) => client.unforwardIn(this.spec.bindHost, this.boundPort!, () => resolve()));
      }
    })();
    return this.closing;
  }
}

function remoteBindError(spec: RemoteSpec, port: number, server: string, cause: unknown): PortholeError {
  return new PortholeError(
    {
      code: 'tunnel.remote-bind-refused',
      message: `${server} would not listen on ${spec.bindHost}:${port} for a remote forward.`,
      hint: 'The port may be in use on the server, below 1024, or remote forwarding may be disabled (AllowTcpForwarding). Try another remote port.',
      retryable: false,
    },
    { cause },
  );
}

function localTargetError(spec: RemoteSpec, remotePort: number, how: 'refused' | 'timeout', timeoutMs: number, cause?: unknown): PortholeError {
  const where = `${spec.localHost}:${spec.localPort}`;
  const turnedAway = `so a connection to port ${remotePort} on the server was turned away`;
  return new PortholeError(
    how === 'timeout'
      ? {
          code: 'tunnel.local-target-timeout',
          message: `${where} did not answer within ${+(timeoutMs / 1000).toFixed(1)} s, ${turnedAway}.`,
          hint: `Check that the service at ${where} is running and that no firewall drops connections to it.`,
          retryable: true,
        }
      : {
          code: 'tunnel.local-target-unreachable',
          message: `Nothing is listening on ${where}, ${turnedAway}.`,
          hint: `Start the service at ${where}, or check the local host and port of this remote forward.`,
          retryable: true,
        },
    cause === undefined ? undefined : { cause },
  );
}
