/** Small real TCP servers for the far end of forwards: echo, byte-counting sink, and one that never answers. */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

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

/**
 * A port where a connect never completes, like a host behind a firewall that drops packets:
 * a listener with a backlog of 0 that never accepts (python3: Node always accepts) and whose
 * one queue place is taken, so the kernel drops every further SYN and a connect to it stays
 * pending for minutes (SYN retries). Stopped with close().
 */
export async function unansweringTarget(): Promise<RunningServer> {
  const script = 'import socket,sys\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()\n';
  // The listener lives until its stdin closes.
  const child = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.once('error', (error) => reject(new Error(`python3 is needed for the unanswering target (apt-get install python3): ${error.message}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(Number(out.trim()));
    });
    child.once('exit', (code) => reject(new Error(`the unanswering target exited (${code}) before listening`)));
  });
  // The one connection the queue holds; from now on the listener answers nobody.
  const filler = await new Promise<Socket>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
  return {
    port,
    close: async () => {
      filler.destroy();
      child.stdin.end();
      await exited;
    },
  };
}
