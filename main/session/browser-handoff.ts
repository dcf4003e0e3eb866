/**
 * Opening the browser on `...?token=...` would put the token on the opener's command line
 * (xdg-open, open, rundll32), where any local user can read it in `ps`. Instead Porthole
 * serves a one-time address on loopback and hands only that to the opener; the first
 * request to it is redirected to the notebook with the token, then the address is gone.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Handoff {
  /** What to give the opener: carries no credential, works once. */
  readonly url: string;
  /** Resolves true when the browser took the handoff, false when it expired. */
  readonly used: Promise<boolean>;
  close(): void;
}

export async function createBrowserHandoff(target: string, ttlMs = 60_000): Promise<Handoff> {
  const nonce = randomBytes(16).toString('hex');
  const path = `/porthole/${nonce}`;
  let settle: (used: boolean) => void = () => undefined;
  const used = new Promise<boolean>((resolve) => (settle = resolve));
  const close = (wasUsed: boolean) => {
    clearTimeout(timer);
    server.close();
    server.closeAllConnections();
    settle(wasUsed);
  };
  const server: Server = createServer((request, response) => {
    if (request.url !== path) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(302, { Location: target, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).end();
    close(true);
  });
  const timer = setTimeout(() => close(false), ttlMs);
  timer.unref();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${path}`, used, close: () => close(false) };
}
