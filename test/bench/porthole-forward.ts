/**
 * The Porthole forward path as the benchmark measures it, standing in for main/tunnels: a
 * net.Server on 127.0.0.1 whose connections are each piped to an ssh2 direct-tcpip channel
 * (client.forwardOut). Everything that can be tuned from outside ssh2 (without patching
 * node_modules) is one field of PortholeTuning, so the real module can copy the winner:
 * RECOMMENDED, applied by tuneSshTransport() (right after client.connect()) and by the
 * setNoDelay() on accepted sockets in portholeForward().
 */
import { createServer, Socket, type Server } from 'node:net';
import type { Client, ConnectConfig } from 'ssh2';
import { coalesceWrites } from '../../main/ssh/transport-tuning';

export interface PortholeTuning {
  /** TCP_NODELAY on every accepted local socket (browser side). */
  readonly localNoDelay: boolean;
  /** TCP_NODELAY on the SSH TCP connection. */
  readonly sshNoDelay: boolean;
  /**
   * Batch ssh2's writes to the SSH socket: ssh2 calls socket.write() once per piece of every
   * packet (without the native addon: 4-byte length, ciphertext, 16-byte tag = 3 writes per
   * packet). With 'tick' the socket is corked on the first write and uncorked on
   * process.nextTick, with 'immediate' on setImmediate, so the pieces leave in one writev.
   */
  readonly coalesceSshWrites: 'off' | 'tick' | 'immediate';
  /**
   * The same batching for the local (browser-side) sockets, which get one write per SSH
   * packet (<= 32 KiB) in the remote-to-local direction.
   */
  readonly coalesceLocalWrites: 'off' | 'tick' | 'immediate';
  /** highWaterMark of accepted local sockets (undefined: Node's default). */
  readonly localHighWaterMark?: number | undefined;
}

/** What a straightforward implementation does: no socket options, ssh2 as it comes. */
export const UNTUNED: PortholeTuning = {
  localNoDelay: false,
  sshNoDelay: false,
  coalesceSshWrites: 'off',
  coalesceLocalWrites: 'off',
};

/** The tuning the benchmark recommends for main/tunnels (see the bench report). */
export const RECOMMENDED: PortholeTuning = {
  localNoDelay: true,
  sshNoDelay: true,
  coalesceSshWrites: 'tick',
  coalesceLocalWrites: 'off',
};

/** Connects `client` with the connection-level tuning applied before ssh2's first write. */
export function connectTuned(client: Client, config: ConnectConfig, tuning: PortholeTuning): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', (error) => {
      client.end();
      reject(error);
    });
    client.connect(config);
    tuneSshTransport(client, tuning);
  });
}

/**
 * Connection-level tuning. Call it synchronously right after client.connect(): ssh2 has
 * created its socket (client._sock, internal) but has not written to it yet. A jump-host hop
 * (ConnectConfig.sock = a channel of the previous hop) is not a net.Socket and is left alone.
 */
export function tuneSshTransport(client: Client, tuning: PortholeTuning): void {
  const sock = (client as unknown as { _sock?: unknown })._sock;
  if (!(sock instanceof Socket)) return;
  if (tuning.sshNoDelay) client.setNoDelay(true);
  if (tuning.coalesceSshWrites !== 'off') coalesceWrites(sock, tuning.coalesceSshWrites);
}

/**
 * THE PORTHOLE PATH: listens on 127.0.0.1 (a free port) and forwards every connection
 * through `client` to remoteHost:remotePort, like `ssh -L`. Resolves with the listening
 * server; close it to stop accepting (open connections live on until either side closes).
 */
export function portholeForward(client: Client, remoteHost: string, remotePort: number, tuning: PortholeTuning): Promise<Server> {
  const serverOptions = tuning.localHighWaterMark === undefined ? {} : { highWaterMark: tuning.localHighWaterMark };
  const server = createServer({ ...serverOptions, allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
    if (tuning.localNoDelay) socket.setNoDelay(true);
    if (tuning.coalesceLocalWrites !== 'off') coalesceWrites(socket, tuning.coalesceLocalWrites);
    socket.on('error', () => socket.destroy());
    let forwardError: Error | undefined;
    try {
      client.forwardOut('127.0.0.1', socket.remotePort ?? 0, remoteHost, remotePort, (error, channel) => {
        if (error) {
          socket.destroy();
          return;
        }
        if (socket.destroyed) {
          channel.close();
          return;
        }
        socket.on('close', (hadError) => {
          if (hadError) channel.close();
        });
        channel.on('close', () => socket.destroy());
        channel.on('error', () => socket.destroy());
        socket.pipe(channel);
        channel.pipe(socket);
        // pipe() resumes the socket that pauseOnConnect left paused.
      });
    } catch (error) {
      forwardError = error as Error;
    }
    if (forwardError) socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
