/**
 * The screenshot gallery's cloud shots: the Cloud screen's accounts, lists, progress,
 * errors and dialogs, cloud hosts' cards and editor, the started-VMs banner, and the
 * Azure sign-in prompt. Added to the gallery in screens.test.ts (same checks).
 */
import type { Page } from 'playwright-core';
import type { CloudAccountView, CloudMachineView, SessionView, StartedMachineView } from '../../../main/ipc/contract';
import { awsLink, cloudSessionView, host, key, machine, NOTEBOOK, session, type ScenarioService } from './scenario';

export interface GalleryShot {
  readonly name: string;
  readonly height?: number;
  readonly setup?: (s: ScenarioService) => void;
  readonly act?: (page: Page, s: ScenarioService) => Promise<void>;
}

const ASOF = '2025-01-15';
const HOUR = 3_600_000;
const AWS_ACCOUNT: CloudAccountView = { provider: 'aws', profile: 'default', vaultCredential: null, region: 'eu-central-1' };
const AZURE_LINK = { provider: 'azure', subscriptionId: '5f1c7d2e-8a4b-4c3d-9e6f-0a1b2c3d4e5f', resourceGroup: 'seminar-rg', vmName: 'dsvm-lab', tenantId: null, stopVmOnDisconnect: true, idleStopMinutes: 60 } as const;
const DSVM_NOTE = 'Your browser warns that the connection is not private: the Data Science VM signs its JupyterHub with a certificate it made itself. The page comes through Porthole’s SSH tunnel from your VM, so continue to it.';
const AZURE_ACCOUNT: CloudAccountView = { provider: 'azure', subscriptionId: '5f1c7d2e-8a4b-4c3d-9e6f-0a1b2c3d4e5f', tenantId: null };

function awsMachines(): CloudMachineView[] {
  return [
    machine('gpu-a', { state: 'running', rawState: 'running', billsCompute: true, publicIp: '203.0.113.10', launchedAt: Date.now() - 2 * HOUR, hosts: ['gpu-vm'], startedByPorthole: true }),
    machine('gpu-b', { id: 'i-0a11c0ffee0000002', privateIp: '172.31.4.18' }),
    machine('student-03', { id: 'i-0a11c0ffee0000003', state: 'pending', rawState: 'pending', instanceType: 't3.large', price: { usdPerHour: 0.096, asOf: ASOF }, privateIp: '172.31.9.3', knownImage: null, image: 'ubuntu-jammy-22.04' }),
    machine('', { id: 'i-0a11c0ffee0000004', state: 'stopping', rawState: 'stopping', instanceType: 't3.micro', price: { usdPerHour: 0.0116, asOf: ASOF }, keyName: null, privateIp: '172.31.9.4' }),
    machine('old-lab', { id: 'i-0a11c0ffee0000005', state: 'terminated', rawState: 'terminated', instanceType: 'p2.xlarge', price: null, privateIp: null, keyName: null }),
  ];
}

function azureMachines(): CloudMachineView[] {
  const azure = { provider: 'azure', region: 'westeurope', keyName: null, defaultUser: 'azureuser' } as const;
  return [
    machine('dsvm-lab', { ...azure, id: 'seminar-rg/dsvm-lab', state: 'stopped', rawState: 'PowerState/stopped', billsCompute: true, instanceType: 'Standard_NC6s_v3', knownImage: 'azure-dsvm', image: 'Data Science Virtual Machine - Ubuntu 22.04', privateIp: '10.0.0.4', price: { usdPerHour: 3.06, asOf: ASOF } }),
    machine('tljh-course', { ...azure, id: 'seminar-rg/tljh-course', state: 'deallocated', rawState: 'PowerState/deallocated', billsCompute: false, instanceType: 'Standard_D4s_v5', knownImage: 'tljh', image: 'Ubuntu 22.04 LTS', privateIp: '10.0.0.5', price: { usdPerHour: 0.192, asOf: ASOF } }),
    machine('gpu-west', { ...azure, id: 'seminar-rg/gpu-west', state: 'running', rawState: 'PowerState/running', billsCompute: true, instanceType: 'Standard_NC4as_T4_v3', knownImage: null, image: 'Ubuntu 22.04 LTS', publicIp: '198.51.100.4', privateIp: '10.0.0.6', price: { usdPerHour: 0.526, asOf: ASOF } }),
  ];
}

/** The saved host linked to gpu-a, logging in with the key of its key pair. */
const gpuVm = (link: Parameters<typeof awsLink>[0] = {}) => host('gpu-vm', { host: '203.0.113.10', key: { kind: 'vault', name: 'seminar' }, cloud: awsLink(link) });

const withAws = (s: ScenarioService) => {
  s.keys = [key('seminar', { format: 'pem', type: 'ssh-rsa', bits: 2048 })];
  s.hosts = [gpuVm()];
  s.machines = awsMachines();
};

const withAzure = (s: ScenarioService) => {
  s.cloudAccounts = { ...s.cloudAccounts, azure: { cliInstalled: true } };
  s.azureSubscriptions = [
    { id: '5f1c7d2e-8a4b-4c3d-9e6f-0a1b2c3d4e5f', name: 'University seminar', tenantId: null, state: 'Enabled' },
    { id: '0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a', name: 'Old trial', tenantId: null, state: 'Disabled' },
  ];
  s.machines = azureMachines();
};

const openCloud = async (page: Page) => {
  await page.getByRole('navigation').getByRole('button', { name: 'Cloud' }).click();
};
const openAwsList = async (page: Page) => {
  await openCloud(page);
  await page.getByRole('rowheader', { name: /gpu-b/ }).waitFor();
};
const openAzureList = async (page: Page) => {
  await openCloud(page);
  await page.getByRole('tab', { name: 'Microsoft Azure' }).click();
  await page.getByRole('rowheader', { name: /dsvm-lab/ }).waitFor();
};

const started = (name: string, patch: Partial<StartedMachineView> = {}): StartedMachineView => ({
  provider: 'aws',
  id: 'i-0a11c0ffee0000001',
  name,
  account: AWS_ACCOUNT,
  host: 'gpu-vm',
  runningSince: Date.now() - 72 * 60_000,
  price: { usdPerHour: 0.658, asOf: ASOF },
  costSoFar: 0.79,
  ...patch,
});

function cloudHostSessions(): { hosts: ReturnType<typeof host>[]; sessions: SessionView[] } {
  const now = Date.now();
  const cloudHost = (name: string, patch: Parameters<typeof awsLink>[0] = {}) => host(name, { host: '203.0.113.10', cloud: awsLink(patch) });
  const at = (name: string, state: SessionView['state'], cloud: Parameters<typeof cloudSessionView>[0]): SessionView => ({ ...session(name, state), cloud: cloudSessionView(cloud) });
  const ready = { kind: 'ready', notebook: NOTEBOOK, forwards: [], reconnected: false } as const;
  return {
    hosts: [
      cloudHost('vm-starting'),
      cloudHost('vm-waiting-for-ssh'),
      cloudHost('vm-ready', { stopVmOnDisconnect: true, idleStopMinutes: 30 }),
      cloudHost('vm-idle', { idleStopMinutes: 30 }),
      cloudHost('vm-stopped-idle', { idleStopMinutes: 30 }),
      cloudHost('vm-stop-failed', { stopVmOnDisconnect: true }),
      host('dsvm', { host: '198.51.100.4', user: 'azureuser', cloud: AZURE_LINK, jupyter: { ...host('dsvm').jupyter, hub: { port: 8000, scheme: 'https' } } }),
      host('plain-vm'),
    ],
    sessions: [
      at('vm-starting', { kind: 'starting-vm', machineState: 'pending', startedByPorthole: true }, { address: null, machine: { name: 'gpu-a', state: 'pending', instanceType: 'g4dn.xlarge', region: 'eu-central-1' }, runningSince: now - 40_000 }),
      at('vm-waiting-for-ssh', { kind: 'waiting-for-ssh', address: '203.0.113.10', attempt: 2 }, { runningSince: now - 95_000 }),
      at('vm-ready', ready, { runningSince: now - 72 * 60_000, idle: { afterMinutes: 30, idleSince: now - 4 * 60_000, stopAt: null } }),
      at('vm-idle', ready, { runningSince: now - 3 * HOUR, idle: { afterMinutes: 30, idleSince: now - 26 * 60_000, stopAt: now + 4 * 60_000 + 5_000 } }),
      at('vm-stopped-idle', { kind: 'closed', leftRunning: null }, { machine: { name: 'gpu-a', state: 'stopping', instanceType: 'g4dn.xlarge', region: 'eu-central-1' }, runningSince: null, costSoFar: null, vmStop: { kind: 'stopped', reason: 'idle' } }),
      {
        ...session('dsvm', { kind: 'ready', notebook: { ...NOTEBOOK, url: 'https://127.0.0.1:8443/', localPort: 8443, remotePort: 8000, serverPid: 0, hub: { scheme: 'https', certificateNote: DSVM_NOTE } }, forwards: [], reconnected: false }),
        cloud: cloudSessionView({ provider: 'azure', machineId: 'seminar-rg/dsvm-lab', machine: { name: 'dsvm-lab', state: 'running', instanceType: 'Standard_NC6s_v3', region: 'westeurope' }, address: '198.51.100.4', runningSince: now - 40 * 60_000, price: { usdPerHour: 3.06, asOf: ASOF } }),
      },
      at('vm-stop-failed', { kind: 'closed', leftRunning: null }, { runningSince: now - 5 * HOUR, vmStop: { kind: 'failed', reason: 'disconnect', error: { code: 'aws.unauthorized', message: 'Profile “default” may not do ec2:StopInstances on i-0a11c0ffee0000001 in eu-central-1.', hint: 'Ask whoever manages your AWS account to allow ec2:StopInstances for this identity (an IAM policy), or choose a profile that may.', retryable: false } } }),
    ],
  };
}

const editCloudHost = async (page: Page) => {
  await page.getByRole('button', { name: 'More actions for gpu-vm' }).click();
  await page.getByRole('menuitem', { name: 'Edit host' }).click();
  await page.getByRole('dialog', { name: 'Edit “gpu-vm”' }).getByText('Cloud VM').waitFor();
};

export const CLOUD_SHOTS: GalleryShot[] = [
  {
    name: 'cloud-aws-empty',
    setup: (s) => (s.cloudAccounts = { ...s.cloudAccounts, aws: { ...s.cloudAccounts.aws, profiles: [], defaultProfile: null, defaultRegion: null } }),
    act: async (page) => {
      await openCloud(page);
      await page.getByRole('heading', { name: 'Connect Porthole to your AWS account' }).waitFor();
    },
  },
  { name: 'cloud-aws-list', height: 900, setup: withAws, act: openAwsList },
  { name: 'cloud-azure-list', height: 900, setup: withAzure, act: openAzureList },
  {
    name: 'cloud-start-in-progress',
    setup: (s) => {
      withAws(s);
      // The start is under way: its answer comes only once the VM runs.
      s.holds.set('cloud:start-machine', new Promise(() => undefined));
    },
    act: async (page, s) => {
      await openAwsList(page);
      await page.getByRole('button', { name: 'Start gpu-b' }).click();
      const gpuB = s.machines.find((m) => m.id === 'i-0a11c0ffee0000002')!;
      s.emit('cloud:machine-changed', { account: AWS_ACCOUNT, machine: { ...gpuB, state: 'pending', rawState: 'pending', busy: 'starting' } });
      await page.getByRole('row', { name: /gpu-b/ }).getByText('AWS says “pending”').waitFor();
    },
  },
  {
    name: 'cloud-error',
    setup: (s) => {
      withAws(s);
      s.failures.set('cloud:list-machines', { code: 'aws.sso-expired', message: 'The AWS SSO login of profile default has expired or was never made.', hint: 'Run `aws sso login --profile default`, then try again.', retryable: false });
    },
    act: async (page) => {
      await openCloud(page);
      await page.getByRole('button', { name: 'Retry' }).waitFor();
    },
  },
  {
    name: 'cloud-start-failed',
    setup: (s) => {
      withAws(s);
      s.failures.set('cloud:start-machine', { code: 'aws.insufficient-capacity', message: 'AWS has no free capacity for this instance type in its zone right now.', hint: 'Try again in a few minutes, or change the instance type in the AWS console (GPU types run out most often).', retryable: true });
    },
    act: async (page) => {
      await openAwsList(page);
      await page.getByRole('button', { name: 'Start gpu-b' }).click();
      await page.getByRole('button', { name: 'Retry: start gpu-b' }).waitFor();
    },
  },
  {
    name: 'cloud-add-access-key',
    act: async (page) => {
      await openCloud(page);
      await page.getByRole('button', { name: 'Add access key…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add an AWS access key' });
      await dialog.getByLabel('Name').fill('course');
      await dialog.getByLabel('Access key ID').fill('AKIAIOSFODNN7EXAMPLE');
      await dialog.getByLabel('Secret access key').fill('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    },
  },
  {
    name: 'cloud-add-access-key-errors',
    act: async (page) => {
      await openCloud(page);
      await page.getByRole('button', { name: 'Add access key…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add an AWS access key' });
      await dialog.getByLabel('Access key ID').fill('wJalrXUtnFEMI/K7MDENG');
      // Leave the field first: its message appears on blur, and the dialog grows under the pointer.
      await page.keyboard.press('Tab');
      await dialog.getByRole('button', { name: 'Save access key' }).click();
      await dialog.getByText('Paste the secret access key').waitFor();
    },
  },
  {
    name: 'cloud-add-as-host',
    setup: withAws,
    act: async (page) => {
      await openAwsList(page);
      await page.getByRole('button', { name: 'Add as host: gpu-b' }).click();
      await page.getByRole('dialog', { name: 'Add “gpu-b” as a host' }).waitFor();
    },
  },
  {
    name: 'cloud-add-as-host-done',
    setup: withAws,
    act: async (page) => {
      await openAwsList(page);
      await page.getByRole('button', { name: 'Add as host: gpu-b' }).click();
      await page.getByRole('dialog', { name: 'Add “gpu-b” as a host' }).getByRole('button', { name: 'Add host' }).click();
      await page.getByRole('dialog', { name: '“gpu-b” is ready' }).getByRole('button', { name: 'Launch notebook' }).waitFor();
    },
  },
  {
    name: 'cloud-azure-sign-in',
    setup: (s) => {
      s.cloudAccounts = { ...s.cloudAccounts, azure: { cliInstalled: false } };
      s.failures.set('cloud:azure-subscriptions', { code: 'azure.login-required', message: 'Porthole is not signed in to Azure, and the Azure CLI is not installed.', hint: 'Sign in from Porthole, or install the Azure CLI and run `az login`.', retryable: false });
    },
    act: async (page) => {
      await openCloud(page);
      await page.getByRole('tab', { name: 'Microsoft Azure' }).click();
      await page.getByRole('button', { name: 'Sign in to Azure' }).waitFor();
    },
  },
  {
    name: 'cloud-azure-deallocate-confirm',
    setup: withAzure,
    act: async (page) => {
      await openAzureList(page);
      await page.getByRole('button', { name: 'Deallocate dsvm-lab' }).click();
      await page.getByRole('alertdialog', { name: 'Deallocate “dsvm-lab”?' }).waitFor();
    },
  },
  {
    name: 'prompt-azure-device-code',
    setup: (s) => {
      s.prompts = [
        {
          id: 'p-azure',
          host: 'Azure',
          createdAt: Date.now(),
          expiresAt: Date.now() + 14 * 60_000,
          detail: { kind: 'cloud-sign-in', provider: 'azure', method: 'device-code', url: 'https://microsoft.com/devicelogin', code: 'FQK8XZ2LM', message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FQK8XZ2LM to authenticate.' },
        },
      ];
    },
    act: async (page) => {
      await page.getByRole('dialog', { name: 'Sign in to Azure' }).waitFor();
    },
  },
  {
    name: 'hosts-cloud-states',
    height: 1960,
    setup: (s) => {
      const { hosts, sessions } = cloudHostSessions();
      s.keys = [key('seminar')];
      s.hosts = hosts;
      s.sessions = sessions;
    },
    act: async (page) => {
      await page.getByRole('article', { name: 'vm-idle' }).getByText(/will stop the VM in \d+:\d\d/).waitFor();
    },
  },
  {
    name: 'host-editor-cloud',
    height: 1200,
    setup: (s) => {
      withAws(s);
      s.hosts = [gpuVm({ stopVmOnDisconnect: true, idleStopMinutes: 30 })];
    },
    act: editCloudHost,
  },
  {
    name: 'host-editor-cloud-azure-hub',
    height: 1200,
    setup: (s) => {
      withAzure(s);
      s.keys = [key('azure-lab')];
      s.hosts = [host('gpu-vm', { host: '198.51.100.4', user: 'azureuser', key: { kind: 'vault', name: 'azure-lab' }, cloud: AZURE_LINK, jupyter: { ...host('gpu-vm').jupyter, hub: { port: 8000, scheme: 'https' } } })];
    },
    act: editCloudHost,
  },
  {
    name: 'host-editor-cloud-errors',
    height: 1200,
    setup: (s) => {
      withAws(s);
      s.hosts = [gpuVm({ idleStopMinutes: 30 })];
    },
    act: async (page) => {
      await editCloudHost(page);
      const dialog = page.getByRole('dialog', { name: 'Edit “gpu-vm”' });
      await dialog.getByLabel('Idle minutes').fill('2');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('A whole number of minutes from 5 to 1440').waitFor();
    },
  },
  {
    name: 'host-editor-cloud-unlinked',
    height: 1200,
    setup: (s) => {
      withAws(s);
    },
    act: async (page) => {
      await editCloudHost(page);
      const dialog = page.getByRole('dialog', { name: 'Edit “gpu-vm”' });
      await dialog.getByRole('button', { name: 'Unlink from AWS' }).click();
      await dialog.getByRole('button', { name: 'Undo unlink' }).waitFor();
    },
  },
  {
    name: 'started-vms-banner',
    setup: (s) => {
      withAws(s);
      s.startedMachines = [started('gpu-a', { host: 'gpu-vm' })];
    },
    act: async (page) => {
      await page.getByRole('region', { name: 'Cloud VMs still running' }).waitFor();
    },
  },
  {
    name: 'started-vms-banner-many',
    setup: (s) => {
      withAws(s);
      s.sessions = [{ ...session('gpu-vm', { kind: 'ready', notebook: NOTEBOOK, forwards: [], reconnected: false }), cloud: cloudSessionView({ runningSince: Date.now() - 72 * 60_000 }) }];
      s.startedMachines = [
        started('gpu-a', { host: 'gpu-vm' }),
        started('student-03', { id: 'i-0a11c0ffee0000003', host: null, runningSince: Date.now() - 5 * HOUR, price: { usdPerHour: 0.096, asOf: ASOF } }),
        started('dsvm-lab', { provider: 'azure', id: 'seminar-rg/dsvm-lab', account: AZURE_ACCOUNT, host: 'dsvm', runningSince: Date.now() - 26 * HOUR, price: { usdPerHour: 3.06, asOf: ASOF } }),
      ];
    },
    act: async (page) => {
      await page.getByRole('button', { name: /3 VMs Porthole started are still running/ }).click();
      await page.getByRole('button', { name: 'Deallocate VM dsvm-lab' }).waitFor();
    },
  },
];
