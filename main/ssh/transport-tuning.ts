/**
 * Socket tuning for ssh2's TCP connection, measured by `npm run bench:tunnel`:
 *  - TCP_NODELAY: without it, Nagle's algorithm and delayed ACKs hold each small message
 *    ~40 ms (a notebook's keystrokes and kernel messages are small messages);
 *  - write coalescing: ssh2 writes each packet in several pieces (without its native addon:
 *    length, ciphertext, tag); corking the socket for one turn of the event loop sends them
 *    in one writev instead of one syscall (and often one TCP segment) each.
 * Only when bytes leave changes, never which bytes or their order.
 */
import { Socket } from 'node:net';
import type { Client } from 'ssh2';

const COALESCED = Symbol('porthole.coalescedWrites');

/**
 * Call synchronously right after client.connect(): ssh2 has created its socket (the
 * internal `_sock`) but not written to it yet. A jump-host hop (its `sock` is a channel of
 * the previous hop, not a TCP socket) is left alone.
 */
export function tuneSshTransport(client: Client): void {
  const sock = (client as unknown as { _sock?: unknown })._sock;
  if (!(sock instanceof Socket)) return;
  sock.setNoDelay(true);
  coalesceWrites(sock);
}

/**
 * Corks on the first write of an event-loop turn and uncorks at its end: on process.nextTick
 * ('tick', what Porthole uses) or on setImmediate ('immediate', measured by the benchmark).
 */
export function coalesceWrites(sock: Socket, mode: 'tick' | 'immediate' = 'tick'): void {
  const marked = sock as Socket & { [COALESCED]?: true };
  if (marked[COALESCED]) return;
  marked[COALESCED] = true;
  const write = sock.write;
  let corked = false;
  const flush = () => {
    corked = false;
    sock.uncork();
  };
  sock.write = function (this: Socket, ...args: unknown[]): boolean {
    if (!corked) {
      corked = true;
      sock.cork();
      if (mode === 'tick') process.nextTick(flush);
      else setImmediate(flush);
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as Socket['write'];
}
