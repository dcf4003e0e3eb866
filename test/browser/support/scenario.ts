/**
 * A scenario service for the screenshot gallery: every command answers from canned data
 * a test sets, so each screen and state can be shown without an sshd. Test-only.
 */
import type {
  AzureSubscriptionView,
  CloudAccountsView,
  CloudAccountView,
  CloudLinkView,
  CloudSessionView,
  CloudMachineView,
  EventName,
  EventPayload,
  HostView,
  ImportPreviewView,
  KeyInspectionView,
  KeyView,
  LogLineView,
  PromptView,
  RemoteServerView,
  SessionView,
  SettingsView,
  StartedMachineView,
} from '../../../main/ipc/contract';
import type { CommandHandlers } from '../../../main/ipc/dispatch';
import { PortholeError, type PortholeErrorInfo } from '../../../main/shared/errors';
import type { BridgedService } from './bridge';

type Listener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export const NOW = Date.UTC(2026, 11, 2, 14, 30, 0);

export function host(name: string, patch: Partial<HostView> = {}): HostView {
  return {
    name,
    host: '203.0.113.7',
    port: 22,
    user: 'ubuntu',
    key: { kind: 'vault', name: 'aws-course' },
    jumpHosts: [],
    forwards: [],
    jupyter: { flavour: 'auto', env: { kind: 'auto' }, rootDir: null, auth: 'token', localPort: null, stopOnDisconnect: false, passwordSaved: false, hub: null },
    cloud: null,
    ...patch,
  };
}

export function key(name: string, patch: Partial<KeyView> = {}): KeyView {
  return {
    name,
    type: 'ssh-ed25519',
    bits: 256,
    fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
    comment: 'student@laptop',
    publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl student@laptop',
    source: 'vault',
    path: null,
    format: 'openssh',
    needsPassphrase: false,
    addedAt: '2026-12-01T10:00:00.000Z',
    ...patch,
  };
}

export function session(hostName: string, state: SessionView['state'], mode: SessionView['mode'] = 'notebook'): SessionView {
  return { host: hostName, mode, state, startedAt: NOW - 60_000, startedServer: true, cloud: null };
}

/** A cloud machine as the Cloud screen lists it (an AWS GPU instance, stopped, unless patched). */
export function machine(name: string, patch: Partial<CloudMachineView> = {}): CloudMachineView {
  return {
    provider: 'aws',
    id: 'i-0a11c0ffee0000001',
    name,
    state: 'stopped',
    rawState: 'stopped',
    billsCompute: false,
    instanceType: 'g4dn.xlarge',
    region: 'eu-central-1',
    publicIp: null,
    publicDns: null,
    privateIp: '172.31.4.17',
    keyName: 'seminar',
    defaultUser: 'ubuntu',
    image: 'Deep Learning AMI GPU PyTorch 2.3 (Ubuntu 22.04)',
    knownImage: 'aws-deep-learning',
    platform: 'linux',
    launchedAt: null,
    price: { usdPerHour: 0.658, asOf: '2025-01-15' },
    hosts: [],
    startedByPorthole: false,
    busy: null,
    ...patch,
  };
}

/** An AWS link for a cloud host (instance gpu-a of the default profile), cost safety off unless patched. */
export function awsLink(patch: Partial<Extract<CloudLinkView, { provider: 'aws' }>> = {}): CloudLinkView {
  return { provider: 'aws', instanceId: 'i-0a11c0ffee0000001', region: 'eu-central-1', profile: 'default', vaultCredential: null, stopVmOnDisconnect: false, idleStopMinutes: null, ...patch };
}

/** The cloud side of a cloud host's session: gpu-a running since `runningSince` at its list price. */
export function cloudSessionView(patch: Partial<CloudSessionView> = {}): CloudSessionView {
  return {
    provider: 'aws',
    machineId: 'i-0a11c0ffee0000001',
    machine: { name: 'gpu-a', state: 'running', instanceType: 'g4dn.xlarge', region: 'eu-central-1' },
    address: '203.0.113.10',
    startedByPorthole: true,
    runningSince: NOW,
    price: { usdPerHour: 0.658, asOf: '2025-01-15' },
    costSoFar: 0,
    idle: null,
    vmStop: { kind: 'none' },
    ...patch,
  };
}

/** The link a saved host gets for a machine of `account` (what cloud:add-as-host saves). */
function linkFor(account: CloudAccountView, machineId: string): CloudLinkView {
  const safety = { stopVmOnDisconnect: false, idleStopMinutes: null };
  if (account.provider === 'aws') return { provider: 'aws', instanceId: machineId, region: account.region, profile: account.profile, vaultCredential: account.vaultCredential, ...safety };
  const [resourceGroup = '', vmName = ''] = machineId.split('/');
  return { provider: 'azure', subscriptionId: account.subscriptionId, resourceGroup, vmName, tenantId: account.tenantId, ...safety };
}

/** The editor's link input as the saved host's link view. */
function linkOfInput(input: NonNullable<NonNullable<Parameters<CommandHandlers['hosts:save']>[0]['host']['cloud']>>): CloudLinkView {
  const safety = { stopVmOnDisconnect: input.stopVmOnDisconnect ?? false, idleStopMinutes: input.idleStopMinutes ?? null };
  return input.provider === 'aws'
    ? { provider: 'aws', instanceId: input.instanceId, region: input.region, profile: input.profile ?? null, vaultCredential: input.vaultCredential ?? null, ...safety }
    : { provider: 'azure', subscriptionId: input.subscriptionId, resourceGroup: input.resourceGroup, vmName: input.vmName, tenantId: input.tenantId ?? null, ...safety };
}

export const NOTEBOOK = { url: 'http://127.0.0.1:8888/lab', localPort: 8888, remotePort: 8888, serverPid: 4242, reused: false, flavour: 'lab', version: '4.2.5', rootDir: '/home/ubuntu/learnml' } as const;

export class ScenarioService implements BridgedService {
  private readonly listeners = new Set<Listener>();
  hosts: HostView[] = [];
  keys: KeyView[] = [];
  sessions: SessionView[] = [];
  prompts: PromptView[] = [];
  logs: LogLineView[] = [];
  servers: RemoteServerView[] = [];
  settings: SettingsView = { keepaliveSeconds: 15, browser: { kind: 'default' }, launchAtLogin: false, notifications: true, promptTimeoutSeconds: 120 };
  inspection: KeyInspectionView = { kind: 'private', format: 'pem', type: 'ssh-rsa', encrypted: false, fingerprint: 'SHA256:Wv7KJ0x2s3hQm8yQk1r3D0f0yq7b0JmJYkO2n0x9a1c', comment: '', suggestedName: 'mykey' };
  /** What a key imported in this scenario looks like, beyond its name and format. */
  importedKey: Partial<KeyView> = {};
  importPreview: ImportPreviewView = { source: 'ssh-config', path: '/home/student/.ssh/config', candidates: [], skipped: [], warnings: [] };
  cloudAccounts: CloudAccountsView = {
    aws: {
      profiles: [{ name: 'default', kind: 'access-key', region: 'eu-central-1' }],
      defaultProfile: 'default',
      environmentCredentials: false,
      vaultCredentials: [],
      regions: [
        { id: 'us-east-1', name: 'US East (N. Virginia)' },
        { id: 'eu-central-1', name: 'Europe (Frankfurt)' },
      ],
      defaultRegion: 'eu-central-1',
    },
    azure: { cliInstalled: true },
  };
  azureSubscriptions: AzureSubscriptionView[] = [];
  /** Machines by provider, as cloud:list-machines answers for any account of it. */
  machines: CloudMachineView[] = [];
  startedMachines: StartedMachineView[] = [];
  /** Set to make the next command of that name fail with this error. */
  failures = new Map<string, PortholeErrorInfo>();
  /** Commands whose answers wait for the promise (a start still under way, say). */
  readonly holds = new Map<string, Promise<unknown>>();
  /** Every command called, with its arguments, for assertions. */
  readonly calls: { name: string; args: unknown }[] = [];
  readonly handlers: CommandHandlers;

  constructor() {
    const h = <N extends keyof CommandHandlers>(name: N, fn: CommandHandlers[N]): CommandHandlers[N] =>
      ((args: never) => {
        this.calls.push({ name, args });
        const answer = () => {
          const failure = this.failures.get(name);
          if (failure) throw new PortholeError(failure);
          return (fn as (a: never) => unknown)(args);
        };
        const hold = this.holds.get(name);
        return hold ? hold.then(answer) : answer();
      }) as CommandHandlers[N];
    this.handlers = {
      'app:get-info': h('app:get-info', () => ({ name: 'Porthole', version: '9.8.7', platform: 'linux' })),
      'hosts:list': h('hosts:list', () => this.hosts),
      'hosts:save': h('hosts:save', ({ host: input, originalName }) => {
        const existing = this.hosts.find((x) => x.name === originalName);
        const cloud = input.cloud === undefined ? (existing?.cloud ?? null) : input.cloud === null ? null : linkOfInput(input.cloud);
        const saved = host(input.name, { host: input.host, user: input.user ?? null, port: input.port ?? 22, key: input.key ?? null, cloud });
        this.hosts = [...this.hosts.filter((x) => x.name !== originalName && x.name !== input.name), saved];
        this.emit('hosts:changed', { hosts: this.hosts });
        return saved;
      }),
      'hosts:remove': h('hosts:remove', ({ name }) => {
        this.hosts = this.hosts.filter((x) => x.name !== name);
        this.emit('hosts:changed', { hosts: this.hosts });
        return null;
      }),
      'hosts:probe': h('hosts:probe', () => ({ condaEnvs: ['base', 'pytorch', 'tensorflow2'], flavours: ['lab', 'notebook'], versions: { jupyterlab: '4.2.5', notebook: '7.2.2', jupyterServer: '2.14.2' } })),
      'hosts:preview-import': h('hosts:preview-import', ({ source }) => ({ ...this.importPreview, source })),
      'hosts:import': h('hosts:import', ({ names }) => ({ added: names, existing: [] })),
      'keys:list': h('keys:list', () => this.keys),
      'keys:pick-file': h('keys:pick-file', () => ({ path: '/home/student/Downloads/mykey.pem' })),
      'keys:inspect': h('keys:inspect', () => this.inspection),
      'keys:import': h('keys:import', ({ name }) => {
        const added = key(name, { format: this.inspection.kind === 'private' ? this.inspection.format : 'openssh', ...this.importedKey });
        this.keys = [...this.keys, added];
        this.emit('keys:changed', { keys: this.keys });
        return added;
      }),
      'keys:generate': h('keys:generate', ({ name }) => {
        const added = key(name, { format: 'generated', comment: 'porthole' });
        this.keys = [...this.keys, added];
        this.emit('keys:changed', { keys: this.keys });
        return added;
      }),
      'keys:copy-public': h('keys:copy-public', () => null),
      'keys:remove': h('keys:remove', ({ name }) => {
        this.keys = this.keys.filter((k) => k.name !== name);
        this.emit('keys:changed', { keys: this.keys });
        return null;
      }),
      'keys:install': h('keys:install', () => ({ added: true })),
      'sessions:list': h('sessions:list', () => this.sessions),
      'sessions:launch': h('sessions:launch', ({ host: name }) => {
        this.setSessions([...this.sessions.filter((s) => s.host !== name), session(name, { kind: 'connecting', attempt: 1 })]);
        return null;
      }),
      'sessions:connect': h('sessions:connect', () => null),
      'sessions:open': h('sessions:open', () => null),
      'sessions:copy-url': h('sessions:copy-url', () => null),
      'sessions:disconnect': h('sessions:disconnect', ({ host: name }) => {
        this.setSessions(this.sessions.filter((s) => s.host !== name));
        return null;
      }),
      'sessions:stop-server': h('sessions:stop-server', () => null),
      'sessions:retry': h('sessions:retry', () => null),
      'sessions:list-servers': h('sessions:list-servers', () => this.servers),
      'prompts:list': h('prompts:list', () => this.prompts),
      'prompts:answer': h('prompts:answer', ({ id }) => {
        this.setPrompts(this.prompts.filter((p) => p.id !== id));
        return null;
      }),
      'prompts:cancel': h('prompts:cancel', ({ id }) => {
        this.setPrompts(this.prompts.filter((p) => p.id !== id));
        return null;
      }),
      'settings:get': h('settings:get', () => this.settings),
      'settings:update': h('settings:update', ({ patch }) => {
        this.settings = { ...this.settings, ...(patch as Partial<SettingsView>) };
        this.emit('settings:changed', { settings: this.settings });
        return this.settings;
      }),
      'logs:recent': h('logs:recent', () => this.logs),
      'cloud:accounts': h('cloud:accounts', () => this.cloudAccounts),
      'cloud:azure-subscriptions': h('cloud:azure-subscriptions', () => this.azureSubscriptions),
      'cloud:list-machines': h('cloud:list-machines', ({ account }) => this.machines.filter((m) => m.provider === account.provider)),
      'cloud:start-machine': h('cloud:start-machine', ({ id }) => this.updateMachine(id, { state: 'running', rawState: 'running', billsCompute: true, publicIp: '203.0.113.10', startedByPorthole: true })),
      'cloud:stop-machine': h('cloud:stop-machine', ({ id }) => this.updateMachine(id, { state: 'stopped', rawState: 'stopped', billsCompute: false, publicIp: null, startedByPorthole: false })),
      'cloud:add-as-host': h('cloud:add-as-host', ({ account, id, name }) => {
        const found = this.machines.find((m) => m.id === id);
        const keyName = found?.keyName ?? null;
        const key = keyName !== null && this.keys.some((k) => k.name === keyName) ? { kind: 'vault' as const, name: keyName } : null;
        const saved = host(name ?? found?.name ?? id, { host: '', user: found?.defaultUser ?? null, key, cloud: linkFor(account, id) });
        this.hosts = [...this.hosts, saved];
        this.emit('hosts:changed', { hosts: this.hosts });
        return saved;
      }),
      'cloud:started-machines': h('cloud:started-machines', () => this.startedMachines),
      'cloud:save-aws-credential': h('cloud:save-aws-credential', ({ name, accessKeyId }) => ({ name, accessKeyId: `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` })),
      'cloud:remove-aws-credential': h('cloud:remove-aws-credential', () => null),
    };
  }

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.listeners]) listener(event, payload);
  }

  setSessions(sessions: SessionView[]): void {
    this.sessions = sessions;
    this.emit('sessions:changed', { sessions });
  }

  private updateMachine(id: string, patch: Partial<CloudMachineView>): CloudMachineView {
    const found = this.machines.find((m) => m.id === id);
    if (!found) throw new PortholeError({ code: 'cloud.machine-not-found', message: `There is no machine ${id}.`, retryable: false });
    const updated = { ...found, ...patch };
    this.machines = this.machines.map((m) => (m.id === id ? updated : m));
    return updated;
  }

  setPrompts(prompts: PromptView[]): void {
    this.prompts = prompts;
    this.emit('prompts:changed', { prompts });
  }
}
