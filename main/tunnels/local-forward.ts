/**
 * `-L`: a listener on this machine whose connections are carried to host:port on the remote.
 * The listener lives as long as the forward, not as long as one SSH connection: across a
 * reconnect it keeps its port (a browser tab on http://127.0.0.1:PORT just keeps working),
 * and a client that arrives while the link is down waits briefly for it, then gets a clean
 * close rather than a hang.
 */
import type { Server, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { refusedOverCap, type ConnectionCapOptions } from './connection-cap';
import type { ForwardSpec } from './forward-spec';
import { closeServer, listenLocal, type PortFallback } from './listen';
import { pipePair } from './pipe-pair';

/** What a forward needs from the SSH connection (SshConnection provides it). */
export interface ChannelSource {
  readonly server: string;
  whenReady(timeoutMs?: number): Promise<void>;
  openChannel(target: { host: string; port: number }, origin?: { host: string; port: number }): Promise<Duplex>;
}

export interface ForwardOptions extends ConnectionCapOptions {
  readonly portFallback?: PortFallback;
  /** How long a new client waits for a dropped link to come back before it is closed. */
  readonly waitForLinkMs?: number;
}

export const DEFAULT_WAIT_FOR_LINK_MS = 10_000;
/** A client that never hangs up after our clean close is cut off after this. */
const CLOSE_GRACE_MS = 5_000;

export class LocalForward {
  private readonly pairs = new Set<() => void>();
  /** Clients accepted while the link is down, not yet paired with a channel. */
  private readonly waiting = new Set<Socket>();
  private closing: Promise<void> | null = null;

  private constructor(
    readonly spec: Extract<ForwardSpec, { kind: 'local' }>,
    readonly localPort: number,
    private readonly server: Server,
  ) {}

  static async open(spec: Extract<ForwardSpec, { kind: 'local' }>, source: ChannelSource, options: ForwardOptions = {}): Promise<LocalForward> {
    let forward: LocalForward | null = null;
    const pending: Socket[] = [];
    const { server, port } = await listenLocal(spec.bindHost, spec.bindPort, options.portFallback ?? 'fail', (socket) => {
      if (forward) forward.accept(socket, source, options);
      else pending.push(socket);
    });
    forward = new LocalForward(spec, port, server);
    for (const socket of pending) forward.accept(socket, source, options);
    return forward;
  }

  get activeConnections(): number {
    return this.pairs.size;
  }

  private accept(socket: Socket, source: ChannelSource, options: ForwardOptions): void {
    if (refusedOverCap(socket, this.pairs.size + this.waiting.size, options)) return;
    socket.setNoDelay(true);
    // Until the channel is open nothing reads the socket; an early error must not go unheard.
    const earlyError = () => socket.destroy();
    socket.on('error', earlyError);
    this.waiting.add(socket);
    const target = { host: this.spec.remoteHost, port: this.spec.remotePort };
    const origin = { host: socket.remoteAddress ?? '127.0.0.1', port: socket.remotePort ?? 0 };
    source
      .whenReady(options.waitForLinkMs ?? DEFAULT_WAIT_FOR_LINK_MS)
      .then(() => source.openChannel(target, origin))
      .then(
        (channel) => {
          this.waiting.delete(socket);
          socket.off('error', earlyError);
          if (this.closing || socket.destroyed) {
            channel.destroy();
            socket.destroy();
            return;
          }
          const destroy = pipePair(socket, channel, () => this.pairs.delete(destroy));
          this.pairs.add(destroy);
        },
        (error: unknown) => {
          this.waiting.delete(socket);
          // A clean close (FIN), so the client sees "connection closed", not a hang. Unread
          // bytes are drained first: closing with unread data would send a reset instead.
          socket.resume();
          socket.end();
          setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
          options.onConnectionError?.(error);
        },
      );
  }

  /** Idempotent: stops listening and ends every connection through this forward. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const destroy of [...this.pairs]) destroy();
      for (const socket of this.waiting) socket.destroy();
      this.waiting.clear();
      await closeServer(this.server);
    })();
    return this.closing;
  }
}
