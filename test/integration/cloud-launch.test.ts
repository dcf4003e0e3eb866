/**
 * From the Cloud screen to a notebook and back, in the real desktop service: an EC2 stand-in
 * instance whose "public IP" is the test sshd's loopback address, added as a host, launched
 * (starting-vm -> waiting-for-ssh -> ready, Debian's real Jupyter), and stopped again on
 * disconnect; the VM's own JupyterHub (the Data Science VM's over https with a self-signed
 * certificate, TLJH's over http) forwarded and reached, from the app and from `porthole up`;
 * a VM behind a jump host probed through it; hosts:probe on a cloud host.
 *
 * JupyterHub itself cannot be installed on the test machine (no Debian package, no network
 * for pip): a small server on the test host answers on the hub's port as a hub's front door
 * does (test/support/hub-stand-in.ts), which is what Porthole relies on.
 */
import { request as httpsRequest } from 'node:https';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CloudOptions } from '../../main/app/cloud-providers';
import type { CloudAccountView, CloudMachineView, NoticeView, SessionView, StartedMachineView } from '../../main/ipc/contract';
import type { PortholeError } from '../../main/shared/errors';
import { startAzureStandIn } from '../env/azure-stand-in';
import { EXAMPLE_CREDENTIAL, KNOWN_IMAGES, startEc2Endpoint, type Ec2Endpoint, type InstanceSeed } from '../env/ec2-endpoint';
import { makeDir } from '../env/run-dir';
import { waitFor } from '../env/wait';
import { startPorthole, runPorthole } from '../support/cli-process';
import { callCommand, desktopTestKit, followHandoff, keepProcessEnv, useTestKeyring, type DesktopHarness } from '../support/desktop-harness';
import { HUB_LOGIN_TITLE, startHubStandIn, type HubStandIn } from '../support/hub-stand-in';

const REGION = 'eu-central-1';
const GPU = 'i-0a11c0ffee0000001';

useTestKeyring();
keepProcessEnv();
const kit = desktopTestKit();
const call = callCommand;
const testHost = () => kit.host();

async function hub(scheme: 'http' | 'https'): Promise<HubStandIn> {
  const started = await startHubStandIn(scheme);
  kit.defer(() => started.close());
  return started;
}

/** The EC2 stand-in, reached as the AWS CLI reaches it; credentials are the vault key `student` the test saves. */
async function ec2World(instances: readonly InstanceSeed[], cloud: CloudOptions = {}): Promise<{ ec2: Ec2Endpoint; d: DesktopHarness; account: CloudAccountView }> {
  const ec2 = await startEc2Endpoint({ region: REGION, images: [KNOWN_IMAGES.ubuntu], instances });
  kit.defer(() => ec2.stop());
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  const aws = makeDir('aws');
  Object.assign(process.env, { ...ec2.env(), AWS_CONFIG_FILE: join(aws, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  const d = await kit.desktop({ cloud: { aws: { pollIntervalMs: 20 }, ...cloud } });
  await call(d, 'cloud:save-aws-credential', { name: 'student', ...EXAMPLE_CREDENTIAL });
  return { ec2, d, account: { provider: 'aws', profile: null, vaultCredential: 'student', region: REGION } };
}

/** Answers every question for `host` (trusting host keys always) until its session is in one of `kinds`. */
async function answerUntil(d: DesktopHarness, host: string, kinds: readonly string[], timeoutMs = 90_000): Promise<SessionView> {
  return waitFor(
    `session "${host}" in ${kinds.join('/')}`,
    async () => {
      for (const prompt of await call(d, 'prompts:list', {})) {
        if (prompt.host === host && prompt.detail.kind === 'host-key') await call(d, 'prompts:answer', { id: prompt.id, answer: { kind: 'host-key', trust: 'always' } }).catch(() => null);
      }
      const view = d.session(host);
      if (view?.state.kind === 'failed' && !kinds.includes('failed')) throw new Error(`session failed: ${JSON.stringify(view.state.error)}`);
      return view && kinds.includes(view.state.kind) ? view : undefined;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

/** What a session went through, as the window saw it: each state kind once (with the VM's state while starting). */
function seen(d: DesktopHarness, host: string): string[] {
  const kinds: string[] = [];
  for (const { event, payload } of d.events) {
    if (event !== 'sessions:changed') continue;
    const state = (payload as { sessions: SessionView[] }).sessions.find((s) => s.host === host)?.state;
    if (state === undefined) continue;
    const kind = state.kind === 'starting-vm' ? `starting-vm:${state.machineState}` : state.kind === 'waiting-for-ssh' ? `waiting-for-ssh:${state.address}` : state.kind === 'starting-jupyter' ? `starting-jupyter:${state.phase}` : state.kind;
    if (kinds.at(-1) !== kind) kinds.push(kind);
  }
  return kinds;
}

describe('an EC2 instance from the Cloud screen to a notebook and back', () => {
  it('Add as host, Launch: starting-vm -> waiting-for-ssh -> ready (real Jupyter); Disconnect stops the instance and the started list empties', async () => {
    const host = await testHost();
    const { ec2, d, account } = await ec2World([{ id: GPU, name: 'gpu-box', state: 'stopped', instanceType: 'g4dn.xlarge', imageId: KNOWN_IMAGES.ubuntu.imageId, keyName: 'course-key', publicIps: ['127.0.0.1'] }]);
    // The key the course handed out, imported under the key pair's name.
    await call(d, 'keys:import', { source: { kind: 'path', path: host.clientKey.privatePath }, name: 'Course-Key' });

    const added = await call(d, 'cloud:add-as-host', { account, id: GPU });
    expect(added).toMatchObject({ name: 'gpu-box', host: '', port: 22, user: 'ubuntu', key: { kind: 'vault', name: 'Course-Key' }, cloud: { provider: 'aws', instanceId: GPU, vaultCredential: 'student' } });
    // The test VM's login and SSH port differ from a real Ubuntu AMI's: edited as a user would.
    await call(d, 'hosts:save', {
      originalName: 'gpu-box',
      host: { name: 'gpu-box', host: '', port: host.port, user: host.user.name, key: { kind: 'vault', name: 'Course-Key' }, cloud: { provider: 'aws', instanceId: GPU, region: REGION, vaultCredential: 'student', stopVmOnDisconnect: true } },
    });

    const eventsBefore = d.events.length;
    let page: Response | null = null;
    d.onOpen = async (target) => void (page = await followHandoff(target));
    await call(d, 'sessions:launch', { host: 'gpu-box' });
    const ready = await answerUntil(d, 'gpu-box', ['ready']);
    const launchEvents = d.events.slice(eventsBefore);

    expect(seen(d, 'gpu-box')).toEqual([
      'starting-vm:null',
      'starting-vm:stopped',
      'starting-vm:pending',
      'starting-vm:running',
      'waiting-for-ssh:127.0.0.1',
      'connecting',
      'awaiting-user',
      'connecting',
      'starting-jupyter:locating',
      'starting-jupyter:starting',
      'starting-jupyter:forwarding',
      'starting-jupyter:probing',
      'ready',
    ]);
    if (ready.state.kind !== 'ready' || ready.state.notebook === null) throw new Error('no notebook');
    expect(ready.state.notebook).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/(tree|lab)$/), reused: false });
    expect(ready.cloud).toMatchObject({ provider: 'aws', machineId: GPU, address: '127.0.0.1', startedByPorthole: true, price: { usdPerHour: 0.658 }, vmStop: { kind: 'none' } });
    await waitFor('the browser to have the notebook', () => page !== null || undefined);
    expect(page!.status).toBe(200);

    // The Cloud screen followed the start, and the started list names the host.
    const machineSteps = launchEvents.filter((e) => e.event === 'cloud:machine-changed').map((e) => (e.payload as { machine: CloudMachineView }).machine).map((m) => `${m.state}${m.startedByPorthole ? '*' : ''}`);
    expect(machineSteps).toEqual(['stopped', 'pending*', 'running*']);
    const startedLists = launchEvents.filter((e) => e.event === 'cloud:started-changed').map((e) => (e.payload as { machines: StartedMachineView[] }).machines);
    expect(startedLists).toEqual([[expect.objectContaining({ id: GPU, name: 'gpu-box', host: 'gpu-box', account, price: { usdPerHour: 0.658, asOf: expect.any(String) }, costSoFar: expect.any(Number) })]]);
    // For the report: the events a Launch of a stopped cloud host produced, in order.
    console.log(`launch events:\n${describeEvents(launchEvents)}`);

    await call(d, 'sessions:disconnect', { host: 'gpu-box' });
    expect(d.session('gpu-box')).toMatchObject({ state: { kind: 'closed' }, cloud: { vmStop: { kind: 'stopped', reason: 'disconnect' } } });
    // Asked to stop (the stand-in moves on as it is described: the answer's own describe may already see it stopped).
    expect(ec2.instance(GPU).stops).toBe(1);
    expect(['stopping', 'stopped']).toContain(ec2.instance(GPU).state);
    expect(await call(d, 'cloud:started-machines', {})).toEqual([]);
    expect((d.events.filter((e) => e.event === 'cloud:started-changed').at(-1)!.payload as { machines: unknown[] }).machines).toEqual([]);
    // The next listing sees it stopped.
    expect((await call(d, 'cloud:list-machines', { account }))[0]).toMatchObject({ id: GPU, state: 'stopped', hosts: ['gpu-box'], startedByPorthole: false });
    expect(d.allEventText()).not.toContain(EXAMPLE_CREDENTIAL.secretAccessKey);
  });

  it('hosts:probe on a cloud host: a stopped VM says so; a running one is looked at where it runs now', async () => {
    const host = await testHost();
    const { ec2, d } = await ec2World([{ id: GPU, name: 'gpu-box', state: 'stopped', instanceType: 't3.medium', publicIps: ['127.0.0.1'] }]);
    const input = { name: 'gpu', host: '', port: host.port, user: host.user.name, key: { kind: 'path', path: host.clientKey.privatePath }, cloud: { provider: 'aws', instanceId: GPU, region: REGION, vaultCredential: 'student' } } as const;
    const stopped = await call(d, 'hosts:probe', { host: input }).then(
      () => null,
      (e: unknown) => e as PortholeError,
    );
    expect(stopped).toMatchObject({ code: 'cloud.machine-not-running', message: `The VM gpu-box (AWS ${GPU} (${REGION})) is stopped, so there is nothing to look at yet.`, hint: expect.stringContaining('Launch notebook starts it') });

    ec2.setState(GPU, 'running');
    const probing = call(d, 'hosts:probe', { host: input });
    const prompt = await d.waitForPrompt('gpu');
    expect(prompt.detail).toMatchObject({ kind: 'host-key', server: `127.0.0.1:${host.port}` });
    await call(d, 'prompts:answer', { id: prompt.id, answer: { kind: 'host-key', trust: 'always' } });
    expect((await probing).flavours).toContain('notebook');
  });

  it('behind a jump host, the VM\'s SSH greeting is looked for from the jump host, and the launch goes on once it answers', async () => {
    const jump = await testHost();
    const vm = await testHost();
    // One key for both hops: the jump host's client key, let in on the VM too.
    appendFileSync(join(vm.sshd.configPath, '..', 'authorized_keys'), `${jump.clientKey.publicLine}\n`);
    await vm.sshd.stop();
    const { d } = await ec2World([{ id: GPU, name: 'gpu-box', state: 'running', instanceType: 't3.medium', publicIps: ['127.0.0.1'] }]);
    await call(d, 'hosts:save', {
      originalName: null,
      host: { name: 'private', host: '', port: vm.port, user: vm.user.name, key: { kind: 'path', path: jump.clientKey.privatePath }, jumpHosts: [{ host: '127.0.0.1', port: jump.port, user: jump.user.name }], cloud: { provider: 'aws', instanceId: GPU, region: REGION, vaultCredential: 'student' } },
    });
    await call(d, 'sessions:launch', { host: 'private', openBrowser: false });
    // While the VM's SSH server is down, the probe has logged in to the jump host to look from there.
    await answerUntil(d, 'private', ['waiting-for-ssh']);
    await waitFor('the probe to log in to the jump host', () => jump.sshd.log().includes(`Accepted publickey for ${jump.user.name}`) || undefined, { timeoutMs: 30_000 });
    await waitFor('a few silent probes through it', () => ((d.session('private')?.state as { attempt?: number }).attempt ?? 0) >= 2 || undefined, { timeoutMs: 30_000 });
    expect(d.session('private')?.state).toMatchObject({ kind: 'waiting-for-ssh', address: '127.0.0.1' });
    expect(vm.sshd.log()).not.toContain('Accepted publickey');
    await vm.sshd.start({ portIsOurs: true });
    const ready = await answerUntil(d, 'private', ['ready']);
    expect(ready.cloud).toMatchObject({ address: '127.0.0.1' });
    // Logged in to the jump host twice: the probe's connection, then the VM's through it.
    expect(jump.sshd.log().match(/Accepted publickey for/g)?.length).toBeGreaterThanOrEqual(2);
  });
});

describe('porthole up behind a jump host', () => {
  it("looks for the VM's SSH greeting from the jump host, then connects through it", async () => {
    const jump = await testHost();
    const vm = await testHost();
    appendFileSync(join(vm.sshd.configPath, '..', 'authorized_keys'), `${jump.clientKey.publicLine}\n`);
    await vm.sshd.stop();
    const ec2 = await startEc2Endpoint({ region: REGION, instances: [{ id: GPU, name: 'private', state: 'running', instanceType: 't3.medium', publicIps: ['127.0.0.1'] }] });
    kit.defer(() => ec2.stop());
    const { env, knownHosts } = cliEnv(ec2);
    const add = await runPorthole(['hosts', 'add', 'private', '--aws', GPU, '--region', REGION, '--user', vm.user.name, '-i', jump.clientKey.privatePath, '--port', String(vm.port), '-J', `${jump.user.name}@127.0.0.1:${jump.port}`], env);
    expect(add.code, add.stderr).toBe(0);

    const run = startPorthole(['up', 'private', '--json', '--no-open', '--known-hosts', knownHosts, '--accept-new-host-key'], env);
    kit.defer(async () => void run.child.kill('SIGKILL'));
    expect(await run.next('phase', 60_000)).toEqual({ event: 'phase', phase: 'waiting-for-ssh', address: '127.0.0.1', port: vm.port });
    await waitFor('the probe to log in to the jump host', () => jump.sshd.log().includes(`Accepted publickey for ${jump.user.name}`) || undefined, { timeoutMs: 30_000 });
    expect(vm.sshd.log()).not.toContain('Accepted publickey');
    await vm.sshd.start({ portIsOurs: true });
    const ready = await run.next('ready', 90_000);
    expect(ready, run.stderr()).toMatchObject({ event: 'ready', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) });
    expect(vm.sshd.log()).toContain(`Accepted publickey for ${vm.user.name}`);
    run.child.kill('SIGINT');
    expect(await run.exit()).toBe(0);
  });
});

describe("the VM's own JupyterHub", () => {
  it("Azure's Data Science VM: Add as host opens its hub; Launch forwards it, checks it answers and opens https://127.0.0.1:L/ with the certificate explained", async () => {
    const host = await testHost();
    const hubServer = await hub('https');
    const azure = await startAzureStandIn({ vms: [{ resourceGroup: 'course-rg', name: 'dsvm-01', power: 'running', size: 'Standard_NC4as_T4_v3', adminUsername: host.user.name, image: { publisher: 'microsoft-dsvm', offer: 'ubuntu-2204', sku: '2204-gen2' }, publicIp: { allocation: 'Static', address: '127.0.0.1' } }] });
    kit.defer(() => azure.close());
    azure.useInThisProcess();
    const d = await kit.desktop({ cloud: { azure: { armEndpoint: azure.arm.url, pollIntervalMs: 20 } } });
    const account = { provider: 'azure', subscriptionId: azure.subscriptionId, tenantId: null } as const;

    const added = await call(d, 'cloud:add-as-host', { account, id: 'course-rg/dsvm-01' });
    expect(added).toMatchObject({ name: 'dsvm-01', user: host.user.name, host: '127.0.0.1', jupyter: { hub: { port: 8000, scheme: 'https' } } });
    // The test host's SSH port and key, and the port its hub stand-in listens on.
    await call(d, 'hosts:save', { originalName: 'dsvm-01', host: { name: 'dsvm-01', host: '', port: host.port, user: host.user.name, key: { kind: 'path', path: host.clientKey.privatePath }, jupyter: { hub: { port: hubServer.port, scheme: 'https' } } } });

    let opened: Response | Error | null = null;
    d.onOpen = async (target) => {
      // A browser that checks certificates, as browsers do: it refuses the hub's own certificate (the warning the note explains).
      opened = await followHandoff(target).catch((error: Error) => error);
    };
    await call(d, 'sessions:launch', { host: 'dsvm-01' });
    const ready = await answerUntil(d, 'dsvm-01', ['ready']);
    if (ready.state.kind !== 'ready' || ready.state.notebook === null) throw new Error('no notebook');
    const notebook = ready.state.notebook;
    expect(notebook).toMatchObject({ url: `https://127.0.0.1:${notebook.localPort}/`, remotePort: hubServer.port, serverPid: 0, reused: true, hub: { scheme: 'https', certificateNote: expect.stringContaining('certificate it made for itself') } });
    // The local end is not the hub's own port (taken here by the stand-in): it is the tunnel.
    expect(notebook.localPort).not.toBe(hubServer.port);
    expect(ready.startedServer).toBe(false);
    const notices = d.events.filter((e) => e.event === 'app:notice').map((e) => (e.payload as { notice: NoticeView }).notice);
    expect(notices).toContainEqual(expect.objectContaining({ level: 'info', title: 'Your browser will warn about the certificate', host: 'dsvm-01', body: notebook.hub!.certificateNote }));

    await waitFor('the browser to be sent to the hub', () => opened !== null || undefined);
    expect(String((opened as unknown as Error).cause ?? opened)).toMatch(/self[- ]signed|certificate/i);
    // Past the warning (as the user chooses "Continue"), the hub's login page comes through the tunnel.
    const page = await getInsecure(`${notebook.url}hub/login`);
    expect(page).toMatchObject({ status: 200, body: expect.stringContaining(HUB_LOGIN_TITLE) });
    expect(hubServer.requests).toContain('/hub/login');
    expect(d.allEventText()).not.toContain('token=');

    await call(d, 'sessions:disconnect', { host: 'dsvm-01' });
    expect(d.session('dsvm-01')?.state).toEqual({ kind: 'closed', leftRunning: null });
  });

  it('porthole up on a host with The Littlest JupyterHub (hosts add --hub http:PORT): phases, then the hub\'s address, reached through the tunnel', async () => {
    const host = await testHost();
    const hubServer = await hub('http');
    const ec2 = await startEc2Endpoint({ region: REGION, images: [KNOWN_IMAGES.ubuntu], instances: [{ id: GPU, name: 'tljh', state: 'running', instanceType: 't3.medium', publicIps: ['127.0.0.1'] }] });
    kit.defer(() => ec2.stop());
    const { env, knownHosts } = cliEnv(ec2);
    const add = await runPorthole(['hosts', 'add', 'tljh', '--aws', GPU, '--region', REGION, '--user', host.user.name, '-i', host.clientKey.privatePath, '--port', String(host.port), '--hub', `http:${hubServer.port}`], env);
    expect(add.code, add.stderr).toBe(0);

    const run = startPorthole(['up', 'tljh', '--json', '--no-open', '--known-hosts', knownHosts, '--accept-new-host-key'], env);
    kit.defer(async () => void run.child.kill('SIGKILL'));
    const lines: Record<string, unknown>[] = [];
    for (;;) {
      const line = await run.next(undefined, 60_000);
      lines.push(line);
      if (line['event'] === 'ready' || line['event'] === 'error') break;
    }
    const ready = lines.at(-1)!;
    expect(ready, run.stderr()).toMatchObject({ event: 'ready', hub: true, scheme: 'http', remotePort: hubServer.port, url: `http://127.0.0.1:${String(ready['localPort'])}/`, certificateNote: null });
    expect(ready).not.toHaveProperty('token');
    expect(lines.filter((l) => l['event'] === 'phase').map((l) => (l['phase'] === 'starting-jupyter' ? `starting-jupyter:${String(l['step'])}` : String(l['phase'])))).toEqual([
      'waiting-for-ssh',
      'connecting',
      'starting-jupyter:locating',
      'starting-jupyter:starting',
      'starting-jupyter:forwarding',
      'starting-jupyter:probing',
    ]);
    const page = await fetch(String(ready['url']));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(HUB_LOGIN_TITLE);
    run.child.kill('SIGINT');
    expect(await run.next('stopped')).toEqual({ event: 'stopped', signal: 'SIGINT' });
    expect(await run.exit()).toBe(0);
  });
});

/** A `porthole` child's environment: its own home and known_hosts, the EC2 stand-in, access keys in the environment, nothing else of AWS. */
function cliEnv(ec2: Ec2Endpoint): { env: NodeJS.ProcessEnv; knownHosts: string } {
  const home = makeDir('home');
  const knownHosts = join(makeDir('ssh'), 'known_hosts');
  writeFileSync(knownHosts, '');
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && name !== 'SSH_AUTH_SOCK'));
  Object.assign(env, ec2.env(), {
    PORTHOLE_HOME: home,
    AWS_ACCESS_KEY_ID: EXAMPLE_CREDENTIAL.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EXAMPLE_CREDENTIAL.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
  });
  return { env, knownHosts };
}

/** GET past a certificate no CA vouches for (what "Continue to 127.0.0.1" does in a browser). */
function getInsecure(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { rejectUnauthorized: false }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

/** The events the window got, one line each: sessions by state, machines by state, started VMs by id. */
function describeEvents(events: readonly { event: string; payload: unknown }[]): string {
  const lines: string[] = [];
  for (const { event, payload } of events) {
    let line: string;
    if (event === 'sessions:changed') {
      const state = (payload as { sessions: SessionView[] }).sessions[0]?.state;
      line = `${event} ${JSON.stringify(state === undefined ? null : { ...state, ...(state.kind === 'ready' ? { notebook: '…', forwards: '…' } : {}) })}`;
    } else if (event === 'cloud:machine-changed') {
      const machine = (payload as { machine: CloudMachineView }).machine;
      line = `${event} ${machine.id} ${machine.state} startedByPorthole=${machine.startedByPorthole} busy=${machine.busy}`;
    } else if (event === 'cloud:started-changed') {
      line = `${event} [${(payload as { machines: StartedMachineView[] }).machines.map((m) => `${m.id} host=${m.host}`).join(', ')}]`;
    } else if (event === 'prompts:changed') {
      line = `${event} [${(payload as { prompts: { detail: { kind: string } }[] }).prompts.map((p) => p.detail.kind).join(', ')}]`;
    } else {
      line = event;
    }
    if (lines.at(-1) !== line) lines.push(line);
  }
  return lines.join('\n');
}
