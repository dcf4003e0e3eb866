/**
 * `porthole up --json` as a script runs it, against the clouds' local stand-ins (the real
 * SDKs underneath), a real sshd standing for the VM (its "public IP" is a loopback
 * address) and Debian's real Jupyter: every phase in order, then the notebook's ready
 * line; a restart at a new address asks nothing; another machine's key at a known address
 * is a new host, not an attack; Ctrl-C with --stop-vm-on-exit stops the VM.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { startAzureStandIn, type AzureStandIn } from '../env/azure-stand-in';
import { startTestHost, type TestHost } from '../env/host';
import { makeDir } from '../env/run-dir';

const BIN = resolve(__dirname, '../../bin/porthole.js');
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Line = Record<string, unknown>;

/** One `porthole` child: its JSON lines as they come, its stderr, its exit. */
interface Run {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Line[];
  /** Reads lines until one matches; fails with stderr when the child ends first. */
  until(match: (line: Line) => boolean): Promise<Line>;
  exit(): Promise<number | null>;
  stderr(): string;
}

function porthole(args: readonly string[], env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  cleanups.push(async () => void child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: Line[] = [];
  const iterator = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    lines,
    async until(match) {
      for (;;) {
        const next = await iterator.next();
        if (next.done) throw new Error(`porthole ended without the expected line; lines: ${JSON.stringify(lines)}; stderr: ${stderr}`);
        const line = JSON.parse(next.value as string) as Line;
        lines.push(line);
        if (match(line)) return line;
      }
    },
    exit: () => exited,
    stderr: () => stderr,
  };
}

/** A porthole command that runs to its end (hosts add): its exit code, and stderr when it failed. */
async function portholeOnce(args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const run = porthole(args, env);
  const code = await run.exit();
  if (code !== 0) throw new Error(`porthole ${args.join(' ')} exited ${code}: ${run.stderr()}`);
}

const isEnd = (line: Line) => line['event'] === 'ready' || line['event'] === 'error';
const phases = (lines: readonly Line[]) => lines.filter((l) => l['event'] === 'phase').map((l) => (l['phase'] === 'starting-vm' ? `starting-vm:${String(l['state'])}` : l['phase'] === 'starting-jupyter' ? `starting-jupyter:${String(l['step'])}` : String(l['phase'])));

describe('porthole up against the Azure stand-in', () => {
  let azure: AzureStandIn;
  async function setUp(): Promise<{ host: TestHost; env: NodeJS.ProcessEnv; knownHosts: string }> {
    const host = await startTestHost();
    cleanups.push(() => host.stop());
    azure = await startAzureStandIn({ vms: [{ resourceGroup: 'course-rg', name: 'gpu-01', power: 'deallocated', size: 'Standard_NC4as_T4_v3', adminUsername: host.user.name, publicIp: { allocation: 'Dynamic' } }] });
    cleanups.push(() => azure.close());
    const env: NodeJS.ProcessEnv = { ...process.env, ...azure.env, PORTHOLE_HOME: makeDir('home') };
    delete env['SSH_AUTH_SOCK'];
    const knownHosts = join(makeDir('ssh'), 'known_hosts');
    writeFileSync(knownHosts, '');
    await portholeOnce(['hosts', 'add', 'gpu', '--azure', 'course-rg/gpu-01', '--subscription', azure.subscriptionId, '--user', host.user.name, '-i', host.clientKey.privatePath, '--port', String(host.port)], env);
    return { host, env, knownHosts };
  }

  it('deallocated -> starting -> running -> SSH -> notebook ready, every phase in --json; Ctrl-C with --stop-vm-on-exit deallocates it', async () => {
    const { host, env, knownHosts } = await setUp();
    azure.arm.nextPublicIp('course-rg/gpu-01', '127.0.0.1');
    const up = porthole(['up', 'gpu', '--json', '--no-open', '--stop-on-exit', '--stop-vm-on-exit', '--known-hosts', knownHosts, '--accept-new-host-key'], env);
    const ready = await up.until(isEnd);
    expect(ready, JSON.stringify(up.lines) + up.stderr()).toMatchObject({ event: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/tree$/), flavour: 'notebook' });
    expect(phases(up.lines)).toEqual([
      'starting-vm:deallocated',
      'starting-vm:pending',
      'starting-vm:running',
      'waiting-for-ssh',
      'connecting',
      'starting-jupyter:locating',
      'starting-jupyter:starting',
      'starting-jupyter:forwarding',
      'starting-jupyter:probing',
    ]);
    expect(up.lines.find((l) => l['phase'] === 'waiting-for-ssh')).toEqual({ event: 'phase', phase: 'waiting-for-ssh', address: '127.0.0.1', port: host.port });
    expect(up.lines).toContainEqual({ event: 'host-key-trusted', host: `127.0.0.1:${host.port}`, hostKeyAlias: `${azure.arm.vm('course-rg/gpu-01').vmId}.azure.porthole`, keyType: 'ssh-ed25519', fingerprint: host.sshd.hostKey.fingerprint });

    up.child.kill('SIGINT');
    await up.until((l) => l['event'] === 'vm-stopped');
    expect(await up.exit()).toBe(0);
    expect(up.lines.slice(-2)).toMatchObject([{ event: 'phase', phase: 'stopping-vm' }, { event: 'vm-stopped', state: 'deallocated', machine: 'course-rg/gpu-01' }]);
    expect(azure.arm.vm('course-rg/gpu-01').power).toBe('deallocated');
  });
});
