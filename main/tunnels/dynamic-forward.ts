/** `-D`: a local SOCKS5 proxy whose connections leave from the remote machine. */
import type { Server, Socket } from 'node:net';
import { refusedOverCap } from './connection-cap';
import type { ForwardSpec } from './forward-spec';
import { closeServer, listenLocal } from './listen';
import { DEFAULT_WAIT_FOR_LINK_MS, type ChannelSource, type ForwardOptions } from './local-forward';
import { serveSocks5 } from './socks5';

export class DynamicForward {
  private closing: Promise<void> | null = null;

  private constructor(
    readonly spec: Extract<ForwardSpec, { kind: 'dynamic' }>,
    readonly localPort: number,
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
  ) {}

  static async open(spec: Extract<ForwardSpec, { kind: 'dynamic' }>, source: ChannelSource, options: ForwardOptions = {}): Promise<DynamicForward> {
    const sockets = new Set<Socket>();
    const { server, port } = await listenLocal(spec.bindHost, spec.bindPort, options.portFallback ?? 'fail', (socket) => {
      // A client counts from the moment it connects until it hangs up (in the handshake or
      // carried), as -L counts the ones still waiting for their channel.
      if (refusedOverCap(socket, sockets.size, options)) return;
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.setNoDelay(true);
      serveSocks5(socket, async (request) => {
        try {
          await source.whenReady(options.waitForLinkMs ?? DEFAULT_WAIT_FOR_LINK_MS);
          return await source.openChannel({ host: request.host, port: request.port });
        } catch (error) {
          // The client gets the SOCKS failure reply; the user learns why, as with -L.
          options.onConnectionError?.(error);
          throw error;
        }
      });
    });
    return new DynamicForward(spec, port, server, sockets);
  }

  /** Clients connected now, in the SOCKS handshake or carried. */
  get activeConnections(): number {
    return this.sockets.size;
  }

  /** Idempotent. server.close() alone would wait for every SOCKS client to hang up. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const socket of this.sockets) socket.destroy();
      await closeServer(this.server);
    })();
    return this.closing;
  }
}
