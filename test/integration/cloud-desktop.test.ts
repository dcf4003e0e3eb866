/**
 * A cloud-linked host in the desktop service, end to end: the real Azure SDK against the
 * local ARM endpoint (the VM's "public IP" is the test sshd's loopback address), a real
 * sshd, Debian's real Jupyter and a real Secret Service. Launch brings the deallocated VM
 * up and shows each phase in the session snapshots; the host key is filed per VM, so the
 * next start at a new address asks nothing; Disconnect deallocates the VM when the host
 * says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DesktopServiceOptions } from '../../main/app/service';
import type { SessionView } from '../../main/ipc/contract';
import { startAzureStandIn, type AzureStandIn } from '../env/azure-stand-in';
import { startSiblingSshd, startTestHost, type TestHost } from '../env/host';
import { waitFor } from '../env/wait';
import { callCommand, startDesktop, useTestKeyring, type DesktopHarness } from '../support/desktop-harness';

useTestKeyring();

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const call = callCommand;

const VM = 'course-rg/gpu-01';

async function world(options: { running?: boolean; idleWatch?: DesktopServiceOptions['idleWatch'] } = {}): Promise<{ host: TestHost; azure: AzureStandIn; desktop: DesktopHarness }> {
  const host = await startTestHost();
  cleanups.push(() => host.stop());
  const vm = options.running
    ? ({ power: 'running', publicIp: { allocation: 'Static', address: '127.0.0.1' } } as const)
    : ({ power: 'deallocated', publicIp: { allocation: 'Dynamic' } } as const);
  const azure = await startAzureStandIn({ vms: [{ resourceGroup: 'course-rg', name: 'gpu-01', size: 'Standard_NC4as_T4_v3', location: 'westeurope', adminUsername: host.user.name, ...vm }] });
  cleanups.push(() => azure.close());
  azure.useInThisProcess();
  const desktop = await startDesktop({
    cloud: { azure: { armEndpoint: azure.arm.url, pollIntervalMs: 20 } },
    ...(options.idleWatch ? { idleWatch: options.idleWatch } : {}),
  });
  cleanups.push(() => desktop.close());
  return { host, azure, desktop };
}

/** Saves the VM as the host "gpu", with the cost-safety settings given. */
async function saveGpu(desktop: DesktopHarness, host: TestHost, azure: AzureStandIn, safety: { stopVmOnDisconnect?: boolean; idleStopMinutes?: number }): Promise<void> {
  await call(desktop, 'hosts:save', {
    originalName: null,
    host: { name: 'gpu', host: '', port: host.port, user: host.user.name, key: { kind: 'path', path: host.clientKey.privatePath }, cloud: { provider: 'azure', subscriptionId: azure.subscriptionId, resourceGroup: 'course-rg', vmName: 'gpu-01', ...safety } },
  });
}

/** Launch, trust the host key when asked (once: the first time), and wait until ready. */
async function launchTrusting(desktop: DesktopHarness): Promise<{ prompt: Awaited<ReturnType<DesktopHarness['waitForPrompt']>>; ready: SessionView }> {
  await call(desktop, 'sessions:launch', { host: 'gpu', openBrowser: false });
  const prompt = await desktop.waitForPrompt('gpu');
  await call(desktop, 'prompts:answer', { id: prompt.id, answer: { kind: 'host-key', trust: 'always' } });
  return { prompt, ready: await desktop.waitForSession('gpu', ['ready']) };
}

/** The state kinds the window saw for a host, in order, without repeats. */
function seen(d: DesktopHarness, host: string): string[] {
  const kinds: string[] = [];
  for (const { event, payload } of d.events) {
    if (event !== 'sessions:changed') continue;
    const session = (payload as { sessions: SessionView[] }).sessions.find((s) => s.host === host);
    if (!session) continue;
    const state = session.state;
    const kind = state.kind === 'starting-vm' ? `starting-vm:${state.machineState}` : state.kind;
    if (kinds.at(-1) !== kind) kinds.push(kind);
  }
  return kinds;
}

describe('a cloud host in the desktop service', () => {
  it('Launch starts the deallocated VM, shows every phase, files its host key per VM; Disconnect deallocates it', async () => {
    const { host, azure, desktop } = await world();
    azure.arm.nextPublicIp(VM, '127.0.0.1');
    await saveGpu(desktop, host, azure, { stopVmOnDisconnect: true });
    const { prompt, ready } = await launchTrusting(desktop);
    expect(prompt.detail).toMatchObject({ kind: 'host-key', server: `127.0.0.1:${host.port}`, fingerprint: host.sshd.hostKey.fingerprint });

    expect(seen(desktop, 'gpu').slice(0, 6)).toEqual(['starting-vm:null', 'starting-vm:deallocated', 'starting-vm:pending', 'starting-vm:running', 'waiting-for-ssh', 'connecting']);
    expect(seen(desktop, 'gpu')).toContain('starting-jupyter');
    expect(ready.cloud).toMatchObject({
      provider: 'azure',
      machineId: VM,
      machine: { name: 'gpu-01', state: 'running', instanceType: 'Standard_NC4as_T4_v3', region: 'westeurope' },
      address: '127.0.0.1',
      startedByPorthole: true,
      price: { usdPerHour: 0.602, asOf: expect.any(String) },
      costSoFar: expect.any(Number),
      idle: null,
      vmStop: { kind: 'none' },
    });
    expect(ready.cloud!.runningSince).toEqual(expect.any(Number));
    // The host list shows where the VM was reached.
    expect(await call(desktop, 'hosts:list', {})).toMatchObject([{ name: 'gpu', host: '127.0.0.1', cloud: { provider: 'azure', vmName: 'gpu-01', stopVmOnDisconnect: true } }]);

    await call(desktop, 'sessions:disconnect', { host: 'gpu' });
    expect(desktop.session('gpu')?.cloud?.vmStop).toEqual({ kind: 'stopped', reason: 'disconnect' });
    expect(['deallocating', 'deallocated']).toContain(azure.arm.vm(VM).power);
  });

  it('the next start at a new address connects without asking about the host key again', async () => {
    const { host, azure, desktop } = await world();
    const moved = await startSiblingSshd(host, { sameHostKey: true, listenAddress: '127.0.0.2', port: host.port });
    cleanups.push(() => moved.stop());
    azure.arm.nextPublicIp(VM, '127.0.0.1');
    azure.arm.nextPublicIp(VM, '127.0.0.2');
    await saveGpu(desktop, host, azure, { stopVmOnDisconnect: true });
    await launchTrusting(desktop);
    await call(desktop, 'sessions:disconnect', { host: 'gpu' });

    // Launched again: Porthole starts the VM (waiting for the deallocation to finish if it
    // has not yet), and finds it at its new address with the key it knows under the VM's name.
    await call(desktop, 'sessions:launch', { host: 'gpu', openBrowser: false });
    const again = await desktop.waitForSession('gpu', ['ready', 'awaiting-user'], 90_000);
    expect(again.state.kind).toBe('ready');
    expect(again.cloud).toMatchObject({ address: '127.0.0.2', startedByPorthole: true });
  });

  it('idle auto-stop: warns, then disconnects and deallocates the VM it did not start; a running VM needs no start', async () => {
    let clock = 0;
    const { host, azure, desktop } = await world({ running: true, idleWatch: { pollMs: 50, now: () => clock } });
    await saveGpu(desktop, host, azure, { idleStopMinutes: 5 });
    const { ready } = await launchTrusting(desktop);
    expect(seen(desktop, 'gpu').slice(0, 3)).toEqual(['starting-vm:null', 'waiting-for-ssh', 'connecting']);
    expect(ready.cloud).toMatchObject({ startedByPorthole: false, machine: { state: 'running' } });
    const azureStarts = azure.arm.requests.filter((r) => r.method === 'POST' && r.path.includes('/start'));
    expect(azureStarts).toEqual([]);

    await waitFor('the first idle sample', () => desktop.session('gpu')?.cloud?.idle?.idleSince === 0 || undefined);
    const notices = () => desktop.events.filter((e) => e.event === 'app:notice').map((e) => (e.payload as { notice: { title: string } }).notice.title);
    clock = 3 * 60_000;
    await waitFor('the idle warning', () => notices().includes('gpu will be stopped in 2 minutes') || undefined);
    expect(desktop.session('gpu')?.cloud?.idle).toEqual({ afterMinutes: 5, idleSince: 0, stopAt: 5 * 60_000 });

    clock = 5 * 60_000;
    const closed = await desktop.waitForSession('gpu', ['closed']);
    await waitFor('the stop to be asked for', () => desktop.session('gpu')?.cloud?.vmStop.kind === 'stopped' || undefined);
    expect(desktop.session('gpu')?.cloud?.vmStop).toEqual({ kind: 'stopped', reason: 'idle' });
    // Jupyter was stopped cleanly first, so nothing is said to keep running.
    expect(closed.state).toEqual({ kind: 'closed', leftRunning: null });
    expect(['deallocating', 'deallocated']).toContain(azure.arm.vm(VM).power);
    await waitFor('the stopped notice', () => notices().includes('gpu was stopped') || undefined);
  });
});
