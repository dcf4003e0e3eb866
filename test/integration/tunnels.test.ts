/**
 * Forwards through a real sshd: integrity, reconnect on the same local port, clean closes
 * during an outage, concurrency, error isolation, keepalive, and every failure a user meets.
 */
import { randomBytes, createHash } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runScript } from '../../main/jupyter/remote-exec';
import type { PortholeError } from '../../main/shared/errors';
import type { SshConnection } from '../../main/ssh/connection';
import { ForwardSet } from '../../main/tunnels/forward-set';
import { DynamicForward } from '../../main/tunnels/dynamic-forward';
import { parseDynamicForward, parseLocalForward, parseRemoteForward } from '../../main/tunnels/forward-spec';
import { LocalForward } from '../../main/tunnels/local-forward';
import { RemoteForward } from '../../main/tunnels/remote-forward';
import { startTestHost } from '../env/host';
import { descendantsOf, signal } from '../env/processes';
import { connectSsh, exec, keyLogin } from '../env/ssh-client';
import { waitFor } from '../env/wait';
import { outcomeOf, roundTrip } from './support/client';
import { connectionTo } from './support/connect';
import { echoServer, hashServer, unansweringTarget, type RunningServer } from './support/servers';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
function later<T extends { close?: () => Promise<unknown>; stop?: () => Promise<unknown>; dispose?: () => Promise<unknown> }>(thing: T): T {
  cleanups.push(() => (thing.dispose ?? thing.close ?? thing.stop)!.call(thing));
  return thing;
}
async function setup(options: Parameters<typeof startTestHost>[0] = {}, connectionOptions: Parameters<typeof connectionTo>[1] = {}) {
  const host = later(await startTestHost(options));
  const connection = later(connectionTo(host, connectionOptions));
  await connection.start();
  return { host, connection };
}
async function forwardTo(connection: SshConnection, server: RunningServer, options: Parameters<typeof LocalForward.open>[2] = {}): Promise<LocalForward> {
  return later(await LocalForward.open(parseLocalForward(`0:127.0.0.1:${server.port}`), connection, options));
}
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
/** How a promise ended within `ms`: its value, its error, or 'hang' (a test of a hang must end). */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | { error: unknown } | 'hang'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('hang'), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve({ value })),
      (error: unknown) => (clearTimeout(timer), resolve({ error })),
    );
  });
}

describe('local forwards', () => {
  it('carries a large random payload byte-identical', async () => {
    const { connection } = await setup();
    const sink = later(await hashServer());
    const forward = await forwardTo(connection, sink);
    const payload = randomBytes(48 * 1024 * 1024);
    const answer = await roundTrip(forward.localPort, payload, 60_000);
    expect(answer.toString()).toBe(sha256(payload));
  });

  it('survives the server rekeying mid-transfer (ssh2 re-verifies the host key at every rekey)', async () => {
    // RekeyLimit 1M: sshd renews the keys after every MiB, so 48 MiB means dozens of rekeys.
    const { host, connection } = await setup({ extraConfig: ['RekeyLimit 1M'] });
    const sink = later(await hashServer());
    const forward = await forwardTo(connection, sink);
    const payload = randomBytes(48 * 1024 * 1024);
    expect((await roundTrip(forward.localPort, payload, 60_000)).toString()).toBe(sha256(payload));
    expect(connection.snapshot().kind).toBe('ready');
    expect(host.sshd.log()).not.toMatch(/Bad packet length|Connection corrupted/);
  });

  it('caps concurrent connections per forward: the one over the cap is closed with tunnel.too-many-connections', async () => {
    const { connection } = await setup();
    const echo = later(await echoServer());
    const errors: unknown[] = [];
    const forward = await forwardTo(connection, echo, { maxConnections: 2, onConnectionError: (error) => errors.push(error) });
    const held = await Promise.all([0, 1].map(() => new Promise<ReturnType<typeof connect>>((resolve) => {
      const socket = connect(forward.localPort, '127.0.0.1', () => resolve(socket));
    })));
    cleanups.push(async () => held.forEach((socket) => socket.destroy()));
    await waitFor('both held connections paired', () => forward.activeConnections === 2);
    // Nothing sent: a refused client with unsent bytes might see a reset instead of the close.
    expect(await outcomeOf(forward.localPort, '', 5_000)).toBe('closed');
    expect(errors).toEqual([expect.objectContaining({ code: 'tunnel.too-many-connections', message: expect.stringContaining(`Port ${forward.localPort} already carries 2 connections`) })]);
  });

  it('binds 127.0.0.1 by default', async () => {
    const { connection } = await setup();
    const forward = await forwardTo(connection, later(await echoServer()));
    expect(forward.spec.bindHost).toBe('127.0.0.1');
  });

  it('serves 200 concurrent connections through one forward', async () => {
    const { connection } = await setup();
    const forward = await forwardTo(connection, later(await echoServer()));
    const payloads = Array.from({ length: 200 }, () => randomBytes(16 * 1024));
    const answers = await Promise.all(payloads.map((p) => roundTrip(forward.localPort, p)));
    expect(answers.map(sha256)).toEqual(payloads.map(sha256));
    // Every channel is finished afterwards: nothing accumulates over a long session.
    await waitFor('all channels to finish', () => connection.openChannelCount === 0 && forward.activeConnections === 0);
  });

  it('an error on one forwarded connection closes that connection only', async () => {
    const { connection } = await setup();
    const forward = await forwardTo(connection, later(await echoServer()));
    const survivor = connect({ host: '127.0.0.1', port: forward.localPort });
    const victim = connect({ host: '127.0.0.1', port: forward.localPort });
    await waitFor('both connections paired', () => forward.activeConnections === 2);
    victim.resetAndDestroy();
    await waitFor('the reset connection to be dropped', () => forward.activeConnections === 1);
    const echoed = new Promise<string>((resolve) => survivor.once('data', (d: Buffer) => resolve(d.toString())));
    survivor.write('still here');
    expect(await echoed).toBe('still here');
    survivor.destroy();
  });

  it('reconnects after sshd dies mid-transfer and serves again on the SAME local port; clients during the outage get a clean close', async () => {
    const { host, connection } = await setup();
    const sink = later(await hashServer());
    const forward = await forwardTo(connection, sink, { waitForLinkMs: 300 });
    const port = forward.localPort;
    const states: string[] = [];
    connection.onStateChange((state) => states.push(state.kind));

    // A transfer in flight when the server goes away settles (error or close), never hangs.
    const inFlight = roundTrip(port, randomBytes(256 * 1024 * 1024), 30_000).then(
      () => 'settled',
      (error: Error) => (/no answer/.test(error.message) ? 'hung' : 'settled'),
    );
    await waitFor('the transfer to be under way', () => forward.activeConnections === 1);
    await host.sshd.stop();
    expect(await inFlight).toBe('settled');
    await waitFor('reconnecting', () => connection.snapshot().kind === 'reconnecting');

    expect(await outcomeOf(port, 'hello?', 10_000)).toBe('closed');

    await host.sshd.start();
    await connection.whenReady(15_000);
    expect(connection.snapshot()).toMatchObject({ kind: 'ready', reconnected: true });
    expect(forward.localPort).toBe(port);
    const payload = randomBytes(1024 * 1024);
    expect((await roundTrip(port, payload)).toString()).toBe(sha256(payload));
    expect(states).toContain('reconnecting');
  });

  it('resume() reconnects at once instead of waiting out the backoff', async () => {
    const { host, connection } = await setup({}, { backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000, factor: 1, jitter: 0 } });
    await host.sshd.stop();
    await waitFor('reconnecting', () => connection.snapshot().kind === 'reconnecting');
    await host.sshd.start();
    connection.resume();
    await connection.whenReady(10_000);
    expect(connection.snapshot().kind).toBe('ready');
  });

  it('detects a silent dead link by keepalive and reconnects', async () => {
    const { host, connection } = await setup({}, { keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
    // Freeze the sshd processes serving this connection: the TCP link stays open but silent,
    // as when Wi-Fi drops. The listener stays alive, so the reconnect can succeed.
    const frozen = descendantsOf(host.sshd.pid!).map((p) => p.pid);
    expect(frozen.length).toBeGreaterThan(0);
    for (const pid of frozen) signal(pid, 'SIGSTOP');
    cleanups.push(async () => frozen.forEach((pid) => signal(pid, 'SIGCONT')));
    // The frozen link never closes, so only a keepalive can notice it: without one this wait
    // fails however long it is (its bound, 150 keepalive intervals, only ends the test).
    await waitFor('keepalive to notice', () => connection.snapshot().kind !== 'ready', { timeoutMs: 30_000 });
    expect(connection.snapshot()).toMatchObject({ kind: 'reconnecting', lastError: { code: 'ssh.connection-lost' } });
    await connection.whenReady(10_000);
    for (const pid of frozen) signal(pid, 'SIGKILL');
  });
});

describe('forward errors', () => {
  it('a busy local port gives tunnel.port-in-use naming the port, or the next free one on request', async () => {
    const { connection } = await setup();
    const echo = later(await echoServer());
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));
    const busy = (squatter.address() as AddressInfo).port;
    const spec = parseLocalForward(`${busy}:127.0.0.1:${echo.port}`);
    const error = await LocalForward.open(spec, connection).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'tunnel.port-in-use' });
    expect((error as Error).message).toContain(String(busy));

    const moved = later(await LocalForward.open(spec, connection, { portFallback: 'next-free' }));
    expect(moved.localPort).toBeGreaterThan(busy);
    expect((await roundTrip(moved.localPort, 'ping')).toString()).toBe('ping');
  });

  it('a server with AllowTcpForwarding no gives tunnel.forwarding-refused when the forward is opened', async () => {
    const { connection } = await setup({ allowTcpForwarding: 'no' });
    const error = await ForwardSet.open([parseLocalForward('0:127.0.0.1:8888')], connection).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'tunnel.forwarding-refused' });
    expect((error as { hint: string }).hint).toContain('AllowTcpForwarding');
  });

  it('nothing listening at the target: the client gets a clean close and the error is reported', async () => {
    const { connection } = await setup();
    const errors: unknown[] = [];
    const closedPort = (await echoServer().then(async (s) => (await s.close(), s.port)));
    const forward = later(await LocalForward.open(parseLocalForward(`0:127.0.0.1:${closedPort}`), connection, { onConnectionError: (e) => errors.push(e) }));
    expect(await outcomeOf(forward.localPort, 'x', 5_000)).toBe('closed');
    expect(errors).toEqual([expect.objectContaining({ code: 'tunnel.target-unreachable' })]);
  });

  it('a server that accepts but never speaks SSH gives ssh.timeout within the handshake deadline', async () => {
    const host = later(await startTestHost());
    const silent: Server = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => silent.close(resolve)));
    // The server never speaks, so only the handshake deadline ends this: without it start() never settles.
    const connection = connectionTo(host, { target: { host: '127.0.0.1', port: (silent.address() as AddressInfo).port, username: 'x' }, handshakeTimeoutMs: 800 });
    await expect(connection.start()).rejects.toMatchObject({ code: 'ssh.timeout', message: expect.stringContaining('never completed the SSH handshake') });
  });

  it('an unknown host name gives ssh.dns-failed; a closed port gives ssh.connection-refused', async () => {
    const host = later(await startTestHost());
    const dns = connectionTo(host, { target: { host: 'no-such-host.invalid', port: 22, username: 'x' } });
    await expect(dns.start()).rejects.toMatchObject({ code: 'ssh.dns-failed' });
    const closedPort = (await echoServer().then(async (s) => (await s.close(), s.port)));
    const refused = connectionTo(host, { target: { host: '127.0.0.1', port: closedPort, username: 'x' } });
    await expect(refused.start()).rejects.toMatchObject({ code: 'ssh.connection-refused' });
  });
});

describe('channel opens the server never answers', () => {
  // Keepalives every 10 minutes: only the channel-open deadline can end these waits.
  const patient = { keepaliveIntervalMs: 600_000, channelOpenTimeoutMs: 1_000 };

  it('-L to a target that drops connections: the client is closed with tunnel.channel-open-timeout and the link stays up', async () => {
    // sshd confirms a direct-tcpip channel only once its own connect finished; to this target
    // that connect hangs for minutes, so the server never answers the channel open.
    const { connection } = await setup({}, patient);
    const target = later(await unansweringTarget());
    const errors: unknown[] = [];
    const forward = later(await LocalForward.open(parseLocalForward(`0:127.0.0.1:${target.port}`), connection, { onConnectionError: (error) => errors.push(error) }));
    expect(await outcomeOf(forward.localPort, 'GET / HTTP/1.0\r\n\r\n', 15_000)).toBe('closed');
    expect(errors).toEqual([expect.objectContaining({ code: 'tunnel.channel-open-timeout', retryable: true })]);
    const error = errors[0] as PortholeError;
    expect(error.message).toContain(`127.0.0.1:${target.port}`);
    expect(error.hint).toMatch(/firewall/);
    expect(connection.snapshot().kind).toBe('ready');
    await waitFor('no connection left in the forward', () => forward.activeConnections === 0);
  });

  it('a command on a server that froze after login fails with a clear error instead of waiting for good', async () => {
    const { host, connection } = await setup({}, patient);
    const frozen = descendantsOf(host.sshd.pid!).map((p) => p.pid);
    expect(frozen.length).toBeGreaterThan(0);
    for (const pid of frozen) signal(pid, 'SIGSTOP');
    cleanups.push(async () => frozen.forEach((pid) => signal(pid, 'SIGCONT')));
    const outcome = await settledWithin(runScript(connection.client!, () => 'echo hello\n', 1_000), 15_000);
    expect(outcome).toMatchObject({ error: { code: 'jupyter.remote-timeout', message: expect.stringMatching(/did not start a command/) } });
  });

  it('-R to a local service that drops connections: the server\'s connection is turned away and tunnel.local-target-timeout reported', async () => {
    const { connection } = await setup({}, patient);
    const target = later(await unansweringTarget());
    const errors: PortholeError[] = [];
    const forward = later(await RemoteForward.open(parseRemoteForward(`0:127.0.0.1:${target.port}`), connection, (error) => errors.push(error)));
    // A user on the server connects to the forwarded port and waits for the other end.
    const visit = await exec(connection.client!, `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${forward.remotePort}; head -c 5 <&3; echo "[closed]"'`, '', 15_000);
    expect(visit.stdout).toBe('[closed]\n');
    expect(errors).toEqual([expect.objectContaining({ code: 'tunnel.local-target-timeout' })]);
    expect(errors[0]!.message).toContain(`127.0.0.1:${target.port}`);
  });
});

describe('remote and dynamic forwards', () => {
  it('-R: a port on the server reaches a service here, and comes back after a reconnect', async () => {
    const { host, connection } = await setup();
    const echo = later(await echoServer());
    const forwards = later(await ForwardSet.open([parseRemoteForward(`0:127.0.0.1:${echo.port}`)], connection));
    const [info] = forwards.describe();
    expect(info).toMatchObject({ kind: 'remote', localPort: echo.port });
    const remotePort = (info as { remotePort: number }).remotePort;
    expect(remotePort).toBeGreaterThan(0);
    const viaServer = () => exec(connection.client!, `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${remotePort}; echo ping >&3; head -c 5 <&3'`);
    expect((await viaServer()).stdout).toBe('ping\n');

    await host.sshd.stop();
    await waitFor('reconnecting', () => connection.snapshot().kind === 'reconnecting');
    await host.sshd.start();
    await connection.whenReady(15_000);
    await waitFor('the remote port to be bound again', async () => (await viaServer()).stdout === 'ping\n', { timeoutMs: 10_000 });
  });

  it('-R: a connection the server offers while the forward is being closed is turned away, not left hanging', async () => {
    const { host, connection } = await setup({}, { keepaliveIntervalMs: 600_000 });
    const echo = later(await echoServer());
    const forward = later(await RemoteForward.open(parseRemoteForward(`0:127.0.0.1:${echo.port}`), connection));
    const visitorLogin = await connectSsh(keyLogin(host));
    cleanups.push(async () => visitorLogin.end());
    // Hold back what the server sends Porthole, so its offer for the visitor's connection is
    // still unread when the forward lets go: the moment between the close and the server's
    // answer to it, when the server still offers connections to that port.
    const sock = (connection.client as unknown as { _sock: Socket })._sock;
    sock.pause();
    const visit = exec(visitorLogin, `bash -c 'exec 3<>/dev/tcp/127.0.0.1/${forward.remotePort}; head -c 5 <&3; echo "[closed]"'`, '', 15_000);
    await waitFor('the server\'s offer to arrive', () => sock.readableLength > 0);
    const closed = forward.close();
    sock.resume();
    await closed;
    expect((await visit).stdout).toBe('[closed]\n');
    expect(connection.snapshot().kind).toBe('ready');
  });

  it('-D: a SOCKS5 proxy whose connections leave from the server', async () => {
    const { connection } = await setup();
    const echo = later(await echoServer());
    const forwards = later(await ForwardSet.open([parseDynamicForward('0')], connection));
    const [info] = forwards.describe();
    const socket = connect({ host: '127.0.0.1', port: (info as { localPort: number }).localPort });
    const read = (n: number) =>
      new Promise<Buffer>((resolve) => {
        let buffer = Buffer.alloc(0);
        const onData = (chunk: Buffer) => {
          buffer = Buffer.concat([buffer, chunk]);
          if (buffer.length >= n) {
            socket.off('data', onData);
            resolve(buffer);
          }
        };
        socket.on('data', onData);
      });
    socket.write(Buffer.from([5, 1, 0]));
    expect([...(await read(2))]).toEqual([5, 0]);
    const port = Buffer.alloc(2);
    port.writeUInt16BE(echo.port);
    socket.write(Buffer.concat([Buffer.from([5, 1, 0, 1, 127, 0, 0, 1]), port]));
    expect((await read(10))[1]).toBe(0);
    socket.write('through socks');
    expect((await read(13)).toString()).toBe('through socks');
    socket.destroy();
  });

  it('-D caps concurrent connections like -L: the one over the cap is closed with tunnel.too-many-connections, and room comes back', async () => {
    const { connection } = await setup();
    const errors: unknown[] = [];
    const forward = later(await DynamicForward.open(parseDynamicForward('0'), connection, { maxConnections: 2, onConnectionError: (error) => errors.push(error) }));
    const connected = () =>
      new Promise<ReturnType<typeof connect>>((resolve) => {
        const socket = connect(forward.localPort, '127.0.0.1', () => resolve(socket));
      });
    const held = await Promise.all([connected(), connected()]);
    cleanups.push(async () => held.forEach((socket) => socket.destroy()));
    await waitFor('both held clients counted', () => forward.activeConnections === 2);
    // Nothing sent: a refused client with unsent bytes might see a reset instead of the close.
    expect(await outcomeOf(forward.localPort, '', 5_000)).toBe('closed');
    expect(errors).toEqual([expect.objectContaining({ code: 'tunnel.too-many-connections', message: expect.stringContaining(`Port ${forward.localPort} already carries 2 connections`) })]);

    held[0]!.destroy();
    await waitFor('the freed place', () => forward.activeConnections === 1);
    // Room again: a greeting gets its SOCKS answer (version 5, no authentication).
    const client = await connected();
    held.push(client);
    const answer = new Promise<Buffer>((resolve) => client.once('data', resolve));
    client.write(Buffer.from([5, 1, 0]));
    expect([...(await answer)]).toEqual([5, 0]);
    expect(errors).toHaveLength(1);
  });

  it('-D reports a connection the server could not carry, and answers the client with a SOCKS failure', async () => {
    const { connection } = await setup();
    const errors: unknown[] = [];
    const closedPort = await echoServer().then(async (s) => (await s.close(), s.port));
    const forward = later(await DynamicForward.open(parseDynamicForward('0'), connection, { onConnectionError: (error) => errors.push(error) }));
    const socket = connect({ host: '127.0.0.1', port: forward.localPort });
    cleanups.push(async () => void socket.destroy());
    const replies: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => replies.push(chunk));
    const port = Buffer.alloc(2);
    port.writeUInt16BE(closedPort);
    socket.write(Buffer.concat([Buffer.from([5, 1, 0]), Buffer.from([5, 1, 0, 1, 127, 0, 0, 1]), port]));
    await waitFor('the SOCKS reply to the request', () => Buffer.concat(replies).length >= 12);
    expect(Buffer.concat(replies)[3]).not.toBe(0);
    expect(errors).toEqual([expect.objectContaining({ code: 'tunnel.target-unreachable' })]);
  });
});
