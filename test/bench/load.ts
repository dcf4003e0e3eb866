/**
 * Load generators and far-end servers for the tunnel benchmark, all on 127.0.0.1:
 *  - Sink: counts the bytes of each connection; pushThrough() sends N bytes and resolves
 *    when the sink has all N (a connection that ends with a different count is an error);
 *  - Echo: writes back whatever arrives; pingPong() times 100-byte round trips;
 *  - Source: on "<N>\n" writes N bytes and ends; pullThrough() times the download.
 */
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';

const CHUNK = Buffer.alloc(1024 * 1024, 0x5a);

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address !== null && typeof address === 'object') resolve(address.port);
      else reject(new Error('no port'));
    });
  });
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

interface Expectation {
  readonly bytes: number;
  readonly resolve: (at: bigint) => void;
  readonly reject: (error: Error) => void;
}

export class LoadServers {
  private readonly sockets = new Set<Socket>();
  private expectation: Expectation | null = null;
  private constructor(
    private readonly servers: Server[],
    readonly sinkPort: number,
    readonly echoPort: number,
    readonly sourcePort: number,
  ) {}

  static async start(): Promise<LoadServers> {
    let self: LoadServers | null = null;
    const track = (socket: Socket) => {
      self?.sockets.add(socket);
      socket.once('close', () => self?.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    };
    const sink = createServer((socket) => {
      track(socket);
      let count = 0;
      socket.on('data', (data: Buffer) => {
        count += data.length;
        const expected = self?.expectation;
        if (expected && count === expected.bytes) {
          self!.expectation = null;
          expected.resolve(process.hrtime.bigint());
        }
      });
      socket.on('end', () => {
        socket.end();
        const expected = self?.expectation;
        // Readiness probes connect and close without data; anything else must be exact.
        if (count > 0 && expected && count !== expected.bytes) {
          self!.expectation = null;
          expected.reject(new Error(`sink received ${count} bytes, expected ${expected.bytes}`));
        }
      });
    });
    const echo = createServer((socket) => {
      track(socket);
      socket.setNoDelay(true);
      socket.on('data', (data: Buffer) => socket.write(data));
      socket.on('end', () => socket.end());
    });
    const source = createServer((socket) => {
      track(socket);
      socket.setNoDelay(true);
      let header = '';
      const onData = (data: Buffer) => {
        header += data.toString('latin1');
        if (!header.includes('\n')) return;
        socket.off('data', onData);
        void writeBytes(socket, Number(header.trim())).then(() => socket.end(), () => socket.destroy());
      };
      socket.on('data', onData);
    });
    const servers = [sink, echo, source];
    const [sinkPort, echoPort, sourcePort] = await Promise.all(servers.map(listen));
    self = new LoadServers(servers, sinkPort!, echoPort!, sourcePort!);
    return self;
  }

  /** Resolves with the hrtime at which a sink connection has received exactly `bytes`. */
  expectSink(bytes: number): Promise<bigint> {
    if (this.expectation) throw new Error('one sink measurement at a time');
    return new Promise((resolve, reject) => (this.expectation = { bytes, resolve, reject }));
  }

  cancelSink(): void {
    this.expectation = null;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((server) => closeServer(server, this.sockets)));
  }
}

async function writeBytes(socket: Socket, bytes: number): Promise<void> {
  let sent = 0;
  while (sent < bytes) {
    const n = Math.min(CHUNK.length, bytes - sent);
    const ok = socket.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
    sent += n;
    if (!ok && sent < bytes) await once(socket, 'drain');
  }
}

function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Seconds from connect to the sink holding all `bytes` sent through `port`. */
export async function pushThrough(servers: LoadServers, port: number, bytes: number, timeoutMs = 120_000): Promise<number> {
  const done = servers.expectSink(bytes);
  done.catch(() => undefined);
  const socket = await connectTo(port);
  socket.on('error', () => undefined);
  try {
    const start = process.hrtime.bigint();
    await withTimeout(
      (async () => {
        await writeBytes(socket, bytes);
        socket.end();
      })(),
      timeoutMs,
      'push',
    );
    const end = await withTimeout(done, timeoutMs, `sink receiving ${bytes} bytes`);
    return Number(end - start) / 1e9;
  } finally {
    servers.cancelSink();
    socket.destroy();
  }
}

/** Seconds from request to the last of `bytes` arriving from the source through `port`. */
export async function pullThrough(port: number, bytes: number, timeoutMs = 120_000): Promise<number> {
  const socket = await connectTo(port);
  socket.on('error', () => undefined);
  try {
    return await withTimeout(
      new Promise<number>((resolve, reject) => {
        let count = 0;
        const start = process.hrtime.bigint();
        socket.on('data', (data: Buffer) => {
          count += data.length;
          if (count === bytes) resolve(Number(process.hrtime.bigint() - start) / 1e9);
        });
        socket.on('end', () => reject(new Error(`pulled ${count} bytes, expected ${bytes}`)));
        socket.write(`${bytes}\n`);
      }),
      timeoutMs,
      'pull',
    );
  } finally {
    socket.destroy();
  }
}

/**
 * Round-trip times in microseconds of `size`-byte messages through the echo at `port`:
 * `warmup` unrecorded rounds, then `rounds` recorded ones, or fewer if `budgetMs` runs out
 * (a path with 40 ms stalls would otherwise take minutes).
 */
export async function pingPong(
  port: number,
  rounds: number,
  warmup: number,
  { size = 100, budgetMs = 10_000, onRecordStart }: { size?: number; budgetMs?: number; onRecordStart?: () => void } = {},
): Promise<number[]> {
  const socket = await connectTo(port);
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  const payload = Buffer.alloc(size, 0x61);
  try {
    return await withTimeout(
      new Promise<number[]>((resolve, reject) => {
        const samples: number[] = [];
        const ms = (n: number) => BigInt(n) * 1_000_000n;
        let warming = warmup > 0;
        let warmupRounds = 0;
        let deadline = process.hrtime.bigint() + (warming ? ms(Math.min(1_000, budgetMs)) : ms(budgetMs));
        if (!warming) onRecordStart?.();
        let received = 0;
        let start = 0n;
        const send = () => {
          received = 0;
          start = process.hrtime.bigint();
          socket.write(payload);
        };
        socket.on('data', (data: Buffer) => {
          received += data.length;
          if (received < size) return;
          if (received > size) {
            reject(new Error(`echo returned ${received} bytes for ${size}`));
            return;
          }
          const now = process.hrtime.bigint();
          if (warming) {
            warmupRounds++;
            if (warmupRounds >= warmup || now >= deadline) {
              warming = false;
              onRecordStart?.();
              deadline = process.hrtime.bigint() + ms(budgetMs);
            }
          } else {
            samples.push(Number(now - start) / 1e3);
            if (samples.length >= rounds || now >= deadline) {
              resolve(samples);
              return;
            }
          }
          send();
        });
        socket.on('end', () => reject(new Error('echo connection ended early')));
        send();
      }),
      budgetMs + 120_000,
      'ping-pong',
    );
  } finally {
    socket.destroy();
  }
}

/** CPU seconds a process has used so far in user and in kernel mode (0 if it is gone). */
export function processCpu(pid: number): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
  } catch {
    return { user: 0, system: 0 };
  }
}

/**
 * Exact CPU seconds of all threads of a process (sum of /proc/PID/task/TID/schedstat run
 * times, nanosecond resolution; /proc/PID/stat counts 10 ms ticks). 0 if it is gone.
 */
export function cpuSeconds(pid: number): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread exited meanwhile.
      }
    }
  } catch {
    return 0;
  }
  return ns / 1e9;
}

const CLOCK_TICKS = 100;

/** CPU seconds all CPUs of the machine have been busy (anything but idle and iowait) since boot. */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}
