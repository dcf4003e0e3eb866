import { describe, expect, it } from 'vitest';
import type { CloudMachineView, HostView, SessionView } from '../../main/ipc/contract';
import { linkedHosts, presentMachine } from '../../renderer/src/cloud/machine-presentation';
import { costBetween, formatCost, formatCountdown, formatDuration, formatHourly, formatPriceDate, formatUsd, liveCost } from '../../renderer/src/cloud/cost';
import { describeHostAddress, describeSafety, presentCloud } from '../../renderer/src/hosts/cloud-presentation';

const PRICE = { usdPerHour: 0.658, asOf: '2025-01-15' };
const HOUR = 3_600_000;

function machine(patch: Partial<CloudMachineView> = {}): CloudMachineView {
  return {
    provider: 'aws', id: 'i-0a11c0ffee0000001', name: 'gpu-a', state: 'stopped', rawState: 'stopped', billsCompute: false, instanceType: 'g4dn.xlarge', region: 'eu-central-1',
    publicIp: null, publicDns: null, privateIp: null, keyName: 'seminar', defaultUser: 'ubuntu', image: null, knownImage: null, platform: 'linux', launchedAt: null,
    price: PRICE, hosts: [], startedByPorthole: false, busy: null, ...patch,
  };
}
const azure = (patch: Partial<CloudMachineView>) => machine({ provider: 'azure', id: 'rg/dsvm', region: 'westeurope', ...patch });

describe('a machine on the Cloud screen, in plain words', () => {
  it('AWS: running offers Stop; stopped offers Start and says compute is not billed', () => {
    expect(presentMachine(machine({ state: 'running', rawState: 'running', billsCompute: true }))).toMatchObject({ label: 'Running', tone: 'success', primary: { kind: 'stop', label: 'Stop' }, secondary: null });
    // Whatever billsCompute says: an AWS instance that is stopped bills no compute.
    expect(presentMachine(machine({ billsCompute: true })).label).toBe('Stopped');
    const stopped = presentMachine(machine());
    expect(stopped).toMatchObject({ label: 'Stopped', tone: 'neutral', primary: { kind: 'start', label: 'Start' }, secondary: null });
    expect(stopped.explanation).toContain('Not billed for compute');
  });

  it('Azure: "Stopped" that still bills is said so, with Start and Deallocate; deallocated is "not billed"', () => {
    const billed = presentMachine(azure({ state: 'stopped', rawState: 'PowerState/stopped', billsCompute: true }));
    expect(billed).toMatchObject({ label: 'Stopped — still billed', tone: 'warning', primary: { kind: 'start' }, secondary: { kind: 'stop', label: 'Deallocate' } });
    expect(billed.explanation).toBe('Azure keeps its compute reserved and bills it. Deallocate to stop the charges.');
    expect(presentMachine(azure({ state: 'deallocated', rawState: 'PowerState/deallocated' }))).toMatchObject({ label: 'Deallocated — not billed', tone: 'neutral', primary: { kind: 'start' }, secondary: null });
    expect(presentMachine(azure({ state: 'running', rawState: 'PowerState/running', billsCompute: true })).primary).toEqual({ kind: 'stop', label: 'Deallocate' });
  });

  it('a start or stop under way shows the cloud’s own word (without "PowerState/") and offers nothing to press', () => {
    const starting = presentMachine(machine({ state: 'pending', rawState: 'pending', busy: 'starting' }));
    expect([starting.label, starting.tone, starting.explanation, starting.primary, starting.secondary]).toEqual(['Starting', 'busy', 'AWS says “pending”', null, null]);
    expect(presentMachine(machine({ state: 'stopping', rawState: 'stopping', busy: 'starting' })).explanation).toBe('Waiting for it to finish stopping first (AWS says “stopping”)');
    expect(presentMachine(azure({ state: 'deallocating', rawState: 'PowerState/deallocating', busy: 'stopping' }))).toMatchObject({ label: 'Deallocating', explanation: 'Azure says “deallocating”', primary: null });
  });

  it('states the cloud moves through on its own, and ones with nothing left to do', () => {
    expect(presentMachine(machine({ state: 'pending', rawState: 'pending' }))).toMatchObject({ label: 'Starting', primary: null });
    expect(presentMachine(machine({ state: 'stopping', rawState: 'stopping' }))).toMatchObject({ label: 'Stopping', primary: null });
    expect(presentMachine(machine({ state: 'terminated', rawState: 'terminated' }))).toMatchObject({ label: 'Terminated', primary: null, explanation: 'Deleted; it cannot be started again.' });
    expect(presentMachine(machine({ state: 'unknown', rawState: 'hibernated' }))).toMatchObject({ label: 'Unknown state', explanation: 'AWS says “hibernated”', primary: null });
  });

  it('linked hosts: main’s list, plus saved hosts that point at the machine now, each once', () => {
    const link = { provider: 'aws', instanceId: 'i-0a11c0ffee0000001', region: 'eu-central-1', profile: null, vaultCredential: null, stopVmOnDisconnect: false, idleStopMinutes: null } as const;
    const hosts = [{ name: 'gpu-vm', cloud: link }, { name: 'other', cloud: { ...link, instanceId: 'i-0a11c0ffee0000002' } }, { name: 'plain', cloud: null }];
    expect(linkedHosts(machine({ hosts: ['gpu-vm', 'older'] }), hosts)).toEqual(['gpu-vm', 'older']);
    const azureLink = { provider: 'azure', subscriptionId: 's', resourceGroup: 'rg', vmName: 'dsvm', tenantId: null, stopVmOnDisconnect: false, idleStopMinutes: null } as const;
    expect(linkedHosts(azure({}), [{ name: 'dsvm-host', cloud: azureLink }])).toEqual(['dsvm-host']);
  });
});

describe('money and time, as the window says them', () => {
  it('dollars: cents, and never "about $0.00" for a cost that has begun; hourly list prices keep their precision', () => {
    expect(formatUsd(0.79)).toBe('$0.79');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect([formatCost(0), formatCost(0.004), formatCost(0.79)]).toEqual(['less than $0.01', 'less than $0.01', 'about $0.79']);
    expect(formatHourly(PRICE)).toBe('$0.658/h');
    expect(formatHourly({ usdPerHour: 0.0116, asOf: '2025-01-15' })).toBe('$0.0116/h');
    expect(formatHourly({ usdPerHour: 3.06, asOf: '2025-01-15' })).toBe('$3.06/h');
  });

  it('the price table’s date is a calendar date in any time zone', () => {
    expect(formatPriceDate('2025-01-15')).toBe('Jan 15, 2025');
    expect(formatPriceDate('not a date')).toBe('not a date');
  });

  it('cost so far: linear at the hourly price, worked out for now when price and start are known, else main’s figure', () => {
    expect(costBetween(0, 2 * HOUR, 0.5)).toBe(1);
    expect(costBetween(HOUR, 0, 0.5)).toBe(0);
    expect(liveCost({ price: PRICE, runningSince: 0, costSoFar: 0.1 }, HOUR)).toBeCloseTo(0.658);
    expect(liveCost({ price: null, runningSince: 0, costSoFar: 0.1 }, HOUR)).toBe(0.1);
  });

  it('durations and count-downs', () => {
    expect([formatDuration(30_000), formatDuration(12 * 60_000), formatDuration(72 * 60_000), formatDuration(2 * HOUR), formatDuration(26 * HOUR), formatDuration(48 * HOUR)]).toEqual([
      'less than a minute', '12 min', '1 h 12 min', '2 h', '1 day 2 h', '2 days',
    ]);
    expect([formatCountdown(245_000), formatCountdown(244_100), formatCountdown(3_845_000), formatCountdown(-5)]).toEqual(['4:05', '4:05', '1:04:05', '0:00']);
  });
});

const awsLink = { provider: 'aws', instanceId: 'i-0a11c0ffee0000001', region: 'eu-central-1', profile: 'default', vaultCredential: null, stopVmOnDisconnect: false, idleStopMinutes: null } as const;
function cloudHost(patch: Partial<HostView> = {}): HostView {
  return {
    name: 'gpu-vm', host: '203.0.113.10', port: 22, user: 'ubuntu', key: null, jumpHosts: [], forwards: [],
    jupyter: { flavour: 'auto', env: { kind: 'auto' }, rootDir: null, auth: 'token', localPort: null, stopOnDisconnect: false, passwordSaved: false, hub: null },
    cloud: awsLink, ...patch,
  };
}
const NOTEBOOK = { url: 'http://127.0.0.1:8888/lab', localPort: 8888, remotePort: 8888, serverPid: 1, reused: false, flavour: 'lab', version: null, rootDir: '/home/u' } as const;
function cloudSession(cloud: Partial<NonNullable<SessionView['cloud']>>, state: SessionView['state'] = { kind: 'ready', notebook: NOTEBOOK, forwards: [], reconnected: false }): SessionView {
  return {
    host: 'gpu-vm', mode: 'notebook', state, startedAt: 0, startedServer: true,
    cloud: { provider: 'aws', machineId: 'i-0a11c0ffee0000001', machine: { name: 'gpu-a', state: 'running', instanceType: 'g4dn.xlarge', region: 'eu-central-1' }, address: '203.0.113.20', startedByPorthole: true, runningSince: 0, price: PRICE, costSoFar: 0, idle: null, vmStop: { kind: 'none' }, ...cloud },
  };
}

describe('a cloud host’s card', () => {
  it('shows the cloud machine instead of a fixed address: where it runs now while connected, else where it was last', () => {
    expect(describeHostAddress(cloudHost(), undefined)).toBe('ubuntu on AWS instance i-0a11c0ffee0000001 (eu-central-1) · last at 203.0.113.10');
    expect(describeHostAddress(cloudHost(), cloudSession({}))).toBe('ubuntu on AWS instance i-0a11c0ffee0000001 (eu-central-1) · at 203.0.113.20');
    expect(describeHostAddress(cloudHost(), cloudSession({}, { kind: 'closed', leftRunning: null }))).toContain('last at 203.0.113.10');
    expect(describeHostAddress(cloudHost(), cloudSession({ address: null }, { kind: 'waiting-for-ssh', address: '203.0.113.30', attempt: 0 }))).toContain('· at 203.0.113.30');
    expect(describeHostAddress(cloudHost({ host: '', user: null }), undefined)).toBe('AWS instance i-0a11c0ffee0000001 (eu-central-1)');
    const azureLink = { provider: 'azure', subscriptionId: 's', resourceGroup: 'seminar-rg', vmName: 'dsvm', tenantId: null, stopVmOnDisconnect: false, idleStopMinutes: null } as const;
    expect(describeHostAddress(cloudHost({ cloud: azureLink, user: 'azureuser', host: '' }), undefined)).toBe('azureuser on Azure VM seminar-rg/dsvm');
    expect(describeHostAddress(cloudHost({ cloud: null, port: 2222 }), undefined)).toBe('ubuntu@203.0.113.10:2222');
  });

  it('the machine line and the cost so far, ticking with the clock while the VM runs', () => {
    const lines = presentCloud(cloudHost(), cloudSession({}), 2 * HOUR);
    expect(lines?.machine).toBe('g4dn.xlarge · eu-central-1 · est. $0.658/h');
    expect(lines?.cost).toBe('About $1.32 so far (estimate) · running 2 h · started by Porthole');
    expect(presentCloud(cloudHost(), cloudSession({}), 0)?.cost).toBe('Less than $0.01 so far (estimate) · running less than a minute · started by Porthole');
    expect(presentCloud(cloudHost(), cloudSession({ startedByPorthole: false, price: null, costSoFar: null }), HOUR)?.cost).toBe('Running 1 h');
    expect(presentCloud(cloudHost(), cloudSession({ machine: null }), HOUR)).toMatchObject({ machine: null, cost: null });
    expect(presentCloud(cloudHost({ cloud: null }), cloudSession({}), 0)).toBeNull();
  });

  it('cost safety in a few words, when a setting is on', () => {
    expect(describeSafety(awsLink)).toBeNull();
    expect(describeSafety({ ...awsLink, stopVmOnDisconnect: true, idleStopMinutes: 30 })).toBe('Porthole will stop the VM when you disconnect, or after 30 idle minutes.');
    expect(describeSafety({ provider: 'azure', subscriptionId: 's', resourceGroup: 'rg', vmName: 'vm', tenantId: null, stopVmOnDisconnect: true, idleStopMinutes: null })).toBe('Porthole will deallocate the VM when you disconnect.');
    expect(presentCloud(cloudHost({ cloud: { ...awsLink, idleStopMinutes: 45 } }), undefined, 0)).toEqual({ machine: null, cost: null, safety: 'Porthole will stop the VM after 45 idle minutes.', idle: null, vmStop: null });
  });

  it('idle auto-stop: how long idle, then a count-down with how to keep the VM', () => {
    const idle = (stopAt: number | null, idleSince: number | null) => presentCloud(cloudHost(), cloudSession({ idle: { afterMinutes: 30, idleSince, stopAt } }), 26 * 60_000)?.idle;
    expect(idle(null, null)).toEqual({ text: 'Idle stop is on: Porthole will stop the VM after 30 minutes without use.', urgent: false, hint: null });
    expect(idle(null, 0)).toEqual({ text: 'Idle for 26 min; Porthole will stop the VM after 30 idle minutes.', urgent: false, hint: null });
    const warning = idle(30 * 60_000, 0);
    expect(warning?.urgent).toBe(true);
    expect(warning?.text).toBe('Jupyter has been idle for 26 min: Porthole will stop the VM in 4:00.');
    expect(warning?.hint).toContain('open it and run a cell');
  });

  it('what became of stopping the VM: under way, done (the cost line goes), or failed with the engine’s words', () => {
    const closed = { kind: 'closed', leftRunning: null } as const;
    const stopping = presentCloud(cloudHost(), cloudSession({ vmStop: { kind: 'stopping', reason: 'disconnect' } }, closed), HOUR);
    expect(stopping?.vmStop).toEqual({ tone: 'busy', text: 'Stopping the VM (you disconnected)…', error: null });
    expect(stopping?.cost).toBeNull();
    const idleStopped = presentCloud(cloudHost({ cloud: { ...awsLink, idleStopMinutes: 30 } }), cloudSession({ vmStop: { kind: 'stopped', reason: 'idle' } }, closed), HOUR);
    expect(idleStopped?.vmStop?.text).toBe('Jupyter was idle for 30 minutes, so Porthole asked AWS to stop the VM. It no longer costs compute; Launch notebook starts it again.');
    expect(idleStopped?.safety).toBeNull();
    const error = { code: 'aws.unauthorized', message: 'Not allowed.', hint: 'Ask.', retryable: false };
    const failed = presentCloud(cloudHost(), cloudSession({ provider: 'azure', vmStop: { kind: 'failed', reason: 'disconnect', error } }, closed), HOUR);
    expect(failed?.vmStop).toEqual({ tone: 'danger', text: 'The VM could not be deallocated: it keeps running and costing money. Deallocate it on the Cloud screen.', error });
    expect(failed?.cost).toContain('so far');
  });
});
