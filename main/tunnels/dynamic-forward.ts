/** `-D`: a local SOCKS5 proxy whose connections leave from the remote machine. */
import type { Server, Socket } from 'node:net';
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
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.setNoDelay(true);
      serveSocks5(socket, async (request) => {
        await source.whenReady(options.waitForLinkMs ?? DEFAULT_WAIT_FOR_LINK_MS);
        return source.openChannel({ host: request.host, port: request.port });
      });
    });
    return new DynamicForward(spec, port, server, sockets);
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
