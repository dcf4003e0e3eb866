/**
 * `porthole azure` as a user runs it: the real bin in a child process, against the local ARM
 * endpoint (PORTHOLE_AZURE_ARM_ENDPOINT) and the `az` stand-in first on PATH. The child trusts
 * the endpoint's certificate through the NODE_EXTRA_CA_CERTS it inherits from the worker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StandInVmSpec } from '../env/arm-endpoint';
import { startAzureStandIn, type AzureStandIn } from '../env/azure-stand-in';
import { runPorthole, startPorthole, type RunningPorthole } from '../support/cli-process';

const VMS: readonly StandInVmSpec[] = [
  { resourceGroup: 'course-rg', name: 'dsvm-01', power: 'running', size: 'Standard_NC6s_v3', adminUsername: 'student', image: { publisher: 'microsoft-dsvm', offer: 'ubuntu-2204', sku: '2204-gen2' }, publicIp: { allocation: 'Static', address: '198.51.100.7' } },
  { resourceGroup: 'course-rg', name: 'hub', power: 'stopped', tags: { jupyterhub: 'tljh' }, publicIp: { allocation: 'Static', address: '198.51.100.8' } },
  { resourceGroup: 'course-rg', name: 'student-01', power: 'deallocated', publicIp: { allocation: 'Dynamic' } },
];

let azure: AzureStandIn | null = null;
const running: RunningPorthole[] = [];
afterEach(async () => {
  for (const run of running.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exit();
    }
  }
  await azure?.close();
  azure = null;
});

async function standIn(options: Parameters<typeof startAzureStandIn>[0] = {}): Promise<AzureStandIn> {
  azure = await startAzureStandIn({ vms: VMS, ...options });
  return azure;
}

/** The child's environment: the stand-ins, fast polling, no subscription preset by the machine. */
function envOf(stand: AzureStandIn): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...stand.env, PORTHOLE_AZURE_POLL_MS: '20' };
  delete env['AZURE_SUBSCRIPTION_ID'];
  return env;
}

describe('porthole azure vms', () => {
  it('prints a table of the VMs and says that "stopped" still bills while "deallocated" does not', async () => {
    const stand = await standIn();
    const run = await runPorthole(['azure', 'vms'], envOf(stand));
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'VM                    STATE                   SIZE              REGION      ADDRESS             USER',
      'course-rg/dsvm-01     running                 Standard_NC6s_v3  westeurope  198.51.100.7        student    Data Science VM: JupyterHub on https://…:8000',
      'course-rg/hub         stopped (still billed)  Standard_D2s_v3   westeurope  198.51.100.8        azureuser  The Littlest JupyterHub on port 80',
      'course-rg/student-01  deallocated             Standard_D2s_v3   westeurope  10.0.0.6 (private)  azureuser',
      '',
    ]);
    expect(run.stderr).toContain('Using subscription "Data Science course" (c0ffee00-0000-4000-8000-000000000001), the only one your account can use.');
    expect(run.stderr).toContain('"stopped" VMs still bill for compute; "deallocated" ones do not.');
  });

  it('--json prints one line with every VM, its state and whether it bills', async () => {
    const stand = await standIn();
    const run = await runPorthole(['azure', 'vms', '--subscription', stand.subscriptionId, '--json'], envOf(stand));
    expect(run.code).toBe(0);
    expect(run.events).toHaveLength(1);
    const [event] = run.events as [{ event: string; subscriptionId: string; vms: Record<string, unknown>[] }];
    expect(event).toMatchObject({ event: 'vms', subscriptionId: stand.subscriptionId });
    expect(event.vms.map((vm) => [vm['id'], vm['state'], vm['billsCompute'], vm['knownImage']])).toEqual([
      ['course-rg/dsvm-01', 'running', true, 'azure-dsvm'],
      ['course-rg/hub', 'stopped', true, 'tljh'],
      ['course-rg/student-01', 'deallocated', false, null],
    ]);
    expect(event.vms[0]).toMatchObject({ uniqueId: stand.arm.vm('course-rg/dsvm-01').vmId, publicIp: '198.51.100.7', defaultUser: 'student' });
    expect(run.stderr).toBe('');
  });

  it('needs to be told the subscription when the account has several; takes it by name', async () => {
    const stand = await standIn({
      subscriptions: [
        { subscriptionId: 'c0ffee00-0000-4000-8000-000000000001', displayName: 'Data Science course', tenantId: 't1' },
        { subscriptionId: 'c0ffee00-0000-4000-8000-000000000002', displayName: 'Research', tenantId: 't1' },
      ],
    });
    const ambiguous = await runPorthole(['azure', 'vms', '--json'], envOf(stand));
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.events).toEqual([
      {
        event: 'error',
        code: 'azure.subscription-required',
        message: 'Your Azure account sees 2 subscriptions; Porthole needs to know which one.',
        hint: 'Give --subscription ID (or set AZURE_SUBSCRIPTION_ID): c0ffee00-0000-4000-8000-000000000001 (Data Science course, Enabled); c0ffee00-0000-4000-8000-000000000002 (Research, Enabled).',
      },
    ]);
    const byName = await runPorthole(['azure', 'vms', '--subscription', 'data science COURSE', '--json'], envOf(stand));
    expect(byName.events[0]).toMatchObject({ event: 'vms', subscriptionId: 'c0ffee00-0000-4000-8000-000000000001' });
  });
});

describe('porthole azure start / deallocate', () => {
  it('start --json: starting, progress in order, then running with the new address', async () => {
    const stand = await standIn();
    stand.arm.nextPublicIp('course-rg/student-01', '127.0.0.1');
    const run = await runPorthole(['azure', 'start', 'course-rg/student-01', '--json'], envOf(stand));
    expect(run.code).toBe(0);
    expect(run.events.map((e) => [e['event'], e['state'] ?? ''])).toEqual([
      ['starting', ''],
      ['progress', 'pending'],
      ['progress', 'running'],
      ['running', ''],
    ]);
    expect(run.events.at(-1)).toMatchObject({ id: 'course-rg/student-01', machine: { state: 'running', publicIp: '127.0.0.1', defaultUser: 'azureuser' } });
    expect(stand.arm.requests.filter((r) => r.method === 'POST').map((r) => [r.path.split('/').at(-1), r.status])).toEqual([['start', 202]]);
  });

  it('start (human) says where to ssh and that it bills until deallocated', async () => {
    const stand = await standIn();
    const run = await runPorthole(['azure', 'start', 'course-rg/hub', '--subscription', stand.subscriptionId], envOf(stand));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([
      `Starting course-rg/hub (subscription ${stand.subscriptionId})…`,
      '  course-rg/hub: starting',
      '  course-rg/hub: running at 198.51.100.8',
      'course-rg/hub is running at 198.51.100.8 (ssh azureuser@198.51.100.8). It bills for compute until you deallocate it: porthole azure deallocate course-rg/hub',
      '',
    ]);
  });

  it('start --no-wait returns once Azure accepted it, with the VM starting', async () => {
    const stand = await standIn();
    const run = await runPorthole(['azure', 'start', 'course-rg/student-01', '--no-wait', '--json'], envOf(stand));
    expect(run.code).toBe(0);
    expect(run.events.map((e) => e['event'])).toEqual(['starting', 'progress', 'accepted']);
    expect(run.events.at(-1)).toMatchObject({ machine: { state: 'pending' } });
    expect(stand.arm.vm('course-rg/student-01').power).toBe('starting');
  });

  it('deallocate: deallocating -> deallocated, and says it no longer bills for compute', async () => {
    const stand = await standIn();
    const json = await runPorthole(['azure', 'deallocate', 'course-rg/hub', '--json'], envOf(stand));
    expect(json.code).toBe(0);
    expect(json.events.map((e) => [e['event'], e['state'] ?? ''])).toEqual([
      ['deallocating', ''],
      ['progress', 'deallocating'],
      ['progress', 'deallocated'],
      ['deallocated', ''],
    ]);
    const human = await runPorthole(['azure', 'deallocate', 'course-rg/dsvm-01'], envOf(stand));
    expect(human.code).toBe(0);
    expect(human.stderr).toContain('a plain "stop" would keep billing its compute');
    expect(human.stderr).toContain('course-rg/dsvm-01 is deallocated: it no longer bills for compute (its disks still do).');
    expect(stand.arm.vm('course-rg/dsvm-01').power).toBe('deallocated');
  });

  it('Ctrl-C while waiting stops the wait (exit 130) and leaves the VM starting in Azure', async () => {
    const stand = await standIn({ ticksPerStep: 1_000_000 });
    const run = startPorthole(['azure', 'start', 'course-rg/student-01', '--json'], envOf(stand));
    running.push(run);
    expect(await run.next('progress')).toMatchObject({ state: 'pending' });
    run.child.kill('SIGINT');
    expect(await run.next('stopped-waiting')).toMatchObject({ id: 'course-rg/student-01', signal: 'SIGINT' });
    expect(await run.exit()).toBe(130);
    expect(stand.arm.vm('course-rg/student-01').power).toBe('starting');
  });

  it('a VM written without its resource group is refused before anything is asked of Azure', async () => {
    const stand = await standIn();
    const run = await runPorthole(['azure', 'start', 'student-01', '--json'], envOf(stand));
    expect(run.code).toBe(1);
    expect(run.events).toEqual([expect.objectContaining({ event: 'error', code: 'azure.invalid-vm-id' })]);
    expect(stand.arm.requests).toEqual([]);
    expect(stand.az.calls()).toEqual([]);
  });
});

describe('porthole azure, signed out or expired', () => {
  it('without `az login` (and no terminal to ask at) says to run `az login`, exit 1', async () => {
    const stand = await standIn({ login: 'logged-out' });
    const run = await runPorthole(['azure', 'vms'], envOf(stand));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('porthole: Porthole is not signed in to Azure.\n  Run `az login`, or sign in from Porthole.\n  (azure.login-required)\n');
  });

  it('an expired token (401 ExpiredAuthenticationToken) is azure.credentials-expired', async () => {
    const stand = await standIn();
    stand.arm.expireToken();
    const run = await runPorthole(['azure', 'start', 'course-rg/hub', '--subscription', stand.subscriptionId, '--json'], envOf(stand));
    expect(run.code).toBe(1);
    expect(run.events.at(-1)).toEqual({ event: 'error', code: 'azure.credentials-expired', message: 'Your Azure sign-in has expired (ExpiredAuthenticationToken).', hint: 'Run `az login` again, then retry.' });
  });

  it('subscriptions lists what the account sees', async () => {
    const stand = await standIn();
    const human = await runPorthole(['azure', 'subscriptions'], envOf(stand));
    expect(human).toMatchObject({ code: 0, stdout: 'SUBSCRIPTION                          NAME                 STATE\nc0ffee00-0000-4000-8000-000000000001  Data Science course  Enabled\n' });
    const json = await runPorthole(['azure', 'subscriptions', '--json'], envOf(stand));
    expect(json.events).toEqual([{ event: 'subscriptions', subscriptions: [{ subscriptionId: stand.subscriptionId, displayName: 'Data Science course', tenantId: stand.arm.tenantId, state: 'Enabled' }] }]);
  });
});
