/**
 * A deadline on opening an SSH channel (direct-tcpip, session). ssh2 waits for the server's
 * answer to CHANNEL_OPEN without any limit, and a live server may never give one: OpenSSH
 * confirms a direct-tcpip channel only once its own connect to the target finished, and a
 * target that drops packets keeps that connect pending for minutes; a frozen server never
 * answers at all. Without a deadline the client behind the channel (a browser tab, a
 * command) would wait for good.
 */

/** Long enough for a loaded server; far shorter than the minutes a dropped connect takes. */
export const CHANNEL_OPEN_TIMEOUT_MS = 20_000;

export class ChannelOpenTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the server did not answer within ${+(timeoutMs / 1000).toFixed(1)} s`);
    this.name = 'ChannelOpenTimeoutError';
  }
}

/** What ssh2 hands to a channel-opening callback. */
interface Closable {
  close(): unknown;
}

/**
 * Runs `open` (one ssh2 call such as forwardOut or exec, given the callback) and settles with
 * its channel, its error, or a ChannelOpenTimeoutError after `timeoutMs`. A channel the
 * server opens after the deadline is closed at once: nobody is waiting for it any more.
 */
export function openChannelWithin<C extends Closable>(timeoutMs: number, open: (callback: (error: Error | undefined, channel: C) => void) => void): Promise<C> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new ChannelOpenTimeoutError(timeoutMs));
    }, timeoutMs);
    const callback = (error: Error | undefined, channel: C) => {
      if (settled) {
        if (!error) closeQuietly(channel);
        return;
      }
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(channel);
    };
    try {
      open(callback);
    } catch (error) {
      // ssh2 throws at once when the transport is already gone ("Not connected").
      callback(error as Error, undefined as unknown as C);
    }
  });
}

function closeQuietly(channel: Closable): void {
  try {
    channel.close();
  } catch {
    // The transport went away in the meantime: the channel is gone with it.
  }
}
