/**
 * `porthole up --json` as a script runs it, against the clouds' local stand-ins (the real
 * SDKs underneath), a real sshd standing for the VM (its "public IP" is a loopback
 * address) and Debian's real Jupyter: every phase in order, then the notebook's ready
 * line; a restart at a new address asks nothing about the host key; another machine's key
 * at a known address is a new host, not an attack; Ctrl-C with --stop-vm-on-exit stops
 * the VM.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAzureStandIn } from '../env/azure-stand-in';
import { EXAMPLE_CREDENTIAL, KNOWN_IMAGES, startEc2Endpoint, type Ec2Endpoint } from '../env/ec2-endpoint';
import { startSiblingSshd, startTestHost, type TestHost } from '../env/host';
import { makeDir } from '../env/run-dir';
import { runPorthole, startPorthole, type RunningPorthole } from '../support/cli-process';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Line = Record<string, unknown>;

function up(args: readonly string[], env: NodeJS.ProcessEnv): RunningPorthole {
  const run = startPorthole(['up', ...args], env);
  cleanups.push(async () => void run.child.kill('SIGKILL'));
  return run;
}

/** Every JSON line, in order, up to and including the first that matches. */
async function linesUntil(run: RunningPorthole, match: (line: Line) => boolean, into: Line[] = []): Promise<Line[]> {
  for (;;) {
    const line = await run.next(undefined, 120_000);
    into.push(line);
    if (match(line)) return into;
  }
}

async function porthole(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Line[]> {
  const run = await runPorthole(args, env);
  if (run.code !== 0) throw new Error(`porthole ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return run.events;
}

const isEnd = (line: Line) => line['event'] === 'ready' || line['event'] === 'error';
const phases = (lines: readonly Line[]) =>
  lines.filter((l) => l['event'] === 'phase').map((l) => (l['phase'] === 'starting-vm' ? `starting-vm:${String(l['state'])}` : l['phase'] === 'starting-jupyter' ? `starting-jupyter:${String(l['step'])}` : String(l['phase'])));
const NOTEBOOK_PHASES = ['connecting', 'starting-jupyter:locating', 'starting-jupyter:starting', 'starting-jupyter:forwarding', 'starting-jupyter:probing'];

/** A test host, the user's (empty) known_hosts, and a Porthole home. */
async function machine(): Promise<{ host: TestHost; knownHosts: string; home: string }> {
  const host = await startTestHost();
  cleanups.push(() => host.stop());
  const knownHosts = join(makeDir('ssh'), 'known_hosts');
  writeFileSync(knownHosts, '');
  return { host, knownHosts, home: makeDir('home') };
}

describe('porthole up against the EC2 stand-in', () => {
  const GPU = 'i-0123456789abcdef0';
  const OTHER = 'i-0fedcba9876543210';

  async function ec2World(): Promise<{ host: TestHost; ec2: Ec2Endpoint; env: NodeJS.ProcessEnv; knownHosts: string }> {
    const { host, knownHosts, home } = await machine();
    const ec2 = await startEc2Endpoint({
      region: 'eu-central-1',
      images: [KNOWN_IMAGES.ubuntu],
      // The instance's public IPs, start after start: the test sshd, then the same machine at a new address.
      instances: [{ id: GPU, name: 'gpu-box', state: 'stopped', instanceType: 'g4dn.xlarge', imageId: KNOWN_IMAGES.ubuntu.imageId, keyName: 'course', publicIps: ['127.0.0.1', '127.0.0.2'] }],
    });
    cleanups.push(() => ec2.stop());
    // A user with access keys in the environment, and nothing of this machine's AWS setup.
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && name !== 'SSH_AUTH_SOCK'));
    Object.assign(env, ec2.env(), {
      PORTHOLE_HOME: home,
      AWS_ACCESS_KEY_ID: EXAMPLE_CREDENTIAL.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EXAMPLE_CREDENTIAL.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(home, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    });
    await porthole(['hosts', 'add', 'gpu', '--aws', GPU, '--region', 'eu-central-1', '--user', host.user.name, '-i', host.clientKey.privatePath, '--port', String(host.port)], env);
    return { host, ec2, env, knownHosts };
  }

  it('stopped at first: start -> running -> SSH reachable -> notebook ready, in order; after a restart at a new address it connects without a prompt', async () => {
    const { host, ec2, env, knownHosts } = await ec2World();
    const moved = await startSiblingSshd(host, { sameHostKey: true, listenAddress: '127.0.0.2', port: host.port });
    cleanups.push(() => moved.stop());

    const first = up(['gpu', '--json', '--no-open', '--known-hosts', knownHosts, '--accept-new-host-key'], env);
    const lines = await linesUntil(first, isEnd);
    expect(lines.at(-1), first.stderr()).toMatchObject({ event: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/tree$/), flavour: 'notebook', reused: false });
    expect(phases(lines)).toEqual(['starting-vm:stopped', 'starting-vm:pending', 'starting-vm:running', 'waiting-for-ssh', ...NOTEBOOK_PHASES]);
    expect(lines.filter((l) => l['event'] === 'phase').slice(0, 4)).toEqual([
      { event: 'phase', phase: 'starting-vm', state: 'stopped', machine: GPU },
      { event: 'phase', phase: 'starting-vm', state: 'pending', machine: GPU },
      { event: 'phase', phase: 'starting-vm', state: 'running', machine: GPU },
      { event: 'phase', phase: 'waiting-for-ssh', address: '127.0.0.1', port: host.port },
    ]);
    expect(lines).toContainEqual({ event: 'host-key-trusted', host: `127.0.0.1:${host.port}`, hostKeyAlias: `${GPU}.aws.porthole`, keyType: 'ssh-ed25519', fingerprint: host.sshd.hostKey.fingerprint });
    first.child.kill('SIGINT');
    expect(await first.next('stopped')).toEqual({ event: 'stopped', signal: 'SIGINT' });
    expect(await first.exit()).toBe(0);
    // Without --stop-vm-on-exit the VM keeps running.
    expect(ec2.instance(GPU)).toMatchObject({ state: 'running', publicIp: '127.0.0.1', starts: 1, stops: 0 });

    // Stopped (in the console, say) and started again: a new public IP, the same host key.
    ec2.setState(GPU, 'stopped');
    const second = up(['gpu', '--json', '--no-open', '--known-hosts', knownHosts, '--stop-vm-on-exit'], env);
    const again = await linesUntil(second, isEnd);
    expect(again.at(-1), second.stderr()).toMatchObject({ event: 'ready' });
    expect(again).toContainEqual({ event: 'phase', phase: 'waiting-for-ssh', address: '127.0.0.2', port: host.port });
    expect(again.some((l) => l['event'] === 'host-key-trusted')).toBe(false);
    expect((await porthole(['hosts', 'list', '--json'], env))[0]).toMatchObject({ hosts: [{ name: 'gpu', cloud: { lastSeenAddress: '127.0.0.2' } }] });

    second.child.kill('SIGINT');
    const end = await linesUntil(second, (l) => l['event'] === 'vm-stopped' || l['event'] === 'error');
    expect(end.at(-1)).toEqual({ event: 'vm-stopped', state: 'stopped', machine: GPU });
    expect(end.filter((l) => l['phase'] === 'stopping-vm').map((l) => l['state'])).toEqual(['stopping', 'stopped']);
    expect(await second.exit()).toBe(0);
    expect(ec2.instance(GPU)).toMatchObject({ state: 'stopped', stops: 1 });
  });

  it("another instance's key at a known address is an unknown host (a question), not a changed key", async () => {
    const { host, ec2, env, knownHosts } = await ec2World();
    // Machine A was reached at 127.0.0.1:PORT before, by plain ssh: the user's known_hosts says so.
    writeFileSync(knownHosts, `[127.0.0.1]:${host.port} ${host.sshd.hostKey.publicLine.split(' ').slice(0, 2).join(' ')}\n`);
    // Now another instance has that address (and port), with its own key.
    await host.sshd.stop();
    const other = await startSiblingSshd(host, { sameHostKey: false, port: host.port });
    cleanups.push(() => other.stop());
    ec2.addInstance({ id: OTHER, name: 'other-box', state: 'running', instanceType: 't3.medium', publicIps: ['127.0.0.1'] });
    await porthole(['hosts', 'add', 'other', '--aws', OTHER, '--region', 'eu-central-1', '--user', host.user.name, '-i', host.clientKey.privatePath, '--port', String(host.port)], env);

    const run = up(['other', '--json', '--no-open', '--known-hosts', knownHosts], env);
    const lines = await linesUntil(run, isEnd);
    // A running instance goes straight to waiting for SSH.
    expect(phases(lines)).toEqual(['waiting-for-ssh', 'connecting']);
    expect(lines.at(-1)).toMatchObject({ event: 'error', code: 'ssh.hostkey-unknown', message: expect.stringContaining(other.hostKey.fingerprint) });
    expect(await run.exit()).toBe(1);

    // The same address without the instance's name is the attack warning, as it should be.
    const plain = await runPorthole(['notebook', `${host.user.name}@127.0.0.1:${host.port}`, '-i', host.clientKey.privatePath, '--known-hosts', knownHosts, '--no-open', '--json'], env);
    expect(plain.events.at(-1)).toMatchObject({ event: 'error', code: 'ssh.hostkey-changed' });
  });
});

describe('porthole up against the Azure stand-in', () => {
  it('deallocated -> starting -> running -> SSH -> notebook ready; Ctrl-C with --stop-vm-on-exit deallocates it', async () => {
    const { host, knownHosts, home } = await machine();
    const azure = await startAzureStandIn({ vms: [{ resourceGroup: 'course-rg', name: 'gpu-01', power: 'deallocated', size: 'Standard_NC4as_T4_v3', adminUsername: host.user.name, publicIp: { allocation: 'Dynamic' } }] });
    cleanups.push(() => azure.close());
    const env: NodeJS.ProcessEnv = { ...process.env, ...azure.env, PORTHOLE_HOME: home, PORTHOLE_AZURE_POLL_MS: '50' };
    delete env['SSH_AUTH_SOCK'];
    await porthole(['hosts', 'add', 'gpu', '--azure', 'course-rg/gpu-01', '--subscription', azure.subscriptionId, '--user', host.user.name, '-i', host.clientKey.privatePath, '--port', String(host.port)], env);
    azure.arm.nextPublicIp('course-rg/gpu-01', '127.0.0.1');

    const run = up(['gpu', '--json', '--no-open', '--stop-on-exit', '--stop-vm-on-exit', '--known-hosts', knownHosts, '--accept-new-host-key'], env);
    const lines = await linesUntil(run, isEnd);
    expect(lines.at(-1), run.stderr()).toMatchObject({ event: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/tree$/), flavour: 'notebook' });
    expect(phases(lines)).toEqual(['starting-vm:deallocated', 'starting-vm:pending', 'starting-vm:running', 'waiting-for-ssh', ...NOTEBOOK_PHASES]);
    expect(lines).toContainEqual({ event: 'host-key-trusted', host: `127.0.0.1:${host.port}`, hostKeyAlias: `${azure.arm.vm('course-rg/gpu-01').vmId}.azure.porthole`, keyType: 'ssh-ed25519', fingerprint: host.sshd.hostKey.fingerprint });

    run.child.kill('SIGINT');
    const end = await linesUntil(run, (l) => l['event'] === 'vm-stopped' || l['event'] === 'error');
    expect(end.at(-1)).toEqual({ event: 'vm-stopped', state: 'deallocated', machine: 'course-rg/gpu-01' });
    expect(await run.exit()).toBe(0);
    expect(azure.arm.vm('course-rg/gpu-01').power).toBe('deallocated');
  });
});
