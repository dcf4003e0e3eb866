/** `porthole notebook --json` as a script would run it. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost } from '../env/host';
import { listProcesses } from '../env/processes';
import { makeDir } from '../env/run-dir';

const BIN = resolve(__dirname, '../../bin/porthole.js');
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('porthole notebook', () => {
  it('prints the ready line with url, ports, token, pid, flavour and version; --stop-on-exit stops Jupyter; exits 0', async () => {
    const host = await startTestHost();
    cleanups.push(() => host.stop());
    const env: NodeJS.ProcessEnv = { ...process.env, PORTHOLE_HOME: makeDir('home') };
    delete env['SSH_AUTH_SOCK'];
    const child = spawn(process.execPath, [BIN, 'notebook', `${host.user.name}@127.0.0.1:${host.port}`, '-i', host.clientKey.privatePath, '--known-hosts', host.knownHostsPath, '--no-open', '--json', '--stop-on-exit'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(async () => void child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const ready = JSON.parse(((await lines.next()).value as string | undefined) ?? `{"stderr":${JSON.stringify(stderr)}}`) as Record<string, unknown>;
    expect(ready).toEqual({
      event: 'ready',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/tree$/),
      localPort: expect.any(Number),
      remotePort: expect.any(Number),
      token: expect.stringMatching(/^[0-9a-f]{64}$/),
      password: false,
      serverPid: expect.any(Number),
      reused: false,
      flavour: 'notebook',
      version: expect.stringMatching(/^6\.\d+\.\d+$/),
    });
    const status = await fetch(`http://127.0.0.1:${ready['localPort'] as number}/api/status`, { headers: { Authorization: `token ${ready['token'] as string}` } });
    expect(status.status).toBe(200);
    expect(stderr).not.toContain(ready['token'] as string);

    child.kill('SIGTERM');
    const code = await new Promise((done) => child.once('exit', done));
    expect(code).toBe(0);
    expect(JSON.parse(((await lines.next()).value as string) ?? '{}')).toEqual({ event: 'stopped', signal: 'SIGTERM' });
    expect(listProcesses().some((p) => p.pid === ready['serverPid'])).toBe(false);
  });

  it('password mode: the ready line carries no token, so the password is the only credential a script sees', async () => {
    const host = await startTestHost();
    cleanups.push(() => host.stop());
    const env: NodeJS.ProcessEnv = { ...process.env, PORTHOLE_HOME: makeDir('home') };
    delete env['SSH_AUTH_SOCK'];
    const child = spawn(process.execPath, [BIN, 'notebook', `${host.user.name}@127.0.0.1:${host.port}`, '-i', host.clientKey.privatePath, '--known-hosts', host.knownHostsPath, '--no-open', '--json', '--stop-on-exit', '--password-stdin'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    cleanups.push(async () => void child.kill('SIGKILL'));
    child.stdin.end('a long notebook password\n');
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    let ready: Record<string, unknown>;
    for (;;) {
      const line = (await lines.next()).value as string | undefined;
      if (line === undefined) throw new Error(`no ready line; stderr: ${stderr}`);
      ready = JSON.parse(line) as Record<string, unknown>;
      if (ready['event'] === 'ready' || ready['event'] === 'error') break;
    }
    expect(ready).toMatchObject({ event: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/tree$/), password: true });
    expect(ready).not.toHaveProperty('token');
    expect(JSON.stringify(ready)).not.toMatch(/[0-9a-f]{64}/);
    child.kill('SIGTERM');
    expect(await new Promise((done) => child.once('exit', done))).toBe(0);
  });
});
