/**
 * The bring-up runner with a scripted provider (the provider's own behaviour against the
 * clouds' wire formats is tested with the real SDKs in the integration tests): the steps it
 * takes, what it reports, and that cancel and deadlines stop the step in flight.
 */
import { describe, expect, it } from 'vitest';
import type { CloudMachine, CloudProvider } from '../../main/cloud/provider';
import { PortholeError } from '../../main/shared/errors';
import { VmBringUp, type BringUpOptions } from '../../main/session/bring-up';
import type { BringUpState } from '../../main/session/bring-up-state';

function machine(overrides: Partial<CloudMachine> = {}): CloudMachine {
  return {
    provider: 'aws', id: 'i-0123456789abcdef0', uniqueId: 'i-0123456789abcdef0', name: 'gpu-box', state: 'stopped', rawState: 'stopped', instanceType: 'g4dn.xlarge', region: 'eu-central-1',
    publicIp: null, publicDns: null, privateIp: '172.31.5.9', privateDns: null, keyName: 'course', defaultUser: 'ubuntu', image: 'Ubuntu 22.04', knownImage: null, platform: 'linux', launchedAt: null, resourceGroup: null, subscriptionId: null,
    ...overrides,
  };
}

const running = (publicIp = '203.0.113.7') => machine({ state: 'running', rawState: 'running', publicIp });

/** A provider whose answers the test scripts; calls not scripted fail the test. */
function provider(script: Partial<CloudProvider>): CloudProvider & { calls: string[] } {
  const calls: string[] = [];
  const unexpected = (name: string) => () => Promise.reject(new Error(`unexpected call: ${name}`));
  const log =
    <A extends unknown[], R>(name: string, fn: ((...args: A) => Promise<R>) | undefined) =>
    (...args: A): Promise<R> => {
      calls.push(name);
      return (fn ?? (unexpected(name) as (...a: A) => Promise<R>))(...args);
    };
  return {
    id: 'aws',
    accountLabel: 'AWS profile course, eu-central-1',
    calls,
    listMachines: log('listMachines', script.listMachines),
    getMachine: log('getMachine', script.getMachine),
    start: log('start', script.start),
    stop: log('stop', script.stop),
    waitUntilRunning: log('waitUntilRunning', script.waitUntilRunning),
    currentAddress: log('currentAddress', script.currentAddress),
  };
}

function bringUp(options: Omit<BringUpOptions, 'machineId' | 'sshPort'> & Partial<Pick<BringUpOptions, 'machineId' | 'sshPort'>>): { runner: VmBringUp; states: BringUpState[] } {
  const runner = new VmBringUp({ machineId: 'i-0123456789abcdef0', sshPort: 22, pollIntervalMs: 1, probeIntervalMs: 1, ...options });
  const states: BringUpState[] = [];
  runner.onChange((state) => states.push(state));
  return { runner, states };
}

/** Resolves never, rejects with an AbortError when the signal fires (as the SDKs do). */
function untilAborted(signal: AbortSignal | undefined, seen: { aborted: boolean }): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => {
      seen.aborted = true;
      reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    });
  });
}

describe('VmBringUp', () => {
  it('starts a stopped machine, follows the waiter, probes SSH until it greets, and names the host key after the instance', async () => {
    const cloud = provider({
      getMachine: async () => machine(),
      start: async () => machine({ state: 'pending' }),
      waitUntilRunning: async (_id, options) => {
        options?.onProgress?.(machine({ state: 'pending', rawState: 'pending' }));
        return running();
      },
    });
    const probes: string[] = [];
    const { runner, states } = bringUp({ provider: cloud, sshPort: 2222, probe: async (host, port) => (probes.push(`${host}:${port}`), probes.length >= 3) });
    // The start request's answer is the first sight of the machine on its way up.
    const machines: (string | undefined)[] = [];
    runner.onChange((_state, m) => machines.push(m?.state));
    const result = await runner.run();
    expect(result).toMatchObject({ address: '203.0.113.7', hostKeyAlias: 'i-0123456789abcdef0.aws.porthole', startedByPorthole: true, machine: { state: 'running' } });
    expect(cloud.calls).toEqual(['getMachine', 'start', 'waitUntilRunning']);
    expect(probes).toEqual(['203.0.113.7:2222', '203.0.113.7:2222', '203.0.113.7:2222']);
    expect(states.map((s) => (s.kind === 'starting-vm' ? `starting-vm:${s.machineState}` : s.kind))).toEqual([
      // start requested; its answer (pending); the waiter's progress (pending)
      'starting-vm:null', 'starting-vm:stopped', 'starting-vm:pending', 'starting-vm:pending', 'starting-vm:pending', 'waiting-for-ssh', 'waiting-for-ssh', 'waiting-for-ssh', 'done',
    ]);
    expect(machines.slice(0, 4)).toEqual([undefined, 'stopped', 'stopped', 'pending']);
    expect(runner.machine?.state).toBe('running');
  });

  it('a running machine with a greeting SSH port needs one description and one probe', async () => {
    const cloud = provider({ getMachine: async () => running('198.51.100.4') });
    const { runner } = bringUp({ provider: cloud, probe: async () => true });
    expect(await runner.run()).toMatchObject({ address: '198.51.100.4', startedByPorthole: false });
    expect(cloud.calls).toEqual(['getMachine']);
  });

  it('cancelling while the cloud starts the machine aborts the wait and says the VM was asked to start', async () => {
    const seen = { aborted: false };
    const controller = new AbortController();
    const cloud = provider({
      getMachine: async () => machine(),
      start: async () => machine({ state: 'pending' }),
      waitUntilRunning: (_id, options) => {
        queueMicrotask(() => controller.abort());
        return untilAborted(options?.signal, seen);
      },
    });
    const { runner } = bringUp({ provider: cloud, signal: controller.signal });
    const error = await runner.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortholeError);
    expect(error).toMatchObject({ code: 'cloud.cancelled', hint: expect.stringMatching(/already asked to start and keeps running/) });
    expect(seen.aborted).toBe(true);
    expect(runner.startedByPorthole).toBe(true);
    expect(runner.snapshot()).toEqual({ kind: 'cancelled', startedByPorthole: true });
  });

  it('cancelling while waiting for SSH stops the probe in flight; nothing was started', async () => {
    const seen = { aborted: false };
    const cloud = provider({ getMachine: async () => running() });
    const { runner } = bringUp({
      provider: cloud,
      probe: (_host, _port, signal) => {
        queueMicrotask(() => runner.cancel());
        return untilAborted(signal, seen);
      },
    });
    await expect(runner.run()).rejects.toMatchObject({ code: 'cloud.cancelled', hint: 'Nothing was started.' });
    expect(seen.aborted).toBe(true);
  });

  it('an already aborted signal ends it before the cloud is asked anything', async () => {
    const cloud = provider({});
    const { runner } = bringUp({ provider: cloud, signal: AbortSignal.abort() });
    await expect(runner.run()).rejects.toMatchObject({ code: 'cloud.cancelled' });
    expect(cloud.calls).toEqual([]);
  });

  it('cancelled before it runs, it ends at once without asking the cloud', async () => {
    const cloud = provider({});
    const { runner } = bringUp({ provider: cloud });
    runner.cancel();
    await expect(runner.run()).rejects.toMatchObject({ code: 'cloud.cancelled' });
    expect(cloud.calls).toEqual([]);
  });

  it('gives up on a silent SSH port at the deadline with cloud.ssh-timeout', async () => {
    const cloud = provider({ getMachine: async () => running() });
    const { runner } = bringUp({ provider: cloud, sshTimeoutMs: 50, probe: async () => false });
    await expect(runner.run()).rejects.toMatchObject({ code: 'cloud.ssh-timeout', message: expect.stringContaining('203.0.113.7') });
  });

  it('passes on the cloud error of a step (an expired credential, say)', async () => {
    const expired = new PortholeError({ code: 'aws.credentials-expired', message: 'The SSO session of profile course expired.', hint: 'Run aws sso login --profile course.', retryable: false });
    const cloud = provider({ getMachine: () => Promise.reject(expired) });
    await expect(bringUp({ provider: cloud }).runner.run()).rejects.toMatchObject({ code: 'aws.credentials-expired', hint: 'Run aws sso login --profile course.' });
  });

  it('waits for a stopping machine to stop before starting it', async () => {
    const answers = [machine({ state: 'stopping' }), machine({ state: 'stopping' }), machine({ state: 'stopped' })];
    const cloud = provider({ getMachine: async () => answers.shift() ?? machine(), start: async () => machine({ state: 'pending' }), waitUntilRunning: async () => running() });
    await bringUp({ provider: cloud, probe: async () => true }).runner.run();
    expect(cloud.calls).toEqual(['getMachine', 'getMachine', 'getMachine', 'start', 'waitUntilRunning']);
  });
});
