/** `porthole forward` as a user runs it: the real bin, a real sshd, JSON lines on stdout. */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../env/host';
import { makeDir } from '../env/run-dir';
import { waitFor } from '../env/wait';
import { runPorthole, startPorthole, type RunningPorthole } from '../support/cli-process';
import { roundTrip } from './support/client';
import { echoServer, type RunningServer } from './support/servers';

function runCli(args: string[], home = makeDir('porthole-home')): RunningPorthole {
  const env: NodeJS.ProcessEnv = { ...process.env, PORTHOLE_HOME: home };
  delete env['SSH_AUTH_SOCK'];
  return startPorthole(args, env);
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function cli(args: string[], home?: string): RunningPorthole {
  const run = runCli(args, home);
  cleanups.push(async () => {
    if (run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      await run.exit();
    }
  });
  return run;
}
async function fixture(): Promise<{ host: TestHost; echo: RunningServer; base: string[] }> {
  const host = await startTestHost();
  cleanups.push(() => host.stop());
  const echo = await echoServer();
  cleanups.push(() => echo.close());
  const base = [`${host.user.name}@127.0.0.1:${host.port}`, '-i', host.clientKey.privatePath, '--known-hosts', host.knownHostsPath, '--json'];
  return { host, echo, base };
}

describe('porthole forward', () => {
  it('prints ready with the forwards, carries data, reconnects on the same port, and exits 0 on SIGTERM', async () => {
    const { host, echo, base } = await fixture();
    const run = cli(['forward', ...base, '-L', `0:127.0.0.1:${echo.port}`, '--keepalive', '1']);
    const ready = await run.next('ready');
    expect(ready).toEqual({ event: 'ready', forwards: [{ bindHost: '127.0.0.1', localPort: expect.any(Number), remoteHost: '127.0.0.1', remotePort: echo.port, loopback: true }] });
    const port = (ready['forwards'] as { localPort: number }[])[0]!.localPort;
    expect((await roundTrip(port, 'hello')).toString()).toBe('hello');

    await host.sshd.stop();
    expect(await run.next('reconnecting')).toMatchObject({ event: 'reconnecting', code: 'ssh.connection-lost' });
    await host.sshd.start();
    expect(await run.next('reconnected')).toMatchObject({ event: 'reconnected', forwards: [{ localPort: port }] });
    expect((await roundTrip(port, 'again')).toString()).toBe('again');

    run.child.kill('SIGTERM');
    expect(await run.exit()).toBe(0);
  });

  it('refuses an unknown host key with its fingerprint and exits non-zero; --accept-new-host-key trusts and remembers it', async () => {
    const { host, echo } = await fixture();
    const home = makeDir('porthole-home');
    const args = ['forward', `${host.user.name}@127.0.0.1:${host.port}`, '-i', host.clientKey.privatePath, '--known-hosts', '/dev/null', '--json', '-L', `0:127.0.0.1:${echo.port}`];
    const refused = cli(args, home);
    expect(await refused.next('error')).toMatchObject({ event: 'error', code: 'ssh.hostkey-unknown', message: expect.stringContaining(host.sshd.hostKey.fingerprint) });
    expect(await refused.exit()).toBe(1);

    const accepted = cli([...args, '--accept-new-host-key'], home);
    // A script told to accept new keys still hears which key it trusted.
    expect(await accepted.next('host-key-trusted')).toEqual({ event: 'host-key-trusted', host: `127.0.0.1:${host.port}`, keyType: host.sshd.hostKey.publicLine.split(' ')[0], fingerprint: host.sshd.hostKey.fingerprint });
    await accepted.next('ready');
    accepted.child.kill('SIGINT');
    expect({ code: await accepted.exit(), stderr: accepted.stderr() }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(join(home, 'known_hosts'), 'utf8')).toContain(host.sshd.hostKey.publicLine.split(' ')[1]);

    // Remembered in PORTHOLE_HOME: no flag needed the second time.
    const again = cli(args, home);
    await again.next('ready');
    again.child.kill('SIGTERM');
    expect(await again.exit()).toBe(0);
  });

  it('names the real bind address of a forward on all interfaces, and warns that it is not loopback', async () => {
    const { echo, base } = await fixture();
    const json = cli(['forward', ...base, '-L', `0.0.0.0:0:127.0.0.1:${echo.port}`]);
    const ready = await json.next('ready');
    expect(ready['forwards']).toEqual([{ bindHost: '0.0.0.0', localPort: expect.any(Number), remoteHost: '127.0.0.1', remotePort: echo.port, loopback: false }]);
    json.child.kill('SIGTERM');
    expect(await json.exit()).toBe(0);

    const human = cli(['forward', ...base.filter((arg) => arg !== '--json'), '-L', `0.0.0.0:0:127.0.0.1:${echo.port}`]);
    await waitFor('the human ready line', () => /Forwarding/.test(human.stderr()) || human.child.exitCode !== null);
    expect(human.stderr()).toMatch(/Forwarding 0\.0\.0\.0:\d+ -> 127\.0\.0\.1:/);
    expect(human.stderr()).not.toMatch(/Forwarding 127\.0\.0\.1/);
    expect(human.stderr()).toMatch(/not loopback|other computers/i);
    human.child.kill('SIGTERM');
    expect(await human.exit()).toBe(0);
  });

  it('reports a busy local port as tunnel.port-in-use and exits non-zero', async () => {
    const { echo, base } = await fixture();
    const run = cli(['forward', ...base, '-L', `${echo.port}:127.0.0.1:${echo.port}`]);
    expect(await run.next('error')).toMatchObject({ code: 'tunnel.port-in-use', message: expect.stringContaining(String(echo.port)) });
    expect(await run.exit()).toBe(1);
  });

  it('rejects a malformed forward with tunnel.bad-spec', async () => {
    const { base } = await fixture();
    const run = cli(['forward', ...base, '-L', '8888:localhost']);
    expect(await run.next('error')).toMatchObject({ code: 'tunnel.bad-spec' });
    expect(await run.exit()).toBe(1);
  });

  it('has --help for the program and the subcommand', async () => {
    for (const args of [['--help'], ['forward', '--help']]) {
      const run = await runPorthole(args, process.env);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Usage: porthole/);
    }
  });
});
