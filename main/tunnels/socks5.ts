/**
 * The server side of SOCKS5 (RFC 1928) for dynamic forwards (-D): no authentication,
 * CONNECT only, IPv4 / domain / IPv6 targets. The listener is on loopback by default,
 * so "no auth" matches what `ssh -D` offers.
 *
 * The byte parsing is a pure state machine (Socks5Handshake) so it can be fuzzed without
 * sockets; serveSocks5 wires it to one client socket and one upstream stream.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface Socks5Request {
  readonly host: string;
  readonly port: number;
}

export type Socks5Action =
  | { readonly kind: 'need-more' }
  | { readonly kind: 'reply'; readonly bytes: Buffer }
  | { readonly kind: 'connect'; readonly request: Socks5Request; readonly rest: Buffer }
  | { readonly kind: 'fail'; readonly bytes: Buffer; readonly reason: string };

const VERSION = 0x05;
const METHOD_NO_AUTH = 0x00;
const METHOD_NONE_ACCEPTABLE = 0xff;
const CMD_CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;

export const SOCKS5_REPLY = {
  succeeded: 0x00,
  generalFailure: 0x01,
  notAllowed: 0x02,
  networkUnreachable: 0x03,
  hostUnreachable: 0x04,
  connectionRefused: 0x05,
  commandNotSupported: 0x07,
  addressTypeNotSupported: 0x08,
} as const;

const NEED_MORE: Socks5Action = { kind: 'need-more' };

/**
 * Reply to a request: VER, REP, RSV, then BND.ADDR/BND.PORT. The bound address is sent as
 * 0.0.0.0:0 because the real one lives on the SSH server and is not told to us (ssh -D does
 * the same); clients ignore it for CONNECT.
 */
export function socks5Reply(code: number): Buffer {
  if (!Number.isInteger(code) || code < 0 || code > 0xff) throw new RangeError(`SOCKS5 reply code out of range: ${code}`);
  return Buffer.from([VERSION, code, 0x00, ATYP_IPV4, 0, 0, 0, 0, 0, 0]);
}

function methodReply(method: number): Buffer {
  return Buffer.from([VERSION, method]);
}

function fail(bytes: Buffer, reason: string): Socks5Action {
  return { kind: 'fail', bytes, reason };
}

/** A decision about the bytes so far, plus how many bytes it used up. */
type Step = { readonly action: Socks5Action; readonly used: number };

/**
 * Incremental parser for the client's greeting and request. `push` returns the actions for
 * the bytes so far, in order; the last one is always 'need-more', 'connect' or 'fail'.
 * It never throws: every malformed input maps to a 'fail' carrying the reply to send.
 * Each check runs as soon as its byte is there, so a byte-at-a-time client gets exactly
 * the same answers as one that sends everything at once.
 */
export class Socks5Handshake {
  private stage: 'greeting' | 'request' | 'done' = 'greeting';
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Socks5Action[] {
    // After connect/fail the caller owns the stream; data here would be silently lost.
    if (this.stage === 'done') return [fail(Buffer.alloc(0), 'handshake already finished')];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const actions: Socks5Action[] = [];
    for (;;) {
      const { action, used } = this.stage === 'greeting' ? readGreeting(this.buffer) : readRequest(this.buffer);
      this.buffer = this.buffer.subarray(used);
      actions.push(action);
      if (action.kind === 'reply') {
        this.stage = 'request';
        continue;
      }
      if (action.kind !== 'need-more') this.finish();
      return actions;
    }
  }

  private finish(): void {
    this.stage = 'done';
    this.buffer = Buffer.alloc(0);
  }
}

/** Greeting: VER, NMETHODS, METHODS[NMETHODS]. */
function readGreeting(buffer: Buffer): Step {
  const noMethod = methodReply(METHOD_NONE_ACCEPTABLE);
  if (buffer.length < 1) return { action: NEED_MORE, used: 0 };
  // A non-SOCKS5 client cannot understand any reply of ours; 05 FF is at least well-formed.
  if (buffer[0] !== VERSION) return { action: fail(noMethod, `not SOCKS5 (version byte ${buffer[0]})`), used: 0 };
  if (buffer.length < 2) return { action: NEED_MORE, used: 0 };
  const count = buffer[1]!;
  if (count === 0) return { action: fail(noMethod, 'client offered no authentication methods'), used: 0 };
  if (buffer.length < 2 + count) return { action: NEED_MORE, used: 0 };
  const methods = buffer.subarray(2, 2 + count);
  if (!methods.includes(METHOD_NO_AUTH)) {
    return { action: fail(noMethod, 'client does not offer "no authentication"'), used: 0 };
  }
  return { action: { kind: 'reply', bytes: methodReply(METHOD_NO_AUTH) }, used: 2 + count };
}

/** Request: VER, CMD, RSV, ATYP, DST.ADDR, DST.PORT (big-endian). */
function readRequest(buffer: Buffer): Step {
  const refuse = (code: number, reason: string): Step => ({ action: fail(socks5Reply(code), reason), used: 0 });
  if (buffer.length < 1) return { action: NEED_MORE, used: 0 };
  if (buffer[0] !== VERSION) return refuse(SOCKS5_REPLY.generalFailure, `request has version byte ${buffer[0]}`);
  if (buffer.length < 2) return { action: NEED_MORE, used: 0 };
  if (buffer[1] !== CMD_CONNECT) return refuse(SOCKS5_REPLY.commandNotSupported, `command ${buffer[1]} is not supported (CONNECT only)`);
  // RSV (byte 2) is ignored: the RFC only reserves it, and refusing would gain nothing.
  if (buffer.length < 4) return { action: NEED_MORE, used: 0 };
  const address = addressLength(buffer);
  if (address === 'unsupported') return refuse(SOCKS5_REPLY.addressTypeNotSupported, `address type ${buffer[3]} is not supported`);
  if (address === undefined) return { action: NEED_MORE, used: 0 };
  const end = 4 + address.skip + address.length + 2;
  if (buffer.length < end) return { action: NEED_MORE, used: 0 };
  const hostBytes = buffer.subarray(4 + address.skip, end - 2);
  const host = decodeHost(buffer[3]!, hostBytes);
  const port = buffer.readUInt16BE(end - 2);
  if (host === undefined) return refuse(SOCKS5_REPLY.generalFailure, 'domain name is empty or has bytes a host name cannot have');
  if (port === 0) return refuse(SOCKS5_REPLY.generalFailure, 'destination port is 0');
  return { action: { kind: 'connect', request: { host, port }, rest: Buffer.from(buffer.subarray(end)) }, used: end };
}

/** Bytes of DST.ADDR (after `skip` length-prefix bytes); undefined until the length is known. */
function addressLength(buffer: Buffer): { skip: number; length: number } | 'unsupported' | undefined {
  switch (buffer[3]) {
    case ATYP_IPV4:
      return { skip: 0, length: 4 };
    case ATYP_IPV6:
      return { skip: 0, length: 16 };
    case ATYP_DOMAIN:
      return buffer.length < 5 ? undefined : { skip: 1, length: buffer[4]! };
    default:
      return 'unsupported';
  }
}

function decodeHost(type: number, bytes: Buffer): string | undefined {
  if (type === ATYP_IPV4) return Array.from(bytes).join('.');
  if (type === ATYP_IPV6) return formatIPv6(bytes);
  // Domains travel as ASCII (IDNs as punycode); anything else is garbage we must not pass to DNS.
  if (bytes.length === 0 || !bytes.every((b) => b > 0x20 && b < 0x7f)) return undefined;
  return bytes.toString('latin1');
}

/** RFC 5952 text form: lowercase hex, longest run (of 2+) of zero groups shortened to `::`. */
function formatIPv6(bytes: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  const run = longestZeroRun(groups);
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':');
  if (run.length < 2) return hex(groups);
  return `${hex(groups.slice(0, run.start))}::${hex(groups.slice(run.start + run.length))}`;
}

function longestZeroRun(groups: readonly number[]): { start: number; length: number } {
  let best = { start: 0, length: 0 };
  let start = -1;
  for (let i = 0; i <= groups.length; i++) {
    if (i < groups.length && groups[i] === 0) {
      if (start === -1) start = i;
      continue;
    }
    if (start !== -1 && i - start > best.length) best = { start, length: i - start };
    start = -1;
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// Serving one client

/**
 * Maps a failed upstream open to a reply. ssh2 rejects channel opens with the SSH reason
 * (RFC 4254 5.1): 1 = administratively prohibited, 2 = connect failed.
 */
function replyCodeFor(error: unknown): number {
  const reason = typeof error === 'object' && error !== null ? (error as { reason?: unknown }).reason : undefined;
  if (reason === 1) return SOCKS5_REPLY.notAllowed;
  if (reason === 2) return SOCKS5_REPLY.connectionRefused;
  return SOCKS5_REPLY.generalFailure;
}

/**
 * Serves one accepted client: handshake, `open` upstream, reply, then pipe both ways.
 * Any error or abrupt close on either side destroys both streams of this pair, never any
 * other. `handshakeTimeoutMs` bounds the client's part (greeting and request), so a silent
 * client cannot hold a socket forever. It stops once the request is in: bounding `open` is
 * the caller's job (it knows how long waiting for the SSH link may take), and a timer here
 * would cut the client off without the failure reply that a bounded `open` produces.
 */
export function serveSocks5(
  socket: Socket,
  open: (request: Socks5Request) => Promise<Duplex>,
  options: { handshakeTimeoutMs?: number } = {},
): void {
  const pair = new SocksPair(socket, open, options.handshakeTimeoutMs ?? 10_000);
  pair.start();
}

class SocksPair {
  private readonly handshake = new Socks5Handshake();
  private upstream: Duplex | undefined;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onData = (chunk: Buffer) => this.handle(this.handshake.push(chunk));
  /** A client that stops sending mid-handshake will never finish it. */
  private readonly onEndDuringHandshake = () => this.destroyBoth();

  constructor(
    private readonly socket: Socket,
    private readonly open: (request: Socks5Request) => Promise<Duplex>,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.destroyBoth(), timeoutMs);
  }

  start(): void {
    // TCP allows half-close (a client may shut down its sending side and still await the
    // answer); keep ours open until upstream is done, as ssh -D does.
    this.socket.allowHalfOpen = true;
    this.socket.on('error', () => this.destroyBoth());
    this.socket.on('close', () => this.destroyBoth());
    this.socket.on('end', this.onEndDuringHandshake);
    this.socket.on('data', this.onData);
  }

  private handle(actions: readonly Socks5Action[]): void {
    for (const action of actions) {
      if (action.kind === 'reply') this.socket.write(action.bytes);
      else if (action.kind === 'fail') this.replyAndClose(action.bytes);
      else if (action.kind === 'connect') this.connect(action.request, action.rest);
    }
  }

  /** Stops reading (later bytes are early data for upstream and stay buffered) and opens upstream. */
  private connect(request: Socks5Request, rest: Buffer): void {
    this.stopHandshake();
    clearTimeout(this.timer);
    this.socket.pause();
    // Wrapped so an `open` that throws synchronously still becomes a failure reply, not a
    // crash inside the socket's 'data' handler.
    new Promise<Duplex>((resolve) => resolve(this.open(request)))
      .then(
        (upstream) => this.attach(upstream, rest),
        (error: unknown) => {
          if (!this.closed) this.replyAndClose(socks5Reply(replyCodeFor(error)));
        },
      )
      .catch(() => this.destroyBoth());
  }

  private attach(upstream: Duplex, rest: Buffer): void {
    // Listen first: destroying an errored stream without a listener would crash the process.
    upstream.on('error', () => this.destroyBoth());
    if (this.closed) {
      upstream.destroy(); // the client left while we were opening
      return;
    }
    this.upstream = upstream;
    upstream.on('close', () => this.onUpstreamClose(upstream));
    this.socket.write(socks5Reply(SOCKS5_REPLY.succeeded));
    if (rest.length > 0) upstream.write(rest);
    this.socket.pipe(upstream);
    upstream.pipe(this.socket);
  }

  /**
   * After a clean end, pipe() has already called socket.end(); let that flush and then drop
   * the client, whose further bytes have nowhere to go. Without an end, upstream was cut off.
   */
  private onUpstreamClose(upstream: Duplex): void {
    if (this.closed) return;
    if (!upstream.readableEnded) {
      this.destroyBoth();
      return;
    }
    if (!this.socket.writableEnded) this.socket.end();
    if (this.socket.writableFinished) this.socket.destroy();
    else this.socket.once('finish', () => this.socket.destroy());
  }

  private replyAndClose(bytes: Buffer): void {
    clearTimeout(this.timer);
    this.stopHandshake();
    this.socket.end(bytes, () => this.socket.destroy());
  }

  private stopHandshake(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEndDuringHandshake);
  }

  private destroyBoth(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.socket.destroy();
    this.upstream?.destroy();
  }
}
