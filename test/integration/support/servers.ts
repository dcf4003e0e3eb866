/** Small real TCP servers for the far end of forwards: echo and byte-counting sink. */
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

function running(server: Server): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}

export function echoServer(): Promise<RunningServer> {
  return running(createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  }));
}

/** Answers every connection with the SHA-256 (hex) of everything it received, then closes. */
export function hashServer(): Promise<RunningServer> {
  return running(
    createServer((socket) => {
      const hash = createHash('sha256');
      socket.on('data', (chunk: Buffer) => hash.update(chunk));
      socket.on('end', () => socket.end(hash.digest('hex')));
      socket.on('error', () => socket.destroy());
    }),
  );
}
