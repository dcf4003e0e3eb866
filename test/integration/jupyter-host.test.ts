/**
 * Real Jupyter for the test user: started detached over SSH, reached through an ssh2
 * forward, answering /api/status, and stopped cleanly. The token travels on stdin, never
 * on a command line.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'ssh2';
import { startTestHost, type TestHost } from '../env/host';
import { freePort } from '../env/ports';
import { listProcesses } from '../env/processes';
import { connectSsh, exec, keyLogin } from '../env/ssh-client';
import { waitFor } from '../env/wait';

/** A throw-away local forward (the real one is Porthole's job, in main/tunnels). */
function forward(client: Client, remotePort: number): Promise<Server> {
  const server = createServer((socket) => {
    client.forwardOut('127.0.0.1', 0, '127.0.0.1', remotePort, (error, stream) => {
      if (error) {
        socket.destroy();
        return;
      }
      socket.pipe(stream).pipe(socket);
      socket.on('error', () => stream.destroy());
      stream.on('error', () => socket.destroy());
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('Jupyter on the test host', () => {
  let host: TestHost;
  let client: Client;
  beforeAll(async () => {
    host = await startTestHost();
    client = await connectSsh(keyLogin(host));
  });
  afterAll(async () => {
    client?.end();
    await host?.stop();
  });

  it.each(['notebook', 'server'] as const)('starts jupyter %s detached, answers through a forward, and shuts down', async (flavour) => {
    const token = randomBytes(32).toString('hex');
    const remotePort = await freePort();
    const appClass = flavour === 'notebook' ? 'NotebookApp' : 'ServerApp';
    const command = [
      'IFS= read -r JUPYTER_TOKEN; export JUPYTER_TOKEN;',
      `setsid nohup jupyter ${flavour} --no-browser --ip=127.0.0.1 --port=${remotePort} --${appClass}.port_retries=0`,
      `> "$HOME/jupyter-${flavour}.log" 2>&1 < /dev/null & echo $!`,
    ].join(' ');
    const started = await exec(client, `bash -c '${command}'`, `${token}\n`);
    const pid = Number(started.stdout.trim());
    expect(pid).toBeGreaterThan(0);

    const local = await forward(client, remotePort);
    const base = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
    try {
      const status = await waitFor(`jupyter ${flavour} /api/status`, async () => {
        const response = await fetch(`${base}/api/status`, { headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(3_000) });
        return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : undefined;
      }, { timeoutMs: 30_000 }).catch(async (error: unknown) => {
        const log = await exec(client, `tail -n 30 "$HOME/jupyter-${flavour}.log"`);
        throw new Error(`${error instanceof Error ? error.message : String(error)}\njupyter ${flavour} log:\n${log.stdout}`);
      });
      expect(status).toHaveProperty('started');
      expect((await fetch(`${base}/api/status`)).status).toBe(403);

      // The token reached Jupyter through its environment, not its command line.
      const jupyterArgs = listProcesses().filter((p) => p.uid === host.user.uid).map((p) => p.cmdline);
      expect(jupyterArgs.some((args) => args.includes(`jupyter-${flavour}`) || args.includes(`jupyter ${flavour}`))).toBe(true);
      expect(jupyterArgs.join('\n')).not.toContain(token);

      const shutdown = await fetch(`${base}/api/shutdown`, { method: 'POST', headers: { Authorization: `token ${token}` } });
      expect(shutdown.ok).toBe(true);
      await waitFor(`jupyter ${flavour} (pid ${pid}) to exit`, () => !listProcesses().some((p) => p.pid === pid));
    } finally {
      local.close();
    }
  });
});
