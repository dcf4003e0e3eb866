/**
 * `-R`: the server listens on bindHost:bindPort and its connections are carried back to
 * localHost:localPort on this machine. The request is repeated on every reconnect, so the
 * remote port comes back with the link.
 */
import { connect } from 'node:net';
import type { Client, ClientChannel, TcpConnectionDetails } from 'ssh2';
import { PortholeError } from '../shared/errors';
import type { SshConnection } from '../ssh/connection';
import type { ConnectionState } from '../ssh/connection-state';
import type { ForwardSpec } from './forward-spec';
import { pipePair } from './pipe-pair';

type RemoteSpec = Extract<ForwardSpec, { kind: 'remote' }>;

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
    this.client = client;
    client.on('tcp connection', this.onTcpConnection);
    // After a reconnect, ask for the port we had, so remote users of it are not broken.
    const port = this.boundPort ?? this.spec.bindPort;
    this.boundPort = await new Promise<number>((resolve, reject) => {
      client.forwardIn(this.spec.bindHost, port, (error, assigned) => {
        if (error) reject(remoteBindError(this.spec, port, this.connection.server, error));
        else resolve(assigned || port);
      });
    });
  }

  private readonly onTcpConnection = (details: TcpConnectionDetails, accept: () => ClientChannel, reject: () => void): void => {
    if (details.destPort !== this.boundPort || this.closing) {
      if (this.closing) reject();
      return;
    }
    const socket = connect({ host: this.spec.localHost, port: this.spec.localPort });
    socket.once('connect', () => {
      const channel = accept();
      const destroy = pipePair(socket, channel, () => this.pairs.delete(destroy));
      this.pairs.add(destroy);
    });
    socket.once('error', () => {
      if (!socket.connecting) return;
      reject();
    });
  };

  /** Idempotent: cancels the remote listener and ends its connections. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.unsubscribe();
      for (const destroy of [...this.pairs]) destroy();
      const client = this.client;
      if (client !== null && this.boundPort !== null && this.connection.client === client) {
        client.off('tcp connection', this.onTcpConnection);
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
