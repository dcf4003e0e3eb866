/**
 * The cap on connections one forward carries at once, shared by `-L` and `-D`: every
 * connection costs an SSH channel on the server, so a flood of clients (a runaway script, a
 * port scan on a forward bound to the network) stops here instead of at the server's limit.
 */
import type { Socket } from 'node:net';
import { PortholeError } from '../shared/errors';

/** Enough for a browser's parallel requests and kernels' websockets; a flood stops here. */
export const DEFAULT_MAX_CONNECTIONS = 256;

export interface ConnectionCapOptions {
  /** Connections carried at once (paired, waiting or, for SOCKS, still in the handshake); one more is closed at once. */
  readonly maxConnections?: number;
  /** Told about failures of single forwarded connections (they never stop the forward). */
  readonly onConnectionError?: (error: unknown) => void;
}

/**
 * True, with `socket` destroyed and tunnel.too-many-connections reported, when its forward
 * already carries `carried` connections and so has no room for this one.
 */
export function refusedOverCap(socket: Socket, carried: number, options: ConnectionCapOptions): boolean {
  const max = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  if (carried < max) return false;
  const port = socket.localPort; // gone once the socket is destroyed
  socket.destroy();
  options.onConnectionError?.(
    new PortholeError({ code: 'tunnel.too-many-connections', message: `Port ${port} already carries ${max} connections, the most one forward takes at once.`, hint: 'Close some connections (browser tabs, clients) and try again.', retryable: true }),
  );
  return true;
}
