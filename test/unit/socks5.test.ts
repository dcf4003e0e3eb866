import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { Duplex, PassThrough } from 'node:stream';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { serveSocks5, Socks5Handshake, socks5Reply, type Socks5Action, type Socks5Request } from '../../main/tunnels/socks5';
import { mulberry32 as prng } from '../support/prng';

// ---------------------------------------------------------------------------------------
// Wire-format helpers (client side)

const GREETING = Buffer.from([5, 1, 0]);
const NO_AUTH_REPLY = Buffer.from([5, 0]);
const NO_METHOD_REPLY = Buffer.from([5, 0xff]);

function port16(port: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(port);
  return bytes;
}

function requestIPv4(address: string, port: number, command = 1): Buffer {
  return Buffer.concat([Buffer.from([5, command, 0, 1, ...address.split('.').map(Number)]), port16(port)]);
}

function requestDomain(name: string | Buffer, port: number, command = 1): Buffer {
  const bytes = typeof name === 'string' ? Buffer.from(name, 'latin1') : name;
  return Buffer.concat([Buffer.from([5, command, 0, 3, bytes.length]), bytes, port16(port)]);
}

function requestIPv6(groups: readonly number[], port: number): Buffer {
  const address = Buffer.alloc(16);
  groups.forEach((group, i) => address.writeUInt16BE(group, i * 2));
  return Buffer.concat([Buffer.from([5, 1, 0, 4]), address, port16(port)]);
}

/**
 * Feeds `input` to a fresh handshake in chunks of the given sizes, the way serveSocks5 does:
 * once the handshake ends, later chunks are early data (appended to `rest`), not pushed.
 * Returns every action except 'need-more', plus whether the last push wanted more.
 */
function feed(input: Buffer, chunkSizes: (remaining: number) => number): { actions: Socks5Action[]; wantsMore: boolean } {
  const handshake = new Socks5Handshake();
  const actions: Socks5Action[] = [];
  let offset = 0;
  let last: Socks5Action = { kind: 'need-more' };
  while (offset < input.length) {
    const size = Math.max(1, chunkSizes(input.length - offset));
    const chunk = input.subarray(offset, offset + size);
    offset += chunk.length;
    if (last.kind === 'connect') {
      const connected: Socks5Action = { kind: 'connect', request: last.request, rest: Buffer.concat([last.rest, chunk]) };
      actions[actions.length - 1] = last = connected;
      continue;
    }
    if (last.kind === 'fail') break;
    const produced = handshake.push(Buffer.from(chunk));
    last = produced[produced.length - 1]!;
    actions.push(...produced.filter((action) => action.kind !== 'need-more'));
  }
  return { actions, wantsMore: last.kind === 'need-more' };
}

const whole = (input: Buffer) => feed(input, (remaining) => remaining);
const bytewise = (input: Buffer) => feed(input, () => 1);

function failOf(actions: readonly Socks5Action[]): Extract<Socks5Action, { kind: 'fail' }> {
  const last = actions[actions.length - 1];
  if (last?.kind !== 'fail') throw new Error(`expected a fail action, got ${JSON.stringify(actions)}`);
  return last;
}

function connectOf(actions: readonly Socks5Action[]): Extract<Socks5Action, { kind: 'connect' }> {
  const last = actions[actions.length - 1];
  if (last?.kind !== 'connect') throw new Error(`expected a connect action, got ${JSON.stringify(actions)}`);
  return last;
}

// ---------------------------------------------------------------------------------------
// Pure parser

describe('socks5Reply', () => {
  it.each([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x07, 0x08])('encodes code %i with a 0.0.0.0:0 bound address', (code) => {
    expect(socks5Reply(code)).toEqual(Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]));
  });

  it.each([-1, 256, 1.5])('refuses code %s', (code) => {
    expect(() => socks5Reply(code)).toThrow(RangeError);
  });
});

describe('Socks5Handshake', () => {
  it.each<[string, Buffer, Socks5Request]>([
    ['IPv4', requestIPv4('10.1.2.3', 8888), { host: '10.1.2.3', port: 8888 }],
    ['domain', requestDomain('localhost', 8888), { host: 'localhost', port: 8888 }],
    ['domain of 255 bytes', requestDomain('a'.repeat(255), 443), { host: 'a'.repeat(255), port: 443 }],
    ['IPv6 loopback', requestIPv6([0, 0, 0, 0, 0, 0, 0, 1], 65535), { host: '::1', port: 65535 }],
    ['IPv6 any', requestIPv6([0, 0, 0, 0, 0, 0, 0, 0], 1), { host: '::', port: 1 }],
    ['IPv6, longest zero run wins', requestIPv6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 0], 80), { host: '2001:db8:0:0:1::', port: 80 }],
    ['IPv6, first of equal runs wins', requestIPv6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], 80), { host: '2001:db8::1:0:0:1', port: 80 }],
    ['IPv6, a single zero is not shortened', requestIPv6([1, 0, 2, 3, 4, 5, 6, 0xabcd], 80), { host: '1:0:2:3:4:5:6:abcd', port: 80 }],
  ])('parses a %s CONNECT, whole or byte by byte', (_name, request, expected) => {
    const input = Buffer.concat([GREETING, request]);
    for (const result of [whole(input), bytewise(input)]) {
      expect(result.actions).toEqual([
        { kind: 'reply', bytes: NO_AUTH_REPLY },
        { kind: 'connect', request: expected, rest: Buffer.alloc(0) },
      ]);
    }
  });

  it('replies to the greeting, then waits for the request', () => {
    const handshake = new Socks5Handshake();
    expect(handshake.push(Buffer.from([5, 3, 2, 1, 0]))).toEqual([{ kind: 'reply', bytes: NO_AUTH_REPLY }, { kind: 'need-more' }]);
    expect(handshake.push(requestIPv4('127.0.0.1', 22))).toEqual([
      { kind: 'connect', request: { host: '127.0.0.1', port: 22 }, rest: Buffer.alloc(0) },
    ]);
  });

  it('hands bytes after the request back as early data', () => {
    const early = randomBytes(3000);
    const input = Buffer.concat([GREETING, requestDomain('example.org', 80), early]);
    expect(connectOf(whole(input).actions).rest).toEqual(early);
    expect(connectOf(bytewise(input).actions).rest).toEqual(early);
    expect(connectOf(feed(input, () => 7).actions).rest).toEqual(early);
  });

  it('asks for more at every proper prefix of a valid handshake, and never fails', () => {
    const input = Buffer.concat([GREETING, requestDomain('jupyter.internal', 8888)]);
    for (let length = 0; length < input.length; length++) {
      const { actions, wantsMore } = whole(input.subarray(0, length));
      expect(wantsMore || length === 0).toBe(true);
      expect(actions.every((action) => action.kind === 'reply')).toBe(true);
    }
  });

  it('waits for all 255 bytes when a domain length says 255 but few arrive', () => {
    const handshake = new Socks5Handshake();
    handshake.push(GREETING);
    expect(handshake.push(Buffer.from([5, 1, 0, 3, 255, 0x61, 0x62]))).toEqual([{ kind: 'need-more' }]);
    expect(handshake.push(Buffer.concat([Buffer.alloc(253, 0x63), port16(80)]))).toEqual([
      { kind: 'connect', request: { host: `ab${'c'.repeat(253)}`, port: 80 }, rest: Buffer.alloc(0) },
    ]);
  });

  it.each<[string, Buffer, Buffer]>([
    ['a SOCKS4 greeting', Buffer.from([4, 1, 0x1f, 0x90, 127, 0, 0, 1, 0]), NO_METHOD_REPLY],
    ['an HTTP request', Buffer.from('GET / HTTP/1.1\r\n\r\n'), NO_METHOD_REPLY],
    ['zero methods', Buffer.from([5, 0]), NO_METHOD_REPLY],
    ['only username/password offered', Buffer.from([5, 1, 2]), NO_METHOD_REPLY],
    ['only GSSAPI and private methods', Buffer.from([5, 3, 1, 0x80, 0xfe]), NO_METHOD_REPLY],
    ['a request with the wrong version', Buffer.concat([GREETING, Buffer.from([4, 1, 0, 1, 127, 0, 0, 1, 0, 80])]), socks5Reply(0x01)],
    ['BIND', Buffer.concat([GREETING, requestIPv4('127.0.0.1', 80, 2)]), socks5Reply(0x07)],
    ['UDP ASSOCIATE', Buffer.concat([GREETING, requestIPv4('0.0.0.0', 0, 3)]), socks5Reply(0x07)],
    ['an unknown command', Buffer.concat([GREETING, requestIPv4('127.0.0.1', 80, 0xff)]), socks5Reply(0x07)],
    ['address type 2', Buffer.concat([GREETING, Buffer.from([5, 1, 0, 2, 1, 2, 3, 4, 0, 80])]), socks5Reply(0x08)],
    ['an empty domain', Buffer.concat([GREETING, requestDomain('', 80)]), socks5Reply(0x01)],
    ['a domain with a NUL byte', Buffer.concat([GREETING, requestDomain(Buffer.from('evil\0.example'), 80)]), socks5Reply(0x01)],
    ['a domain with a space', Buffer.concat([GREETING, requestDomain('a b', 80)]), socks5Reply(0x01)],
    ['a domain with non-ASCII bytes', Buffer.concat([GREETING, requestDomain(Buffer.from([0xc3, 0xa9]), 80)]), socks5Reply(0x01)],
    ['port 0', Buffer.concat([GREETING, requestIPv4('127.0.0.1', 0)]), socks5Reply(0x01)],
  ])('fails %s with the right reply, whole or byte by byte', (_name, input, reply) => {
    for (const result of [whole(input), bytewise(input)]) {
      const failure = failOf(result.actions);
      expect(failure.bytes).toEqual(reply);
      expect(failure.reason).not.toBe('');
    }
  });

  it('refuses further input once it has finished', () => {
    const handshake = new Socks5Handshake();
    handshake.push(Buffer.concat([GREETING, requestIPv4('127.0.0.1', 80)]));
    expect(handshake.push(Buffer.from('more'))).toEqual([{ kind: 'fail', bytes: Buffer.alloc(0), reason: 'handshake already finished' }]);
  });
});

// ---------------------------------------------------------------------------------------
// Fuzzing

function fuzzInput(random: () => number): Buffer {
  const int = (limit: number) => Math.floor(random() * limit);
  if (random() < 0.3) return Buffer.from(Array.from({ length: int(300) }, () => int(256)));
  const valid = [requestIPv4('10.0.0.1', 80), requestDomain('host.example', 8888), requestIPv6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], 22)][int(3)]!;
  const bytes = [...Buffer.concat([Buffer.from([5, 1 + int(3), 0, 1, 2]).subarray(0, 2 + int(4)), valid, randomTail(int)])];
  for (let mutations = int(4); mutations > 0; mutations--) {
    const at = int(bytes.length + 1);
    const choice = int(4);
    if (choice === 0) bytes[at] = int(256);
    else if (choice === 1) bytes.splice(at, 1);
    else if (choice === 2) bytes.splice(at, 0, int(256));
    else bytes.length = at; // truncate
  }
  return Buffer.from(bytes.filter((b) => b !== undefined));
}

function randomTail(int: (limit: number) => number): Buffer {
  return Buffer.from(Array.from({ length: int(3) === 0 ? int(40) : 0 }, () => int(256)));
}

const ALLOWED_FAIL_LENGTHS = new Set([0, 2, 10]);

describe('Socks5Handshake fuzzing', () => {
  // 18 000 handshakes, a third of them fed byte by byte: about 0.4 s on an idle core, and a
  // few times that while CI's two cores also run an integration file.
  it('never throws on 6000 random and mutated inputs, and chunking never changes the outcome', { timeout: 30_000 }, () => {
    const random = prng(0x5eed_5045);
    const outcomes = { connect: 0, fail: 0, pending: 0 };
    for (let i = 0; i < 6000; i++) {
      const input = fuzzInput(random);
      const reference = whole(input);
      const chunked = feed(input, (remaining) => 1 + Math.floor(random() * remaining));
      // Node's deep-equal first: Vitest's matcher (and its diff) for 12 000 comparisons was
      // about half of this test's time, so it runs only where the outcomes differ.
      for (const [how, outcome] of [['in random chunks', chunked], ['byte by byte', bytewise(input)]] as const) {
        if (!isDeepStrictEqual(outcome, reference)) expect(outcome, `input #${i} ${how}: ${input.toString('hex')}`).toEqual(reference);
      }
      const last = reference.actions[reference.actions.length - 1];
      if (last?.kind === 'fail') expect(ALLOWED_FAIL_LENGTHS.has(last.bytes.length)).toBe(true);
      if (last?.kind === 'connect') {
        expect(last.request.host).not.toBe('');
        expect(last.request.port).toBeGreaterThan(0);
      }
      if (reference.wantsMore) outcomes.pending++;
      else if (last?.kind === 'connect') outcomes.connect++;
      else outcomes.fail++;
    }
    // The generator must exercise every outcome, or the loop proves little.
    expect(outcomes.connect).toBeGreaterThan(300);
    expect(outcomes.fail).toBeGreaterThan(300);
    expect(outcomes.pending).toBeGreaterThan(300);
  });
});

// ---------------------------------------------------------------------------------------
// End to end over real loopback sockets

/** Everything a test opened, closed again after it so nothing leaks between tests. */
const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function listen(server: Server, sockets: Set<Socket>): Promise<number> {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as AddressInfo).port;
}

/** An echo server that also half-closes back when the client half-closes. */
async function startEcho(): Promise<{ port: number; connections: Socket[] }> {
  const connections: Socket[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    connections.push(socket);
    socket.on('error', () => socket.destroy());
    socket.pipe(socket);
  });
  return { port: await listen(server, new Set()), connections };
}

async function startSocks(open: (request: Socks5Request) => Promise<Duplex>, options?: { handshakeTimeoutMs?: number }): Promise<number> {
  return (await startSocksServer(open, options)).port;
}

/** Also hands out the server side of each accepted client, for tests that watch it. */
async function startSocksServer(
  open: (request: Socks5Request) => Promise<Duplex>,
  options?: { handshakeTimeoutMs?: number },
): Promise<{ port: number; accepted: Socket[] }> {
  const accepted: Socket[] = [];
  const server = net.createServer((socket) => {
    accepted.push(socket);
    serveSocks5(socket, open, options);
  });
  return { port: await listen(server, new Set()), accepted };
}

/** Porthole's real `open` goes over SSH; here it connects straight to the target. */
function connectDirect(request: Socks5Request, opened?: Socket[]): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const upstream = net.connect({ host: request.host, port: request.port });
    upstream.once('connect', () => {
      opened?.push(upstream);
      resolve(upstream);
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      // Shaped like ssh2's channel-open failure: reason 2 = connect failed.
      reject(Object.assign(new Error(error.message), { reason: error.code === 'ECONNREFUSED' ? 2 : 4 }));
    });
  });
}

/** Buffers a client socket's input so tests can await exact byte counts or the close. */
class Client {
  // A list, joined only when read: concatenating per chunk is quadratic on tens of MiB.
  private chunks: Buffer[] = [];
  private length = 0;
  private wake: (() => void) | undefined;
  private closedFlag = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.wake?.();
    });
    socket.on('error', () => undefined); // the close event is what tests look at
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedFlag = true;
        this.wake?.();
        resolve();
      }),
    );
  }

  /** `allowHalfOpen` keeps our sending side open after the server's FIN, so only the server can close. */
  static async connect(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<Client> {
    const socket = net.connect({ port, host: '127.0.0.1', ...options });
    cleanup.push(() => void socket.destroy());
    await once(socket, 'connect');
    return new Client(socket);
  }

  async read(count: number): Promise<Buffer> {
    while (this.length < count) {
      if (this.closedFlag) throw new Error(`connection closed after ${this.length} of ${count} bytes`);
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    const all = this.take();
    this.chunks = all.length > count ? [all.subarray(count)] : [];
    this.length = all.length - count;
    return all.subarray(0, count);
  }

  /** Everything until the server closes. */
  async readToClose(): Promise<Buffer> {
    await this.closed;
    return this.take();
  }

  /** Everything received so far. */
  received(): Buffer {
    return this.take();
  }

  private take(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
  }

  /** Greeting + CONNECT; returns the 10-byte reply. */
  async handshake(request: Buffer, earlyData: Buffer = Buffer.alloc(0)): Promise<Buffer> {
    this.socket.write(Buffer.concat([GREETING, request, earlyData]));
    expect(await this.read(2)).toEqual(NO_AUTH_REPLY);
    return this.read(10);
  }

  async echo(data: Buffer): Promise<Buffer> {
    this.socket.write(data);
    return this.read(data.length);
  }
}

const MiB = 1024 * 1024;

describe('serveSocks5 over real sockets', () => {
  it.each([
    ['the domain localhost', (port: number) => requestDomain('localhost', port)],
    ['the IPv4 address 127.0.0.1', (port: number) => requestIPv4('127.0.0.1', port)],
  ])('relays 1 MiB byte-identically when the client names %s', async (_name, request) => {
    const echo = await startEcho();
    const seen: Socks5Request[] = [];
    const socksPort = await startSocks((target) => {
      seen.push(target);
      return connectDirect(target);
    });
    const client = await Client.connect(socksPort);
    expect(await client.handshake(request(echo.port))).toEqual(socks5Reply(0x00));
    const data = randomBytes(MiB);
    expect((await client.echo(data)).equals(data)).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.port).toBe(echo.port);
  });

  it('forwards early data sent in the same packet as the request', async () => {
    const echo = await startEcho();
    const socksPort = await startSocks((target) => connectDirect(target));
    const client = await Client.connect(socksPort);
    const early = randomBytes(5000);
    expect(await client.handshake(requestIPv4('127.0.0.1', echo.port), early)).toEqual(socks5Reply(0x00));
    expect((await client.read(early.length)).equals(early)).toBe(true);
  });

  it('passes a half-close through and delivers everything the target sends afterwards', async () => {
    const echo = await startEcho();
    const socksPort = await startSocks((target) => connectDirect(target));
    const client = await Client.connect(socksPort);
    await client.handshake(requestIPv4('127.0.0.1', echo.port));
    const data = randomBytes(200_000);
    client.socket.end(data);
    expect((await client.readToClose()).equals(data)).toBe(true);
  });

  it('delivers everything upstream sent before it closed, then closes even a half-open client', async () => {
    // Upstream holds 32 MiB and its end before we even pipe: it closes at once, while most of
    // the data still waits in the client socket's write queue.
    const data = randomBytes(32 * MiB);
    const upstream = new Duplex({ read: () => undefined, write: (_chunk, _encoding, done) => done(), allowHalfOpen: false });
    upstream.push(data);
    upstream.push(null);
    const upstreamClosed = once(upstream, 'close');
    const socks = await startSocksServer(() => Promise.resolve(upstream));
    const client = await Client.connect(socks.port, { allowHalfOpen: true });
    const ended = once(client.socket, 'end');
    client.socket.write(Buffer.concat([GREETING, requestDomain('bulk.example', 80)]));
    await ended;
    await upstreamClosed;
    // A half-open client cannot see the full close until it writes, so watch our side of it.
    const serverSide = socks.accepted[0]!;
    if (!serverSide.closed) await once(serverSide, 'close');
    const received = client.received();
    expect(received.subarray(0, 12)).toEqual(Buffer.concat([NO_AUTH_REPLY, socks5Reply(0x00)]));
    expect(received.length - 12).toBe(data.length);
    expect(received.subarray(12).equals(data)).toBe(true);
  });

  it('replies 0x05 (connection refused) for a closed port', async () => {
    const closed = net.createServer();
    const closedPort = await listen(closed, new Set());
    await new Promise((resolve) => closed.close(resolve));
    const socksPort = await startSocks((target) => connectDirect(target));
    const client = await Client.connect(socksPort);
    expect(await client.handshake(requestIPv4('127.0.0.1', closedPort))).toEqual(socks5Reply(0x05));
    await client.closed;
  });

  it.each<[string, unknown, number]>([
    ['reason 1 (prohibited) as 0x02', Object.assign(new Error('prohibited'), { reason: 1 }), 0x02],
    ['reason 2 (connect failed) as 0x05', Object.assign(new Error('refused'), { reason: 2 }), 0x05],
    ['other reasons as 0x01', Object.assign(new Error('shortage'), { reason: 4 }), 0x01],
    ['a plain Error as 0x01', new Error('boom'), 0x01],
    ['a non-Error as 0x01', 'weird', 0x01],
  ])('maps an open failure with %s', async (_name, error, code) => {
    const socksPort = await startSocks(() => Promise.reject(error));
    const client = await Client.connect(socksPort);
    expect(await client.handshake(requestDomain('anything', 1))).toEqual(socks5Reply(code));
    await client.closed;
  });

  it('an open that throws instead of rejecting still gets a 0x01 reply', async () => {
    const socksPort = await startSocks(() => {
      throw new Error('thrown synchronously');
    });
    const client = await Client.connect(socksPort);
    expect(await client.handshake(requestIPv4('127.0.0.1', 9))).toEqual(socks5Reply(0x01));
    await client.closed;
  });

  it('replies 0x07 to BIND and closes without calling open', async () => {
    const requests: Socks5Request[] = [];
    const socksPort = await startSocks((request) => {
      requests.push(request);
      return Promise.reject(new Error('must not be called'));
    });
    const client = await Client.connect(socksPort);
    client.socket.write(Buffer.concat([GREETING, requestIPv4('127.0.0.1', 80, 2)]));
    expect(await client.readToClose()).toEqual(Buffer.concat([NO_AUTH_REPLY, socks5Reply(0x07)]));
    expect(requests).toEqual([]);
  });

  it('answers 05 FF and closes when no-auth is not offered', async () => {
    const socksPort = await startSocks(() => Promise.reject(new Error('must not be called')));
    const client = await Client.connect(socksPort);
    client.socket.write(Buffer.from([5, 1, 2]));
    expect(await client.readToClose()).toEqual(NO_METHOD_REPLY);
  });

  it.each([
    ['closes (FIN)', (socket: Socket) => void socket.destroy()],
    ['resets (RST)', (socket: Socket) => void socket.resetAndDestroy()],
  ])('a client that %s takes its upstream down and leaves a concurrent one working', async (_name, hangUp) => {
    const echo = await startEcho();
    const socksPort = await startSocks((target) => connectDirect(target));
    const first = await Client.connect(socksPort);
    await first.handshake(requestIPv4('127.0.0.1', echo.port));
    const second = await Client.connect(socksPort);
    await second.handshake(requestIPv4('127.0.0.1', echo.port));
    expect(echo.connections).toHaveLength(2);
    const [firstUpstream, secondUpstream] = echo.connections;
    await first.echo(Buffer.from('warm up'));

    const firstUpstreamClosed = new Promise<void>((resolve) => firstUpstream!.once('close', () => resolve()));
    hangUp(first.socket);
    await firstUpstreamClosed;

    expect(secondUpstream!.destroyed).toBe(false);
    const data = randomBytes(256 * 1024);
    expect((await second.echo(data)).equals(data)).toBe(true);
  });

  it('an upstream error destroys that client and no other', async () => {
    const echo = await startEcho();
    const upstreams: Socket[] = [];
    const socksPort = await startSocks((target) => connectDirect(target, upstreams));
    const first = await Client.connect(socksPort);
    await first.handshake(requestIPv4('127.0.0.1', echo.port));
    const second = await Client.connect(socksPort);
    await second.handshake(requestIPv4('127.0.0.1', echo.port));

    upstreams[0]!.destroy(new Error('channel reset'));
    await first.closed;

    expect(upstreams[1]!.destroyed).toBe(false);
    const data = randomBytes(64 * 1024);
    expect((await second.echo(data)).equals(data)).toBe(true);
  });

  it('closes a client that stalls in the handshake, but not one that finished it', async () => {
    const echo = await startEcho();
    const socksPort = await startSocks((target) => connectDirect(target), { handshakeTimeoutMs: 200 });
    const finished = await Client.connect(socksPort);
    await finished.handshake(requestIPv4('127.0.0.1', echo.port));

    const silent = await Client.connect(socksPort);
    const halfway = await Client.connect(socksPort);
    halfway.socket.write(Buffer.concat([GREETING, Buffer.from([5, 1, 0])]));
    await silent.closed;
    await halfway.closed;

    // Both stalled clients outlived the timeout, so the finished one has too.
    const data = randomBytes(1024);
    expect((await finished.echo(data)).equals(data)).toBe(true);
  });

  it('closes a client that half-closes in the middle of the handshake, without waiting for the timeout', async () => {
    const socksPort = await startSocks(() => Promise.reject(new Error('must not be called')));
    const client = await Client.connect(socksPort, { allowHalfOpen: true });
    client.socket.end(Buffer.from([5, 1]));
    await client.closed; // the default 10 s timeout is longer than the test's own 5 s limit
  });

  it('the handshake timeout does not cut off a slow open, which still gets its reply', async () => {
    let rejectOpen: ((error: Error) => void) | undefined;
    let openCalled: (() => void) | undefined;
    const openStarted = new Promise<void>((resolve) => (openCalled = resolve));
    const socks = await startSocksServer(
      () =>
        new Promise<Duplex>((_resolve, reject) => {
          rejectOpen = reject;
          openCalled!();
        }),
      { handshakeTimeoutMs: 100 },
    );
    const client = await Client.connect(socks.port);
    client.socket.write(Buffer.concat([GREETING, requestDomain('slow.example', 80)]));
    await openStarted;
    // A stalled client with the same timeout: once it is closed, the timeout has passed.
    const stalled = await Client.connect(socks.port);
    await stalled.closed;
    rejectOpen!(Object.assign(new Error('refused'), { reason: 2 }));
    expect(await client.readToClose()).toEqual(Buffer.concat([NO_AUTH_REPLY, socks5Reply(0x05)]));
  });

  it('destroys an upstream that opens only after the client reset the connection', async () => {
    let resolveOpen: ((upstream: Duplex) => void) | undefined;
    let openCalled: (() => void) | undefined;
    const openStarted = new Promise<void>((resolve) => (openCalled = resolve));
    const socks = await startSocksServer(
      () =>
        new Promise<Duplex>((resolve) => {
          resolveOpen = resolve;
          openCalled!();
        }),
    );
    const client = await Client.connect(socks.port);
    client.socket.write(Buffer.concat([GREETING, requestDomain('slow.example', 80)]));
    await openStarted;
    const serverSide = socks.accepted[0]!;
    // Not events.once: it would reject on the ECONNRESET 'error' that precedes the close.
    const serverSideClosed = new Promise<void>((resolve) => serverSide.once('close', () => resolve()));
    client.socket.resetAndDestroy();
    await serverSideClosed;

    const upstream = new PassThrough();
    const upstreamClosed = once(upstream, 'close');
    resolveOpen!(upstream);
    await upstreamClosed;
    expect(upstream.destroyed).toBe(true);
  });
});
