/**
 * Binds a local listener for a forward. A busy port is the most common forward failure
 * (a second Jupyter, a leftover tunnel), so it gets its own error naming the port, and an
 * opt-in "take the next free port" mode.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { PortholeError } from '../shared/errors';

export type PortFallback = 'fail' | 'next-free';

/** How far "next free" looks before giving up. */
const NEXT_FREE_SPAN = 100;

export async function listenLocal(host: string, port: number, fallback: PortFallback, onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const last = fallback === 'next-free' && port !== 0 ? Math.min(65_535, port + NEXT_FREE_SPAN) : port;
  for (let candidate = port; ; candidate++) {
    try {
      const server = await tryListen(host, candidate, onConnection);
      const address = server.address();
      return { server, port: typeof address === 'object' && address !== null ? address.port : candidate };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && candidate < last) continue;
      throw listenError(code, host, port, fallback === 'next-free' ? last : undefined, error);
    }
  }
}

function tryListen(host: string, port: number, onConnection: (socket: Socket) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: a client that has finished sending still gets the rest of the answer.
    const server = createServer({ noDelay: true, allowHalfOpen: true }, onConnection);
    server.once('error', reject);
    // exclusive: never share the port with another process's listener.
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function listenError(code: string | undefined, host: string, port: number, searchedUpTo: number | undefined, cause: unknown): PortholeError {
  switch (code) {
    case 'EADDRINUSE':
      return new PortholeError(
        {
          code: 'tunnel.port-in-use',
          message:
            searchedUpTo === undefined
              ? `Local port ${port} is already in use by another program.`
              : `Local ports ${port} to ${searchedUpTo} are all in use.`,
          hint: `Close the program using port ${port} (often another Jupyter or an old tunnel), pick another local port, or let Porthole take the next free one (CLI: --next-free-port).`,
          retryable: false,
        },
        { cause },
      );
    case 'EACCES':
      return new PortholeError(
        { code: 'tunnel.port-forbidden', message: `This computer does not allow Porthole to listen on port ${port}.`, hint: 'Ports below 1024 need administrator rights; use a port like 8888 instead.', retryable: false },
        { cause },
      );
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new PortholeError(
        { code: 'tunnel.bad-bind-address', message: `${host} is not an address of this computer, so Porthole cannot listen on it.`, hint: 'Use 127.0.0.1 (the default) unless you need others on your network to reach this forward.', retryable: false },
        { cause },
      );
    default:
      return new PortholeError(
        { code: 'tunnel.listen-failed', message: `Could not listen on ${host}:${port}: ${(cause as Error).message}.`, hint: 'Pick another local port and try again.', retryable: false },
        { cause },
      );
  }
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}
