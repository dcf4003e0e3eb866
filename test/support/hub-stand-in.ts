/**
 * A stand-in for a JupyterHub already running on a VM, listening on the test host: JupyterHub
 * itself cannot be installed here (Debian has no package, and pip has no network), so this
 * answers the way a hub's front door does — `/` redirects to `/hub/`, which redirects to the
 * login page — over http (The Littlest JupyterHub, port 80) or over https with a certificate
 * made for itself, as the Azure Data Science VM's hub has (no CA knows it, so a browser warns).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeDir } from '../env/run-dir';

export const HUB_LOGIN_TITLE = 'Sign in to JupyterHub (stand-in)';

export interface HubStandIn {
  readonly port: number;
  readonly scheme: 'http' | 'https';
  /** The paths asked for, in order. */
  readonly requests: readonly string[];
  /** The self-signed certificate (https only), PEM. */
  readonly certificate: string | null;
  close(): Promise<void>;
}

/** A certificate signed by its own key, for 127.0.0.1, as the Data Science VM makes one at first boot. */
async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const dir = makeDir('hub-cert');
  const [keyPath, certPath] = [join(dir, 'hub.key'), join(dir, 'hub.crt')];
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=dsvm-01', '-addext', 'subjectAltName=IP:127.0.0.1',
  ]);
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
}

export async function startHubStandIn(scheme: 'http' | 'https'): Promise<HubStandIn> {
  const requests: string[] = [];
  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    requests.push(path);
    if (path === '/') return response.writeHead(302, { Location: '/hub/' }).end();
    if (path === '/hub/') return response.writeHead(302, { Location: '/hub/login?next=%2Fhub%2F' }).end();
    if (path.startsWith('/hub/login')) return response.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><title>${HUB_LOGIN_TITLE}</title><form method="post"><input name="username"></form>`);
    response.writeHead(404).end();
  };
  const certificate = scheme === 'https' ? await selfSignedCertificate() : null;
  const server: Server = certificate === null ? createHttpServer(answer) : createHttpsServer({ key: certificate.key, cert: certificate.cert }, answer);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    scheme,
    requests,
    certificate: certificate?.cert ?? null,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
