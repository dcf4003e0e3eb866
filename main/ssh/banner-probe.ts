/**
 * Whether an SSH server answers at host:port yet: a TCP connect and the server's first
 * line, which must start with `SSH-` (RFC 4253, 4.2). A VM that has just started accepts
 * connections on port 22 a moment before sshd greets, and a cloud's load balancer or a
 * captive portal may accept and say something else: only the greeting counts. Nothing is
 * sent, so no server log fills with failed logins.
 */
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

export interface BannerProbeOptions {
  /** How long one try may take, connect and greeting together (default 5 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The greeting line may be preceded by other lines (RFC 4253); 8 KiB is plenty. */
const MAX_PRELUDE_BYTES = 8192;

export function sshBannerAnswers(host: string, port: number, options: BannerProbeOptions = {}): Promise<boolean> {
  if (options.signal?.aborted) return Promise.resolve(false);
  return sshBannerOn(connect({ host, port }), options);
}

/**
 * The same check on a stream already opened towards the server (a channel through a jump
 * host, say). The stream is destroyed when the answer is known.
 */
export function sshBannerOn(stream: Duplex, options: BannerProbeOptions = {}): Promise<boolean> {
  return new Promise((resolve) => {
    let received = '';
    let settled = false;
    const done = (answered: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      stream.destroy();
      resolve(answered);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), options.timeoutMs ?? 5_000);
    if (options.signal?.aborted) return done(false);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      for (const line of received.split('\n').slice(0, -1)) {
        if (line.startsWith('SSH-')) return done(true);
      }
      if (received.length > MAX_PRELUDE_BYTES) done(false);
    });
    stream.on('error', () => done(false));
    stream.on('close', () => done(false));
  });
}
