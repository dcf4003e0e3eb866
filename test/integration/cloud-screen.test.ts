/**
 * The Cloud screen's commands in the real desktop service, with the real SDK clients against
 * the EC2 stand-in (Query API, SigV4 checked) and the ARM stand-in (HTTPS, the `az` stand-in
 * handing out its token), and a real Secret Service behind the vault: accounts and vault
 * keys, machines with prices and linked hosts, start and stop with their progress events,
 * Add as host, the VMs Porthole started and what they cost, and the Azure sign-in as a
 * prompt.
 *
 * The Azure sign-in without `az login`: the real Azure CLI credential (the `az` stand-in,
 * logged out), then the real device-code credential (MSAL underneath) against a local Entra
 * ID (test/env/entra-endpoint.ts: OpenID discovery, /devicecode, /token polling); only its
 * authority host is given, through the credential factory the sign-in chain takes.
 */
import { AzureCliCredential } from '@azure/identity';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CloudOptions } from '../../main/app/cloud-providers';
import { deviceCodeCredential } from '../../main/cloud/azure/credentials';
import type { CloudAccountView, CloudMachineView, PromptView, StartedMachineView } from '../../main/ipc/contract';
import { PortholeError } from '../../main/shared/errors';
import { startAzureStandIn, type AzureStandIn } from '../env/azure-stand-in';
import { startEntraEndpoint, type EntraEndpoint } from '../env/entra-endpoint';
import { EXAMPLE_CREDENTIAL, KNOWN_IMAGES, startEc2Endpoint, type Ec2Endpoint, type InstanceSeed } from '../env/ec2-endpoint';
import { makeDir } from '../env/run-dir';
import { waitFor } from '../env/wait';
import { callCommand, desktopTestKit, keepProcessEnv, useTestKeyring, type DesktopHarness } from '../support/desktop-harness';

const REGION = 'eu-central-1';
const STUDENT_KEY = { accessKeyId: 'AKIASTUDENTEXAMPLE01', secretAccessKey: 'studentSecretKeyExample/0123456789abcdef' };
const GPU = 'i-0a11c0ffee0000001';

useTestKeyring();
keepProcessEnv();
const kit = desktopTestKit();
const call = callCommand;

async function failure(promise: Promise<unknown>): Promise<PortholeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PortholeError);
  return error as PortholeError;
}

const desktop = (cloud: CloudOptions = {}): Promise<DesktopHarness> => kit.desktop({ cloud });

/** The machine-changed events of one machine, as `state:busy`, without repeats. */
function machineTrail(d: DesktopHarness, id: string, from = 0): string[] {
  const trail: string[] = [];
  for (const { event, payload } of d.events.slice(from)) {
    if (event !== 'cloud:machine-changed') continue;
    const machine = (payload as { machine: CloudMachineView }).machine;
    if (machine.id !== id) continue;
    const step = `${machine.state}:${machine.busy ?? '-'}`;
    if (trail.at(-1) !== step) trail.push(step);
  }
  return trail;
}

function startedEvents(d: DesktopHarness): StartedMachineView[][] {
  return d.events.filter((e) => e.event === 'cloud:started-changed').map((e) => (e.payload as { machines: StartedMachineView[] }).machines);
}

describe('AWS on the Cloud screen', () => {
  let ec2: Ec2Endpoint;

  /**
   * A user with one AWS CLI profile (`course`, the documentation's example key) and nothing
   * else of this machine's AWS setup; the EC2 stand-in reached as the AWS CLI would be.
   */
  async function awsWorld(instances: readonly InstanceSeed[], cloud: CloudOptions = {}): Promise<{ d: DesktopHarness; course: CloudAccountView; student: CloudAccountView }> {
    ec2 = await startEc2Endpoint({ region: REGION, credentials: [EXAMPLE_CREDENTIAL, STUDENT_KEY], images: [KNOWN_IMAGES.ubuntu, KNOWN_IMAGES.deepLearning], instances });
    kit.defer(() => ec2.stop());
    const aws = makeDir('aws');
    writeFileSync(join(aws, 'config'), '[profile course]\nregion = eu-central-1\n');
    writeFileSync(join(aws, 'credentials'), `[course]\naws_access_key_id = ${EXAMPLE_CREDENTIAL.accessKeyId}\naws_secret_access_key = ${EXAMPLE_CREDENTIAL.secretAccessKey}\n`);
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    Object.assign(process.env, {
      ...ec2.env(),
      AWS_CONFIG_FILE: join(aws, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    const d = await desktop({ aws: { pollIntervalMs: 20, ...cloud.aws } });
    return { d, course: { provider: 'aws', profile: 'course', vaultCredential: null, region: REGION }, student: { provider: 'aws', profile: null, vaultCredential: 'student', region: REGION } };
  }

  it('lists the AWS CLI profiles, the regions and the keys kept in the vault (name and masked id); the secret never leaves main', async () => {
    const { d } = await awsWorld([]);
    expect(await call(d, 'cloud:save-aws-credential', { name: 'student', ...STUDENT_KEY })).toEqual({ name: 'student', accessKeyId: 'AKIA…LE01' });
    expect((await failure(call(d, 'cloud:save-aws-credential', { name: 'student', ...STUDENT_KEY }))).code).toBe('aws.credential-exists');
    const accounts = await call(d, 'cloud:accounts', {});
    expect(accounts.aws).toMatchObject({
      profiles: [{ name: 'course', kind: 'access-key', region: 'eu-central-1' }],
      defaultProfile: null,
      environmentCredentials: false,
      vaultCredentials: [{ name: 'student', accessKeyId: 'AKIA…LE01' }],
      defaultRegion: null,
    });
    expect(accounts.aws.regions).toContainEqual({ id: 'eu-central-1', name: 'Europe (Frankfurt)' });
    expect(JSON.stringify(accounts) + d.allEventText()).not.toContain(STUDENT_KEY.secretAccessKey);

    // A key a host uses stays until the host is linked elsewhere.
    await call(d, 'hosts:save', { originalName: null, host: { name: 'gpu', host: '', cloud: { provider: 'aws', instanceId: GPU, region: REGION, vaultCredential: 'student' } } });
    expect(await failure(call(d, 'cloud:remove-aws-credential', { name: 'student' }))).toMatchObject({ code: 'aws.credential-in-use', message: 'The AWS access key "student" is used by "gpu".' });
    await call(d, 'hosts:remove', { name: 'gpu' });
    await call(d, 'cloud:remove-aws-credential', { name: 'student' });
    expect((await call(d, 'cloud:accounts', {})).aws.vaultCredentials).toEqual([]);
  });

  it('lists every instance, page after page, with its price estimate and the saved hosts linked to it', async () => {
    const others = Array.from({ length: 6 }, (_, i): InstanceSeed => ({ id: `i-0b0000000000000${i + 1}`, name: `student-${i + 1}`, state: 'stopped', instanceType: 't3.medium', imageId: KNOWN_IMAGES.ubuntu.imageId }));
    const { d, course, student } = await awsWorld([{ id: GPU, name: 'gpu-box', state: 'stopped', instanceType: 'g4dn.xlarge', imageId: KNOWN_IMAGES.deepLearning.imageId, keyName: 'course-key' }, ...others], { aws: { pageSize: 5 } });
    await call(d, 'cloud:save-aws-credential', { name: 'student', ...STUDENT_KEY });
    // A host linked through another credential of the same account is the same machine.
    await call(d, 'hosts:save', { originalName: null, host: { name: 'my gpu', host: '', cloud: { provider: 'aws', instanceId: GPU, region: REGION, vaultCredential: 'student' } } });
    const mark = ec2.requests.length;
    const machines = await call(d, 'cloud:list-machines', { account: course });
    expect(machines.map((m) => m.name)).toEqual(['gpu-box', ...others.map((o) => o.name)]);
    expect(machines[0]).toMatchObject({
      provider: 'aws',
      id: GPU,
      state: 'stopped',
      billsCompute: false,
      instanceType: 'g4dn.xlarge',
      region: REGION,
      keyName: 'course-key',
      defaultUser: 'ubuntu',
      knownImage: 'aws-deep-learning',
      price: { usdPerHour: 0.658, asOf: expect.any(String) },
      hosts: ['my gpu'],
      startedByPorthole: false,
      busy: null,
    });
    expect(machines[1]).toMatchObject({ price: { usdPerHour: 0.048 }, hosts: [] });
    // Seven instances at five a page: two DescribeInstances pages, signed with the profile's key.
    const pages = ec2.requests.slice(mark).filter((r) => r.action === 'DescribeInstances');
    expect(pages.map((r) => [r.params['MaxResults'], r.params['NextToken'] === undefined ? 'first' : 'next', r.accessKeyId])).toEqual([
      ['5', 'first', EXAMPLE_CREDENTIAL.accessKeyId],
      ['5', 'next', EXAMPLE_CREDENTIAL.accessKeyId],
    ]);
    // The screen hears about each machine listed.
    expect(d.events.filter((e) => e.event === 'cloud:machine-changed').map((e) => (e.payload as { machine: CloudMachineView }).machine.name)).toEqual(machines.map((m) => m.name));
    // The vault key sees the same machines.
    expect((await call(d, 'cloud:list-machines', { account: student })).map((m) => m.id)).toEqual(machines.map((m) => m.id));
  });

  it('starts an instance with its progress in order, counts it among the VMs Porthole started with its cost, and stops it', async () => {
    const { d, course } = await awsWorld([{ id: GPU, name: 'gpu-box', state: 'stopped', instanceType: 'g4dn.xlarge', imageId: KNOWN_IMAGES.ubuntu.imageId }]);
    const started = await call(d, 'cloud:start-machine', { account: course, id: GPU });
    expect(started).toMatchObject({ id: GPU, state: 'running', billsCompute: true, publicIp: expect.stringMatching(/^203\.0\.113\./), startedByPorthole: true, busy: null });
    expect(machineTrail(d, GPU)).toEqual(['stopped:starting', 'pending:starting', 'running:starting', 'running:-']);

    const [registered] = await call(d, 'cloud:started-machines', {});
    expect(registered).toEqual({
      provider: 'aws',
      id: GPU,
      name: 'gpu-box',
      account: course,
      host: null,
      runningSince: expect.any(Number),
      price: { usdPerHour: 0.658, asOf: expect.any(String) },
      costSoFar: expect.any(Number),
    });
    expect(registered!.costSoFar).toBeGreaterThanOrEqual(0);
    expect(registered!.runningSince).toBeLessThanOrEqual(Date.now());
    expect(startedEvents(d).map((list) => list.map((m) => m.id))).toEqual([[GPU]]);
    // Starting what runs changes nothing and is not "started by Porthole" twice.
    await call(d, 'cloud:start-machine', { account: course, id: GPU });
    expect(ec2.instance(GPU).starts).toBe(1);

    const mark = d.events.length;
    const stopped = await call(d, 'cloud:stop-machine', { account: course, id: GPU });
    expect(stopped).toMatchObject({ state: 'stopped', billsCompute: false, publicIp: null, startedByPorthole: false, busy: null });
    expect(machineTrail(d, GPU, mark)).toEqual(['running:stopping', 'stopping:stopping', 'stopped:stopping', 'stopped:-']);
    expect(await call(d, 'cloud:started-machines', {})).toEqual([]);
    expect(startedEvents(d).at(-1)).toEqual([]);
    expect(ec2.instance(GPU)).toMatchObject({ state: 'stopped', starts: 1, stops: 1 });
  });

  it('a started VM the cloud shows stopped (stopped elsewhere) leaves the list at the next listing', async () => {
    const { d, course } = await awsWorld([{ id: GPU, name: 'gpu-box', state: 'stopped', instanceType: 'g4dn.xlarge' }]);
    await call(d, 'cloud:start-machine', { account: course, id: GPU });
    ec2.setState(GPU, 'stopped');
    await call(d, 'cloud:list-machines', { account: course });
    expect(await call(d, 'cloud:started-machines', {})).toEqual([]);
  });

  it('Quit with "Stop them" asks AWS to stop every VM Porthole started; "Keep them running" leaves them', async () => {
    const { d, course } = await awsWorld([
      { id: GPU, name: 'gpu-box', state: 'stopped', instanceType: 'g4dn.xlarge' },
      { id: 'i-0b00000000000001', name: 'cpu-box', state: 'stopped', instanceType: 't3.medium' },
    ]);
    await call(d, 'cloud:start-machine', { account: course, id: GPU });
    await call(d, 'cloud:start-machine', { account: course, id: 'i-0b00000000000001' });
    expect(d.service.startedMachines().map((m) => m.name).sort()).toEqual(['cpu-box', 'gpu-box']);
    await d.service.shutdown({ stopServers: false, stopVms: false });
    expect(ec2.instance(GPU).state).toBe('running');
    await d.service.shutdown({ stopServers: true, stopVms: true });
    expect([ec2.instance(GPU).stops, ec2.instance('i-0b00000000000001').stops]).toEqual([1, 1]);
    expect(d.service.startedMachines()).toEqual([]);
  });

  it('Add as host fills in the login from the image and the key named like the key pair; a second one gets its own name', async () => {
    const { d, course } = await awsWorld([{ id: GPU, name: 'gpu-box', state: 'stopped', instanceType: 'g4dn.xlarge', imageId: KNOWN_IMAGES.ubuntu.imageId, keyName: 'course-key' }]);
    await call(d, 'keys:generate', { name: 'Course-Key', type: 'ed25519' });
    const host = await call(d, 'cloud:add-as-host', { account: course, id: GPU });
    expect(host).toEqual({
      name: 'gpu-box',
      // Stopped: no address yet; the cloud says where it is at each connect.
      host: '',
      port: 22,
      user: 'ubuntu',
      key: { kind: 'vault', name: 'Course-Key' },
      jumpHosts: [],
      forwards: [],
      jupyter: { flavour: 'auto', env: { kind: 'auto' }, rootDir: null, auth: 'token', localPort: null, stopOnDisconnect: false, passwordSaved: false, hub: null },
      cloud: { provider: 'aws', instanceId: GPU, region: REGION, profile: 'course', vaultCredential: null, stopVmOnDisconnect: false, idleStopMinutes: null },
    });
    expect(d.events.some((e) => e.event === 'hosts:changed')).toBe(true);
    const again = await call(d, 'cloud:add-as-host', { account: course, id: GPU });
    expect(again.name).toBe('gpu-box (2)');
    expect((await call(d, 'cloud:add-as-host', { account: course, id: GPU, name: 'Seminar GPU' })).name).toBe('Seminar GPU');
    expect((await call(d, 'cloud:list-machines', { account: course }))[0]!.hosts).toEqual(['gpu-box', 'gpu-box (2)', 'Seminar GPU']);
  });
});

describe('Azure on the Cloud screen', () => {
  const DSVM = 'course-rg/dsvm-01';

  async function azureWorld(login: 'logged-in' | 'logged-out' = 'logged-in', cloud: CloudOptions['azure'] = {}): Promise<{ azure: AzureStandIn; d: DesktopHarness; account: CloudAccountView }> {
    const azure = await startAzureStandIn({
      login,
      vms: [
        { resourceGroup: 'course-rg', name: 'dsvm-01', power: 'deallocated', size: 'Standard_NC4as_T4_v3', location: 'westeurope', adminUsername: 'student', image: { publisher: 'microsoft-dsvm', offer: 'ubuntu-2204', sku: '2204-gen2' }, publicIp: { allocation: 'Static', address: '198.51.100.7' } },
        { resourceGroup: 'course-rg', name: 'hub', power: 'running', adminUsername: 'teacher', tags: { jupyterhub: 'tljh' }, publicIp: { allocation: 'Static', address: '198.51.100.8' } },
      ],
    });
    kit.defer(() => azure.close());
    azure.useInThisProcess();
    const d = await desktop({ azure: { armEndpoint: azure.arm.url, pollIntervalMs: 20, browserAvailable: false, ...cloud } });
    return { azure, d, account: { provider: 'azure', subscriptionId: azure.subscriptionId, tenantId: null } };
  }

  it('lists the subscriptions and the VMs, knows the Data Science VM and TLJH, starts and deallocates with progress', async () => {
    const { azure, d, account } = await azureWorld();
    expect(await call(d, 'cloud:azure-subscriptions', { interactive: false })).toEqual([{ id: azure.subscriptionId, name: 'Data Science course', tenantId: azure.arm.tenantId, state: 'Enabled' }]);
    expect((await call(d, 'cloud:accounts', {})).azure).toEqual({ cliInstalled: true });
    const machines = await call(d, 'cloud:list-machines', { account });
    expect(machines.map((m) => [m.id, m.state, m.knownImage, m.defaultUser])).toEqual([
      [DSVM, 'deallocated', 'azure-dsvm', 'student'],
      ['course-rg/hub', 'running', 'tljh', 'teacher'],
    ]);
    expect(machines[0]).toMatchObject({ billsCompute: false, price: { usdPerHour: expect.any(Number) }, region: 'westeurope' });

    const starting = d.events.length;
    await call(d, 'cloud:start-machine', { account, id: DSVM });
    expect(machineTrail(d, DSVM, starting)).toEqual(['deallocated:starting', 'pending:starting', 'running:starting', 'running:-']);
    expect((await call(d, 'cloud:started-machines', {})).map((m) => m.id)).toEqual([DSVM]);
    const mark = d.events.length;
    const deallocated = await call(d, 'cloud:stop-machine', { account, id: DSVM });
    expect(deallocated).toMatchObject({ state: 'deallocated', billsCompute: false });
    expect(machineTrail(d, DSVM, mark)).toEqual(['running:stopping', 'deallocating:stopping', 'deallocated:stopping', 'deallocated:-']);
    expect(azure.arm.vm(DSVM).power).toBe('deallocated');
    expect(await call(d, 'cloud:started-machines', {})).toEqual([]);

    // Add as host: the Data Science VM's hub is opened (https, 8000), TLJH's on port 80.
    expect((await call(d, 'cloud:add-as-host', { account, id: DSVM })).jupyter.hub).toEqual({ port: 8000, scheme: 'https' });
    expect(await call(d, 'cloud:add-as-host', { account, id: 'course-rg/hub' })).toMatchObject({ name: 'hub', user: 'teacher', jupyter: { hub: { port: 80, scheme: 'http' } }, cloud: { provider: 'azure', resourceGroup: 'course-rg', vmName: 'hub' } });
  });

  /**
   * The sign-in chain's own credentials: the real Azure CLI credential (the `az` stand-in,
   * logged out), then the real device-code credential as Porthole builds it, pointed at the
   * Entra ID stand-in.
   */
  async function entraWorld(): Promise<{ azure: AzureStandIn; entra: EntraEndpoint; d: DesktopHarness; account: CloudAccountView }> {
    let entra: EntraEndpoint | null = null;
    const credentialFor: NonNullable<CloudOptions['azure']>['credentialFor'] = (method, options) => {
      if (method === 'azure-cli') return new AzureCliCredential({ processTimeoutInMs: 30_000 });
      if (method === 'device-code') return deviceCodeCredential(options, { authorityHost: entra!.url, disableInstanceDiscovery: true });
      throw new Error(`${method} was not expected: no browser here`);
    };
    const world = await azureWorld('logged-out', { credentialFor });
    entra = await startEntraEndpoint({ tenantId: world.azure.arm.tenantId, accessToken: world.azure.arm.accessToken });
    kit.defer(() => entra!.close());
    return { ...world, entra };
  }

  async function signInPrompt(d: DesktopHarness): Promise<PromptView> {
    return waitFor('the sign-in prompt', async () => (await call(d, 'prompts:list', {})).find((p) => p.detail.kind === 'cloud-sign-in'));
  }

  it('without az login: a background listing says to sign in; asked for, the device code shows as a prompt, withdrawn once signed in, and the sign-in serves every later call', async () => {
    const { azure, entra, d, account } = await entraWorld();
    expect(await failure(call(d, 'cloud:azure-subscriptions', { interactive: false }))).toMatchObject({ code: 'azure.login-required' });
    expect(await call(d, 'prompts:list', {})).toEqual([]);

    const listing = call(d, 'cloud:azure-subscriptions', { interactive: true });
    const prompt = await signInPrompt(d);
    const [code] = entra.userCodes;
    expect(prompt).toMatchObject({
      host: 'Microsoft Azure',
      detail: { kind: 'cloud-sign-in', provider: 'azure', method: 'device-code', url: 'https://microsoft.com/devicelogin', code, message: `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${code} to authenticate.` },
    });
    // Nothing to type into Porthole: an answer is refused, only Cancel fits.
    expect(await failure(Promise.resolve().then(() => call(d, 'prompts:answer', { id: prompt.id, answer: { kind: 'secret', value: code!, remember: false } })))).toMatchObject({ code: 'prompts.wrong-answer' });
    // The user enters the code on another device; Porthole's polling picks the sign-in up.
    await waitFor('a poll that is still pending', () => entra.requests.some((r) => r.endsWith('device_code')) || undefined);
    entra.approve(code!);
    expect((await listing).map((s) => s.id)).toEqual([azure.subscriptionId]);
    expect(await call(d, 'prompts:list', {})).toEqual([]);
    expect(d.events.filter((e) => e.event === 'prompts:changed').map((e) => (e.payload as { prompts: PromptView[] }).prompts.length)).toEqual([1, 0]);
    expect(entra.requests.filter((r) => r.includes('/devicecode'))).toHaveLength(1);

    // The same sign-in serves the machine listing and a start: no second device code.
    expect((await call(d, 'cloud:list-machines', { account })).length).toBe(2);
    await call(d, 'cloud:start-machine', { account, id: DSVM });
    expect(entra.requests.filter((r) => r.includes('/devicecode'))).toHaveLength(1);
    expect(await call(d, 'prompts:list', {})).toEqual([]);
  });

  it('a declined sign-in ends with the reason and closes the prompt; Cancel on the prompt ends the sign-in as cancelled', async () => {
    const { entra, d } = await entraWorld();
    const declined = call(d, 'cloud:azure-subscriptions', { interactive: true });
    await signInPrompt(d);
    entra.decline(entra.userCodes[0]!);
    expect(await failure(declined)).toMatchObject({ code: 'azure.login-failed', message: 'The sign-in to Azure was declined.' });
    expect(await call(d, 'prompts:list', {})).toEqual([]);

    const cancelled = call(d, 'cloud:azure-subscriptions', { interactive: true });
    const prompt = await waitFor('a second prompt', async () => (await call(d, 'prompts:list', {})).find((p) => p.detail.kind === 'cloud-sign-in' && p.detail.code === entra.userCodes[1]));
    await call(d, 'prompts:cancel', { id: prompt.id });
    expect(await failure(cancelled)).toMatchObject({ code: 'cloud.cancelled', message: 'Cancelled: Porthole stopped waiting to sign in to Azure.' });
    expect(await call(d, 'prompts:list', {})).toEqual([]);
  });
});

