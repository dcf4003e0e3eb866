/**
 * The pure parts of the desktop's cloud side: accounts and machines in the Cloud screen's
 * words, the saved hosts linked to a machine, the VMs Porthole started and what they cost,
 * "Add as host" filling in a profile, and the Azure sign-in prompt's life.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { accountKey, accountViewOf, cloudAccountOf, hostsLinkedTo, machineKey, machineView } from '../../main/app/cloud-accounts';
import { AzureSignInPrompt, AZURE_SIGN_IN_PROMPT_HOST, SIGN_IN_WAIT_MS } from '../../main/app/azure-sign-in-prompt';
import { hostFromMachine, hubOfImage, uniqueName } from '../../main/app/host-from-machine';
import { runningFor, totalCost, usd } from '../../main/app/money';
import { commandOnPath } from '../../main/app/on-path';
import { PromptBroker } from '../../main/app/prompt-broker';
import { StartedMachines } from '../../main/app/started-machines';
import type { CloudAccount, CloudMachine } from '../../main/cloud/provider';
import type { CloudAccountView, PromptView, StartedMachineView } from '../../main/ipc/contract';
import { validateProfile } from '../../main/profiles';
import { sshBannerOn } from '../../main/ssh/banner-probe';

const AWS: CloudAccount = { provider: 'aws', profile: 'course', region: 'eu-central-1' };
const AWS_VAULT: CloudAccount = { provider: 'aws', profile: null, region: 'eu-central-1', vaultCredential: 'student' };
const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const AZURE: CloudAccount = { provider: 'azure', subscriptionId: SUB };

function ec2(patch: Partial<CloudMachine> = {}): CloudMachine {
  return {
    provider: 'aws',
    id: 'i-0123456789abcdef0',
    uniqueId: 'i-0123456789abcdef0',
    name: 'gpu-box',
    state: 'stopped',
    rawState: 'stopped',
    instanceType: 'g4dn.xlarge',
    region: 'eu-central-1',
    publicIp: null,
    publicDns: null,
    privateIp: '172.31.4.17',
    privateDns: null,
    keyName: 'Course-Key',
    defaultUser: 'ubuntu',
    image: 'Ubuntu 22.04',
    knownImage: null,
    platform: 'linux',
    launchedAt: 1_000,
    resourceGroup: null,
    subscriptionId: null,
    ...patch,
  };
}

function azureVm(patch: Partial<CloudMachine> = {}): CloudMachine {
  return ec2({ provider: 'azure', id: 'course-rg/dsvm-01', uniqueId: '6f1c1d7e-0000-4000-8000-000000000001', name: 'dsvm-01', instanceType: 'Standard_NC4as_T4_v3', region: 'westeurope', keyName: null, defaultUser: 'azureuser', knownImage: 'azure-dsvm', resourceGroup: 'course-rg', subscriptionId: SUB, ...patch });
}

describe('cloud accounts', () => {
  it('the screen\'s account and the engine\'s are the same thing in two spellings', () => {
    const views: CloudAccountView[] = [
      { provider: 'aws', profile: 'course', vaultCredential: null, region: 'eu-central-1' },
      { provider: 'aws', profile: null, vaultCredential: 'student', region: 'us-east-1' },
      { provider: 'azure', subscriptionId: SUB, tenantId: null },
      { provider: 'azure', subscriptionId: SUB, tenantId: '5f0c6c2a-0000-4000-8000-00000000a2e0' },
    ];
    for (const view of views) expect(accountViewOf(cloudAccountOf(view))).toEqual(view);
    expect(cloudAccountOf(views[1]!)).toEqual({ provider: 'aws', profile: null, region: 'us-east-1', vaultCredential: 'student' });
  });

  it('caches per credentials and region (AWS) or subscription and directory (Azure); a machine is one machine whatever reaches it', () => {
    expect(accountKey(AWS)).not.toBe(accountKey(AWS_VAULT));
    expect(accountKey(AWS)).not.toBe(accountKey({ ...AWS, region: 'us-east-1' }));
    expect(accountKey(AZURE)).toBe(accountKey({ provider: 'azure', subscriptionId: SUB.toUpperCase() }));
    expect(machineKey(AWS, 'i-0123456789abcdef0')).toBe(machineKey(AWS_VAULT, 'i-0123456789abcdef0'));
    expect(machineKey(AZURE, 'Course-RG/DSVM-01')).toBe(machineKey(AZURE, 'course-rg/dsvm-01'));
  });

  it('finds the saved hosts that are a machine, and only those', () => {
    const profiles = [
      validateProfile({ name: 'gpu', cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', vaultCredential: 'student' } }),
      validateProfile({ name: 'gpu elsewhere', cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'us-east-1' } }),
      validateProfile({ name: 'dsvm', cloud: { provider: 'azure', subscriptionId: SUB, resourceGroup: 'Course-RG', vmName: 'dsvm-01' } }),
      validateProfile({ name: 'plain', host: '203.0.113.7' }),
    ];
    expect(hostsLinkedTo(profiles, AWS, 'i-0123456789abcdef0')).toEqual(['gpu']);
    expect(hostsLinkedTo(profiles, AZURE, 'course-rg/dsvm-01')).toEqual(['dsvm']);
    expect(hostsLinkedTo(profiles, AWS, 'i-0fedcba9876543210')).toEqual([]);
  });

  it('shows a machine with its price estimate, whether it bills, and what Porthole knows of it', () => {
    expect(machineView(ec2({ state: 'running', rawState: 'running', publicIp: '203.0.113.9' }), { hosts: ['gpu'], startedByPorthole: true, busy: null })).toMatchObject({
      id: 'i-0123456789abcdef0',
      state: 'running',
      billsCompute: true,
      price: { usdPerHour: 0.658, asOf: expect.any(String) },
      hosts: ['gpu'],
      startedByPorthole: true,
      busy: null,
    });
    expect(machineView(azureVm({ state: 'stopped', rawState: 'PowerState/stopped' }), { hosts: [], startedByPorthole: false, busy: 'stopping' })).toMatchObject({ billsCompute: true, busy: 'stopping', knownImage: 'azure-dsvm' });
    expect(machineView(azureVm({ state: 'deallocated' }), { hosts: [], startedByPorthole: false, busy: null }).billsCompute).toBe(false);
    expect(machineView(ec2({ instanceType: 'x9.unknown' }), { hosts: [], startedByPorthole: false, busy: null }).price).toBeNull();
  });
});

describe('the VMs Porthole started', () => {
  function registry() {
    let now = 0;
    const changes: StartedMachineView[][] = [];
    const started = new StartedMachines(() => now, (machines) => changes.push(machines));
    return { started, changes, at: (t: number) => (now = t) };
  }

  it('lists each with its cost so far, which grows with the clock; a stop takes it out; each change is reported once', () => {
    const { started, changes, at } = registry();
    started.started(AWS, ec2({ state: 'pending' }), null, 0);
    at(30 * 60_000);
    started.started(AZURE, azureVm({ state: 'running' }), 'dsvm', null);
    at(60 * 60_000);
    expect(started.views()).toEqual([
      { provider: 'aws', id: 'i-0123456789abcdef0', name: 'gpu-box', account: { provider: 'aws', profile: 'course', vaultCredential: null, region: 'eu-central-1' }, host: null, runningSince: 0, price: { usdPerHour: 0.658, asOf: expect.any(String) }, costSoFar: 0.658 },
      { provider: 'azure', id: 'course-rg/dsvm-01', name: 'dsvm-01', account: { provider: 'azure', subscriptionId: SUB, tenantId: null }, host: 'dsvm', runningSince: 30 * 60_000, price: { usdPerHour: expect.any(Number), asOf: expect.any(String) }, costSoFar: expect.any(Number) },
    ]);
    expect(started.views()[1]!.costSoFar).toBeCloseTo(started.views()[1]!.price!.usdPerHour / 2, 6);
    // Seen again by a session of its host: keeps its start, gains the host.
    started.started(AWS_VAULT, ec2({ state: 'running' }), 'gpu', 50 * 60_000);
    expect(started.views()[0]).toMatchObject({ host: 'gpu', runningSince: 0 });
    // Seen again with nothing new: no change reported.
    started.started(AWS, ec2({ state: 'running' }), 'gpu', null);
    started.stopped(AWS, 'i-0123456789abcdef0');
    started.stopped(AWS, 'i-0123456789abcdef0');
    expect(changes.map((c) => c.map((m) => `${m.name}:${m.host}`))).toEqual([['gpu-box:null'], ['gpu-box:null', 'dsvm-01:dsvm'], ['gpu-box:gpu', 'dsvm-01:dsvm'], ['dsvm-01:dsvm']]);
    expect(started.has(AZURE, 'course-rg/dsvm-01')).toBe(true);
    expect(started.list()).toEqual([{ account: { provider: 'azure', subscriptionId: SUB, tenantId: null }, id: 'course-rg/dsvm-01', name: 'dsvm-01' }]);
  });

  it('a type without a price has no cost, not a zero one', () => {
    const { started } = registry();
    started.started(AWS, ec2({ instanceType: 'x9.unknown' }), null, 0);
    expect(started.views()[0]).toMatchObject({ price: null, costSoFar: null });
  });
});

describe('Add as host', () => {
  const options = { takenNames: ['gpu-box', 'GPU-BOX (2)'], vaultKeys: ['laptop', 'course-key'] };

  it('fills in the login, the key named like the key pair (any case), a unique name and the link; no fixed address', () => {
    const input = hostFromMachine(AWS, ec2({ state: 'running', publicIp: '203.0.113.9' }), options);
    expect(input).toEqual({
      name: 'gpu-box (3)',
      port: 22,
      user: 'ubuntu',
      key: { kind: 'vault', name: 'course-key' },
      jupyter: {},
      cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', profile: 'course', lastSeenAddress: '203.0.113.9' },
    });
    const profile = validateProfile(input);
    expect(profile.host).toBeUndefined();
    expect(profile.jupyter).toEqual({ flavour: 'auto', env: { kind: 'auto' }, auth: 'token', stopOnDisconnect: false });
  });

  it('a name given is kept as given; no matching key and no guessed user leave them out; a stopped VM has no address to show; a vault key account is linked as such', () => {
    const input = hostFromMachine(AWS_VAULT, ec2({ keyName: 'other', defaultUser: null }), { ...options, name: '  my gpu ' });
    expect(input).toEqual({ name: 'my gpu', port: 22, jupyter: {}, cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', vaultCredential: 'student' } });
  });

  it('opens the hub of the Data Science VM (https, 8000) and of The Littlest JupyterHub (http, 80); an Azure link names group and VM', () => {
    const dsvm = validateProfile(hostFromMachine({ ...AZURE, tenantId: '5f0c6c2a-0000-4000-8000-00000000a2e0' }, azureVm(), options));
    expect(dsvm).toMatchObject({ name: 'dsvm-01', user: 'azureuser', jupyter: { hub: { port: 8000, scheme: 'https' } } });
    expect(dsvm.cloud).toEqual({ provider: 'azure', subscriptionId: SUB, resourceGroup: 'course-rg', vmName: 'dsvm-01', tenantId: '5f0c6c2a-0000-4000-8000-00000000a2e0', stopVmOnDisconnect: false });
    expect(hostFromMachine(AZURE, azureVm({ knownImage: 'tljh' }), options).jupyter).toEqual({ hub: { port: 80, scheme: 'http' } });
    expect(hubOfImage('aws-deep-learning')).toBeNull();
  });

  it('a terminated machine cannot be added; a name with control characters is cleaned', () => {
    expect(() => hostFromMachine(AWS, ec2({ state: 'terminated' }), options)).toThrow(expect.objectContaining({ code: 'cloud.machine-terminated' }));
    expect(hostFromMachine(AWS, ec2({ name: ' lab\tbox\n ' }), options).name).toBe('lab box');
    expect(uniqueName('a', [])).toBe('a');
    expect(uniqueName('a', ['A', 'a (2)'])).toBe('a (3)');
  });
});

describe('the Azure sign-in prompt', () => {
  function world() {
    const shown: PromptView[][] = [];
    const broker = new PromptBroker({ timeoutMs: () => 1_000, onChange: (p) => shown.push(p), now: () => 0 });
    let cancels = 0;
    const prompt = new AzureSignInPrompt(broker, () => cancels++);
    return { broker, prompt, shown, cancels: () => cancels };
  }
  const code = { kind: 'device-code', url: 'https://microsoft.com/devicelogin', code: 'F7K2QZX9P', message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code F7K2QZX9P to authenticate.' } as const;

  it('shows the browser step, then the device code in its place, and withdraws it once signed in', async () => {
    const { broker, prompt, shown, cancels } = world();
    prompt.step({ kind: 'browser' });
    expect(broker.list()).toEqual([expect.objectContaining({ host: AZURE_SIGN_IN_PROMPT_HOST, expiresAt: SIGN_IN_WAIT_MS, detail: expect.objectContaining({ kind: 'cloud-sign-in', method: 'browser', url: null, code: null }) })]);
    prompt.step(code);
    expect(broker.list()).toEqual([expect.objectContaining({ detail: { kind: 'cloud-sign-in', provider: 'azure', method: 'device-code', url: code.url, code: code.code, message: code.message } })]);
    prompt.step({ kind: 'signed-in', method: 'device-code' });
    expect(broker.list()).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(cancels()).toBe(0);
    expect(shown.map((p) => p.map((q) => q.detail.kind === 'cloud-sign-in' && q.detail.method))).toEqual([['browser'], [], ['device-code'], []]);
  });

  it('Cancel in the window cancels the sign-in; a sign-in that ended by itself closes the prompt', async () => {
    const { broker, prompt, cancels } = world();
    prompt.step(code);
    broker.cancel(broker.list()[0]!.id);
    await new Promise((r) => setImmediate(r));
    expect(cancels()).toBe(1);
    prompt.step(code);
    prompt.close();
    await new Promise((r) => setImmediate(r));
    expect(broker.list()).toEqual([]);
    expect(cancels()).toBe(1);
  });
});

describe('small helpers', () => {
  it('says money to the cent and running times in hours and minutes', () => {
    expect([usd(1.316), usd(0.004), usd(0), usd(null)]).toEqual(['$1.32', '<$0.01', '$0.00', 'cost unknown']);
    expect([runningFor(30_000), runningFor(45 * 60_000), runningFor(125 * 60_000)]).toEqual(['less than a minute', '45 min', '2 h 05 min']);
    expect([totalCost([1, null, 2]), totalCost([null])]).toEqual([3, null]);
  });

  it('reads an SSH greeting from any stream, after other lines; anything else is no', async () => {
    const greeting = new PassThrough();
    const answered = sshBannerOn(greeting);
    greeting.write('Welcome\r\nSSH-2.0-OpenSSH_9.2p1 Debian\r\n');
    expect(await answered).toBe(true);
    expect(greeting.destroyed).toBe(true);
    const http = new PassThrough();
    const refused = sshBannerOn(http);
    http.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    expect(await refused).toBe(false);
    const controller = new AbortController();
    const silent = sshBannerOn(new PassThrough(), { signal: controller.signal });
    controller.abort();
    expect(await silent).toBe(false);
  });

  it('finds a command on PATH only as an executable file (PATHEXT endings on Windows)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'on-path-'));
    writeFileSync(join(dir, 'az'), '#!/bin/sh\n');
    writeFileSync(join(dir, 'notexec'), '');
    writeFileSync(join(dir, 'az.CMD'), '');
    chmodSync(join(dir, 'az'), 0o755);
    expect(await commandOnPath('az', { PATH: `/nonexistent:${dir}` }, 'linux')).toBe(true);
    expect(await commandOnPath('notexec', { PATH: dir }, 'linux')).toBe(false);
    expect(await commandOnPath('az', { PATH: '/nonexistent' }, 'linux')).toBe(false);
    expect(await commandOnPath('az', { Path: `C:\\nowhere;${dir}`, PATHEXT: '.EXE;.CMD' }, 'win32')).toBe(true);
  });
});
