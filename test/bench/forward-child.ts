/**
 * A Porthole forwarder in its own Node process, as the Electron main process would be:
 * started by tunnel.ts (with test/bench/no-addon-preload.js for the addon-less runs), it
 * logs in with Porthole's own SshConnection and opens a LocalForward per target (or, for
 * tuning experiments, the stand-in portholeForward()), and prints one JSON line
 * `{"type":"ready",...}` on stdout. It shuts down cleanly (so --cpu-prof can write its
 * profile) when its stdin closes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import { connect as netConnect, createServer, type AddressInfo, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { Client } from 'ssh2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Fingerprint } from '../../main/shared/fingerprint';
import { SshConnection } from '../../main/ssh/connection';
import { HostKeyStore } from '../../main/ssh/host-keys';
import { LocalForward } from '../../main/tunnels/local-forward';
import { CHILD_CONFIG_ENV, type ChildConfig, type ChildReady } from './child-config';
import { connectTuned, portholeForward } from './porthole-forward';
import { patchPaddingPool } from './ssh2-padding-pool';

async function main(): Promise<void> {
  const raw = process.env[CHILD_CONFIG_ENV];
  if (raw === undefined) throw new Error(`${CHILD_CONFIG_ENV} is not set`);
  const config = JSON.parse(raw) as ChildConfig;

  if (config.plainProxy) {
    await plainProxyMain(config);
    return;
  }
  if (!config.standIn) {
    await productMain(config);
    return;
  }

  // The flag ssh2 itself uses to pick its cipher classes (crypto.js: `bindingAvailable: !!binding`).
  const sshCrypto = createRequire(__filename)('ssh2/lib/protocol/crypto.js') as { bindingAvailable: boolean };
  if (sshCrypto.bindingAvailable !== config.expectAddon) {
    throw new Error(`ssh2 native addon ${sshCrypto.bindingAvailable ? 'loaded' : 'did not load'}, expected the opposite`);
  }

  const expected = new Set(config.ssh.hostFingerprints);
  const client = new Client();
  let negotiatedCipher = '';
  client.on('handshake', (negotiated) => (negotiatedCipher = negotiated.cs.cipher));
  await connectTuned(
    client,
    {
      host: config.ssh.host,
      port: config.ssh.port,
      username: config.ssh.username,
      privateKey: readFileSync(config.ssh.privateKeyPath),
      hostVerifier: (key: Buffer) => expected.has(sha256Fingerprint(key)),
      algorithms: { cipher: [config.cipher as never], ...(config.mac ? { hmac: [config.mac as never] } : {}) },
      readyTimeout: 10_000,
    },
    config.tuning,
  );
  if (negotiatedCipher !== config.cipher) throw new Error(`negotiated ${negotiatedCipher}, wanted ${config.cipher}`);
  const patched = config.paddingPool ? patchPaddingPool(client) : null;
  if (config.paddingPool && patched === null) throw new Error('padding-pool experiment: unknown cipher class');

  const servers: Server[] = [];
  for (const target of config.targets) servers.push(await portholeForward(client, target.host, target.port, config.tuning));
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address !== 'object') throw new Error('forward has no port');
    return address.port;
  });

  const ready: ChildReady = { type: 'ready', ports, bindingAvailable: sshCrypto.bindingAvailable, cipher: negotiatedCipher, node: process.version, patched };
  process.stdout.write(`${JSON.stringify(ready)}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const server of servers) server.close();
    client.once('close', () => process.exit(0));
    client.end();
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  createInterface({ input: process.stdin }).on('line', (line) => void command(line));

  client.on('error', (error) => {
    process.stderr.write(`ssh error: ${error.message}\n`);
    process.exit(2);
  });
}

/** The product path: Porthole's own SshConnection and LocalForward, as the app runs them. */
async function productMain(config: ChildConfig): Promise<void> {
  const sshCrypto = createRequire(__filename)('ssh2/lib/protocol/crypto.js') as { bindingAvailable: boolean };
  if (sshCrypto.bindingAvailable !== config.expectAddon) {
    throw new Error(`ssh2 native addon ${sshCrypto.bindingAvailable ? 'loaded' : 'did not load'}, expected the opposite`);
  }
  const refuse = async () => null;
  const connection = new SshConnection({
    target: { host: config.ssh.host, port: config.ssh.port, username: config.ssh.username },
    identities: [{ label: 'bench key', data: readFileSync(config.ssh.privateKeyPath) }],
    agent: null,
    hostKeys: new HostKeyStore({ knownHostsFiles: [config.ssh.knownHostsPath], trustStorePath: join(tmpdir(), `porthole-bench-no-trust-${process.pid}`) }),
    prompter: { confirmHostKey: async () => false, passphrase: refuse, password: refuse, keyboardInteractive: refuse },
    // One cipher offered: the handshake either uses it or fails.
    algorithms: { cipher: [config.cipher as never], ...(config.mac ? { hmac: [config.mac as never] } : {}) },
  });
  await connection.start();
  const forwards = await Promise.all(
    config.targets.map((target) => LocalForward.open({ kind: 'local', bindHost: '127.0.0.1', bindPort: 0, remoteHost: target.host, remotePort: target.port }, connection)),
  );
  const ready: ChildReady = { type: 'ready', ports: forwards.map((f) => f.localPort), bindingAvailable: sshCrypto.bindingAvailable, cipher: config.cipher, node: process.version, patched: null };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.all([...forwards.map((f) => f.close()), connection.dispose()]).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  createInterface({ input: process.stdin }).on('line', (line) => void command(line));
  connection.onStateChange((state) => {
    if (state.kind === 'reconnecting' || state.kind === 'failed') {
      process.stderr.write(`ssh connection ${state.kind}\n`);
      process.exit(2);
    }
  });
}

/**
 * Reference point, no SSH: the same child, listening the same way, but each connection is
 * piped to a plain TCP connection to the target. Its CPU per byte / per round trip is the
 * floor of what any Node forwarder pays for the sockets and streams alone.
 */
async function plainProxyMain(config: ChildConfig): Promise<void> {
  const servers = await Promise.all(
    config.targets.map(
      (target) =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
            if (config.tuning.localNoDelay) socket.setNoDelay(true);
            const upstream = netConnect({ host: target.host, port: target.port, allowHalfOpen: true });
            if (config.tuning.sshNoDelay) upstream.setNoDelay(true);
            const destroy = () => {
              socket.destroy();
              upstream.destroy();
            };
            socket.on('error', destroy);
            upstream.on('error', destroy);
            socket.pipe(upstream);
            upstream.pipe(socket);
          });
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  const ready: ChildReady = { type: 'ready', ports, bindingAvailable: config.expectAddon, cipher: config.cipher, node: process.version, patched: null };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const stop = () => {
    for (const server of servers) server.close();
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  createInterface({ input: process.stdin }).on('line', (line) => void command(line));
}

const session = new Session();

function post<T = unknown>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
  );
}

/** Profiles only the measured window, without start-up and handshake. */
async function command(line: string): Promise<void> {
  const [verb, arg = ''] = line.trim().split(/\s+/, 2);
  if (verb === 'profile-start') {
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: Number(arg) || 1000 });
    await post('Profiler.start');
  } else if (verb === 'profile-stop') {
    const { profile } = await post<{ profile: unknown }>('Profiler.stop');
    writeFileSync(arg, JSON.stringify(profile));
    session.disconnect();
    process.stdout.write(`${JSON.stringify({ type: 'profiled', file: arg })}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
