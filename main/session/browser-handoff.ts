/**
 * Opening the browser on `...?token=...` would put the token on the opener's command line
 * (xdg-open, open, rundll32), where any local user can read it in `ps`. Even a one-time
 * loopback address on that command line can be fetched first by another local user. So
 * the opener gets only the path of a 0600 HTML file in a 0700 private temp dir; the file
 * sends the browser to a loopback address carrying a one-time secret, which is redirected
 * to the notebook with the token. The secret is readable only by this user, never on argv.
 *
 * Outcome: 'browser' when a request with the secret came first; 'other' when something
 * reached the handoff server without the secret first (a probe from another process or
 * user: it is turned away, and the browser may still come); 'expired' when nobody came.
 * The file and its dir are removed at first use, expiry or close().
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BrowserHandoff {
  /** What to pass to the opener (a file:// URL). Carries no bearer credential. */
  readonly openTarget: string;
  /** 'browser' when the intended browser took it, 'other' when something else used/probed it first, 'expired' when nobody came. */
  readonly outcome: Promise<'browser' | 'other' | 'expired'>;
  close(): void;
}

export type HandoffOutcome = Awaited<BrowserHandoff['outcome']>;

export async function prepareBrowserHandoff(targetUrlWithToken: string, options: { ttlMs?: number } = {}): Promise<BrowserHandoff> {
  const secret = randomBytes(32).toString('hex');
  const expected = Buffer.from(`/porthole/${secret}`);
  let settle: (outcome: HandoffOutcome) => void = () => undefined;
  const outcome = new Promise<HandoffOutcome>((resolve) => (settle = resolve));
  const dir = await mkdtemp(join(tmpdir(), 'porthole-handoff-'));
  let closed = false;
  const finish = (result: HandoffOutcome) => {
    settle(result);
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    server.close();
    server.closeAllConnections();
    void rm(dir, { recursive: true, force: true });
  };
  const server: Server = createServer((request, response) => {
    const path = Buffer.from(request.url ?? '');
    if (closed || request.method !== 'GET' || path.length !== expected.length || !timingSafeEqual(path, expected)) {
      // Without the secret from the file: not the browser. Turned away; the browser may still come.
      settle('other');
      response.writeHead(404, { 'Cache-Control': 'no-store' }).end();
      return;
    }
    response.writeHead(302, { Location: targetUrlWithToken, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }).end();
    finish('browser');
  });
  const timer = setTimeout(() => finish('expired'), options.ttlMs ?? 60_000);
  timer.unref();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const next = `http://127.0.0.1:${port}/porthole/${secret}`;
    const file = join(dir, 'open-notebook.html');
    await writeFile(file, redirectPage(next), { mode: 0o600, flag: 'wx' });
    return { openTarget: pathToFileURL(file).toString(), outcome, close: () => finish('expired') };
  } catch (error) {
    finish('expired');
    throw error;
  }
}

/** A page that moves on at once (no script needed) and leaks no referrer. */
function redirectPage(next: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${next}">
<title>Opening Jupyter...</title></head>
<body><p>Opening Jupyter... <a href="${next}">Continue</a></p></body></html>
`;
}
