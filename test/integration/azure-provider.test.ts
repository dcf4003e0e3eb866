/**
 * The Azure provider with the real SDK clients (@azure/arm-compute, -network,
 * -resources-subscriptions, @azure/identity's Azure CLI credential) against the local ARM
 * endpoint over HTTPS, trusted through NODE_EXTRA_CA_CERTS, with the `az` stand-in on PATH.
 */
import { request } from 'node:https';
import { ComputeManagementClient } from '@azure/arm-compute';
import { AzureCliCredential } from '@azure/identity';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudMachine, MachineState } from '../../main/cloud/provider';
import { createAzureProvider, listAzureSubscriptions } from '../../main/cloud/azure';
import { PortholeError } from '../../main/shared/errors';
import type { StandInVmSpec } from '../env/arm-endpoint';
import { loopbackVm, startAzureStandIn, type AzureStandIn } from '../env/azure-stand-in';

const CLASS: readonly StandInVmSpec[] = [
  { resourceGroup: 'course-rg', name: 'dsvm-01', power: 'running', size: 'Standard_NC6s_v3', adminUsername: 'student', image: { publisher: 'microsoft-dsvm', offer: 'ubuntu-2204', sku: '2204-gen2' }, publicIp: { allocation: 'Static', address: '198.51.100.7', domainNameLabel: 'dsvm-01-course' }, privateIp: '10.0.0.5' },
  { resourceGroup: 'course-rg', name: 'hub', power: 'stopped', tags: { JupyterHub: 'TLJH' }, publicIp: { allocation: 'Static', address: '198.51.100.8' } },
  { resourceGroup: 'course-rg', name: 'student-01', power: 'deallocated', publicIp: { allocation: 'Dynamic' } },
  { resourceGroup: 'course-rg', name: 'student-02', power: 'deallocated', publicIp: null, privateIp: '10.0.0.9' },
  { resourceGroup: 'other-rg', name: 'win-01', power: 'running', osType: 'Windows', image: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-g2' } },
];

let azure: AzureStandIn | null = null;
afterEach(async () => {
  await azure?.close();
  azure = null;
});

async function standIn(vms: readonly StandInVmSpec[] = CLASS, options: Parameters<typeof startAzureStandIn>[0] = {}): Promise<AzureStandIn> {
  azure = await startAzureStandIn({ vms, ...options });
  azure.useInThisProcess();
  return azure;
}

function provider(stand: AzureStandIn, pollIntervalMs = 1) {
  return createAzureProvider({ provider: 'azure', subscriptionId: stand.subscriptionId }, { armEndpoint: stand.arm.url, pollIntervalMs });
}

async function failure(promise: Promise<unknown>): Promise<PortholeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortholeError);
  return error as PortholeError;
}

const calls = (stand: AzureStandIn, method: string, pathPart: string) => stand.arm.requests.filter((r) => r.method === method && r.path.toLowerCase().includes(pathPart.toLowerCase()));

describe('Azure provider against the local ARM endpoint', () => {
  it('lists every VM of the subscription across pages, with power state, size, user, image and addresses', async () => {
    const stand = await standIn();
    const machines = await provider(stand).listMachines();

    expect(machines.map((m) => [m.id, m.state])).toEqual([
      ['course-rg/dsvm-01', 'running'],
      ['course-rg/hub', 'stopped'],
      ['course-rg/student-01', 'deallocated'],
      ['course-rg/student-02', 'deallocated'],
      ['other-rg/win-01', 'running'],
    ]);
    const dsvm = machines[0]!;
    expect(dsvm).toMatchObject({
      provider: 'azure',
      uniqueId: stand.arm.vm('course-rg/dsvm-01').vmId,
      name: 'dsvm-01',
      rawState: 'PowerState/running',
      instanceType: 'Standard_NC6s_v3',
      region: 'westeurope',
      publicIp: '198.51.100.7',
      publicDns: 'dsvm-01-course.westeurope.cloudapp.azure.com',
      privateIp: '10.0.0.5',
      keyName: null,
      defaultUser: 'student',
      image: 'Data Science Virtual Machine (microsoft-dsvm:ubuntu-2204:2204-gen2)',
      knownImage: 'azure-dsvm',
      platform: 'linux',
      resourceGroup: 'course-rg',
      subscriptionId: stand.subscriptionId,
    });
    expect(machines[1]).toMatchObject({ knownImage: 'tljh', defaultUser: 'azureuser', image: 'Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2' });
    expect(machines[2]).toMatchObject({ publicIp: null, privateIp: '10.0.0.6' });
    expect(machines[3]).toMatchObject({ publicIp: null, privateIp: '10.0.0.9' });
    expect(machines[4]).toMatchObject({ platform: 'windows', knownImage: null });

    // Four listings (VMs, their power states, NICs, public IPs), each followed through nextLink.
    const pages = (part: string, statusOnly: boolean) => calls(stand, 'GET', part).filter((r) => (r.query['statusOnly'] === 'true') === statusOnly);
    expect(pages('/providers/Microsoft.Compute/virtualMachines', false).map((r) => r.query['$skiptoken'] ?? '0')).toEqual(['0', '2', '4']);
    expect(pages('/providers/Microsoft.Compute/virtualMachines', true)).toHaveLength(3);
    expect(pages('/providers/Microsoft.Network/networkInterfaces', false)).toHaveLength(3);
    expect(pages('/providers/Microsoft.Network/publicIPAddresses', false)).toHaveLength(2);
    expect(stand.arm.requests).toHaveLength(11);
    expect(stand.arm.requests.every((r) => r.status === 200 && /^\d{4}-\d{2}-\d{2}$/.test(r.query['api-version'] ?? ''))).toBe(true);
    // The token came from `az account get-access-token`, asked for ARM and reused across the clients.
    expect(stand.az.calls()).toEqual([['account', 'get-access-token', '--output', 'json', '--resource', 'https://management.azure.com']]);
  });

  it('reads one VM with its instance view, then its NIC and public IP', async () => {
    const stand = await standIn();
    const machine = await provider(stand).getMachine('course-rg/dsvm-01');
    expect(machine).toMatchObject({ id: 'course-rg/dsvm-01', state: 'running', publicIp: '198.51.100.7', privateIp: '10.0.0.5', publicDns: 'dsvm-01-course.westeurope.cloudapp.azure.com' });
    expect(machine.launchedAt).toEqual(expect.any(Number));
    expect(stand.arm.requests.map((r) => `${r.method} ${r.path.split('/providers/')[1]} ${r.query['$expand'] ?? ''}`.trim())).toEqual([
      'GET Microsoft.Compute/virtualMachines/dsvm-01 instanceView',
      'GET Microsoft.Network/networkInterfaces/dsvm-01-nic',
      'GET Microsoft.Network/publicIPAddresses/dsvm-01-ip',
    ]);
    expect(await provider(stand).currentAddress('course-rg/student-02')).toBe('10.0.0.9');
  });

  it('starts a deallocated VM: 202, Azure-AsyncOperation polled to Succeeded, progress in order, a new public IP', async () => {
    const stand = await standIn();
    stand.arm.nextPublicIp('course-rg/student-01', '127.0.0.2');
    const seen: CloudMachine[] = [];
    const started = await provider(stand).start('course-rg/student-01', { onProgress: (m) => seen.push(m) });

    expect(started).toMatchObject({ state: 'running', publicIp: '127.0.0.2', rawState: 'PowerState/running' });
    expect(seen.map((m) => m.state)).toEqual<MachineState[]>(['pending', 'running']);
    expect(seen[0]!.publicIp).toBeNull();
    const post = calls(stand, 'POST', '/student-01/start');
    expect(post.map((r) => [r.status, r.query['api-version']])).toEqual([[202, '2026-04-01']]);
    const polls = calls(stand, 'GET', '/operations/');
    expect(polls.filter((r) => r.query['monitor'] !== 'true').length).toBeGreaterThanOrEqual(1);
    // After Succeeded, the final result is read from the Location header's URL.
    expect(polls.at(-1)).toMatchObject({ status: 200, query: expect.objectContaining({ monitor: 'true' }) });
    expect(stand.arm.vm('course-rg/student-01').power).toBe('running');
  });

  it('waits for a dynamic public IP that gets its address after the VM runs, instead of settling for the private one', async () => {
    const stand = await standIn();
    stand.arm.lateAddressAtNextStart('course-rg/student-01');
    const seen: [MachineState, string | null][] = [];
    const started = await provider(stand).start('course-rg/student-01', { onProgress: (m) => seen.push([m.state, m.publicIp]) });
    expect(started.publicIp).toMatch(/^203\.0\.113\.\d+$/);
    expect(seen).toEqual([
      ['pending', null],
      ['running', null],
      ['running', started.publicIp],
    ]);
  });

  it('deallocates (stop never leaves a VM billing): progress deallocating -> deallocated, its dynamic IP released', async () => {
    const stand = await standIn([{ resourceGroup: 'course-rg', name: 'student-01', power: 'running', publicIp: { allocation: 'Dynamic', address: '203.0.113.99' } }]);
    const seen: MachineState[] = [];
    const stopped = await provider(stand).stop('course-rg/student-01', { onProgress: (m) => seen.push(m.state) });
    expect(stopped).toMatchObject({ state: 'deallocated', rawState: 'PowerState/deallocated', publicIp: null });
    expect(seen).toEqual<MachineState[]>(['deallocating', 'deallocated']);
    expect(calls(stand, 'POST', '/student-01/deallocate').map((r) => r.status)).toEqual([202]);
    expect(calls(stand, 'POST', '/powerOff')).toEqual([]);
  });

  it('the loopback VM runs at 127.0.0.1, and after a restart on demand at 127.0.0.2, with the same identity', async () => {
    const stand = await standIn([loopbackVm({ adminUsername: 'porthole-test' })]);
    const azureVm = provider(stand);
    const first = await azureVm.start('course-rg/loopback-vm');
    expect(first).toMatchObject({ publicIp: '127.0.0.1', defaultUser: 'porthole-test' });
    await azureVm.stop('course-rg/loopback-vm');
    stand.arm.nextPublicIp('course-rg/loopback-vm', '127.0.0.2');
    const second = await azureVm.start('course-rg/loopback-vm');
    expect(second).toMatchObject({ publicIp: '127.0.0.2', uniqueId: first.uniqueId });
    expect(await azureVm.currentAddress('course-rg/loopback-vm')).toBe('127.0.0.2');
  });

  it('start without waiting answers "starting" at once; waitUntilRunning then sees it run', async () => {
    const stand = await standIn();
    const azureVm = provider(stand);
    const accepted = await azureVm.start('course-rg/hub', { wait: false });
    expect(accepted.state).toBe('pending');
    const running = await azureVm.waitUntilRunning('course-rg/hub');
    expect(running).toMatchObject({ state: 'running', publicIp: '198.51.100.8' });
  });

  it('lists the subscriptions the account can see, across pages', async () => {
    const stand = await standIn([], {
      subscriptions: [
        { subscriptionId: 'c0ffee00-0000-4000-8000-000000000001', displayName: 'Data Science course', tenantId: 't1' },
        { subscriptionId: 'c0ffee00-0000-4000-8000-000000000002', displayName: 'Azure for Students', tenantId: 't1', state: 'Disabled' },
        { subscriptionId: 'c0ffee00-0000-4000-8000-000000000003', displayName: 'Lab', tenantId: 't2' },
      ],
    });
    const subscriptions = await listAzureSubscriptions({ armEndpoint: stand.arm.url });
    expect(subscriptions).toEqual([
      { subscriptionId: 'c0ffee00-0000-4000-8000-000000000002', displayName: 'Azure for Students', tenantId: 't1', state: 'Disabled' },
      { subscriptionId: 'c0ffee00-0000-4000-8000-000000000001', displayName: 'Data Science course', tenantId: 't1', state: 'Enabled' },
      { subscriptionId: 'c0ffee00-0000-4000-8000-000000000003', displayName: 'Lab', tenantId: 't2', state: 'Enabled' },
    ]);
    expect(calls(stand, 'GET', '/subscriptions').map((r) => [r.query['api-version'], r.query['$skiptoken'] ?? '0'])).toEqual([
      ['2022-12-01', '0'],
      ['2022-12-01', '2'],
    ]);
  });
});

describe('Azure failures, classified', () => {
  it('a 401 ExpiredAuthenticationToken from ARM is azure.credentials-expired: run `az login` again', async () => {
    const stand = await standIn();
    stand.arm.expireToken();
    const error = await failure(provider(stand).listMachines());
    expect(error).toMatchObject({ code: 'azure.credentials-expired', retryable: false });
    expect(error.hint).toContain('az login');
    expect(stand.arm.requests.some((r) => r.status === 401)).toBe(true);
  });

  it('the Azure CLI logged out is azure.login-required; its refresh token expired is azure.credentials-expired', async () => {
    const stand = await standIn(CLASS, { login: 'logged-out' });
    const loggedOut = await failure(provider(stand).listMachines());
    expect(loggedOut).toMatchObject({ code: 'azure.login-required', message: 'Porthole is not signed in to Azure.', hint: 'Run `az login`, or sign in from Porthole.' });

    stand.az.setState('expired');
    const expired = await failure(provider(stand).getMachine('course-rg/hub'));
    expect(expired).toMatchObject({ code: 'azure.credentials-expired', message: 'Your Azure sign-in has expired (AADSTS700082).' });
    expect(stand.arm.requests).toEqual([]);
  });

  it('a VM that is not there is cloud.machine-not-found; an unknown subscription azure.not-found', async () => {
    const stand = await standIn();
    expect(await failure(provider(stand).getMachine('course-rg/nope'))).toMatchObject({ code: 'cloud.machine-not-found' });
    expect(await failure(provider(stand).start('gone-rg/nope'))).toMatchObject({ code: 'cloud.machine-not-found' });
    const elsewhere = createAzureProvider({ provider: 'azure', subscriptionId: 'c0ffee00-0000-4000-8000-0000000000ff' }, { armEndpoint: stand.arm.url });
    expect(await failure(elsewhere.listMachines())).toMatchObject({ code: 'azure.not-found' });
  });

  it('a missing role is azure.forbidden, naming the action and the role that grants it', async () => {
    const stand = await standIn();
    stand.arm.deny('Microsoft.Compute/virtualMachines/start/action');
    const error = await failure(provider(stand).start('course-rg/hub'));
    expect(error.code).toBe('azure.forbidden');
    expect(error.message).toContain('Microsoft.Compute/virtualMachines/start/action');
    expect(error.hint).toContain('Virtual Machine Contributor');
    expect(stand.arm.vm('course-rg/hub').power).toBe('stopped');
  });

  it('a start that Azure fails (AllocationFailed) is azure.capacity, and the VM stays deallocated', async () => {
    const stand = await standIn();
    stand.arm.failNextStart('course-rg/student-01', 'AllocationFailed', 'Allocation failed. We do not have sufficient capacity for the requested VM size in this region.');
    const error = await failure(provider(stand).start('course-rg/student-01'));
    expect(error).toMatchObject({ code: 'azure.capacity', retryable: true });
    expect(stand.arm.vm('course-rg/student-01').power).toBe('deallocated');
  });

  it('an abort while waiting for a start is cloud.cancelled, and Porthole stops polling', async () => {
    const stand = await standIn([{ resourceGroup: 'course-rg', name: 'slow', power: 'deallocated' }], { ticksPerStep: 1_000 });
    const controller = new AbortController();
    const pending = provider(stand, 5).start('course-rg/slow', {
      signal: controller.signal,
      onProgress: (m) => {
        if (m.state === 'pending') controller.abort();
      },
    });
    expect(await failure(pending)).toMatchObject({ code: 'cloud.cancelled' });
    const count = stand.arm.requests.length;
    expect(stand.arm.vm('course-rg/slow').power).toBe('starting');
    // Nothing keeps polling after the abort: one more (unrelated) call is the only new request.
    await provider(stand).getMachine('course-rg/slow');
    expect(stand.arm.requests.length).toBe(count + 3);
  });

  it('the endpoint also answers VirtualMachines_List, _InstanceView and _PowerOff the way the SDK expects', async () => {
    const stand = await standIn();
    const compute = new ComputeManagementClient(new AzureCliCredential(), stand.subscriptionId, { endpoint: stand.arm.url });
    const inGroup: string[] = [];
    for await (const vm of compute.virtualMachines.list('course-rg')) inGroup.push(vm.name ?? '');
    expect(inGroup).toEqual(['dsvm-01', 'hub', 'student-01', 'student-02']);
    const view = await compute.virtualMachines.instanceView('course-rg', 'dsvm-01');
    expect(view.statuses?.map((status) => status.code)).toEqual(['ProvisioningState/succeeded', 'PowerState/running']);
    await compute.virtualMachines.powerOff('course-rg', 'dsvm-01', { updateIntervalInMs: 1 });
    expect(stand.arm.vm('course-rg/dsvm-01').power).toBe('stopped');
    // A plain power-off keeps the VM allocated: Porthole's own stop never does this.
    expect((await provider(stand).getMachine('course-rg/dsvm-01')).state).toBe('stopped');
  });

  it('the endpoint refuses a request without or with an unknown api-version, as ARM does', async () => {
    const stand = await standIn();
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${stand.arm.url}${path}`, { headers: { authorization: `Bearer ${stand.arm.accessToken}` } }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const vms = `/subscriptions/${stand.subscriptionId}/providers/Microsoft.Compute/virtualMachines`;
    expect(await get(vms)).toMatchObject({ status: 400, body: expect.stringContaining('MissingApiVersionParameter') });
    expect(await get(`${vms}?api-version=2099-01-01`)).toMatchObject({ status: 400, body: expect.stringContaining('NoRegisteredProviderFound') });
    expect(await get(`${vms}?api-version=2024-07-01`)).toMatchObject({ status: 200 });
  });
});
