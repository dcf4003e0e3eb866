/**
 * The Cloud screen's commands (cloud:* in the IPC contract), and what the rest of the desktop
 * needs from the clouds: the providers sessions bring their VMs up with, the machine events
 * the screen follows, and the VMs Porthole started that still run (tray, Quit).
 *
 * Every start and stop, the screen's or a session's, is reported as `cloud:machine-changed`
 * while it goes on; every change of the started VMs as `cloud:started-changed`. Credentials
 * never leave main: the screen sees profile and key names and masked key ids only.
 */
import type { AzureSubscriptionView, CloudAccountsView, CloudAccountView, CloudMachineView, EventName, EventPayload, HostView, StartedMachineView } from '../ipc/contract';
import type { CloudAccount, CloudMachine, CloudProvider } from '../cloud/provider';
import { listAwsProfiles } from '../cloud/aws/profiles';
import { COMMON_AWS_REGIONS } from '../cloud/aws/regions';
import { checkCredentialName, listAwsAccessKeys, removeAwsAccessKey, saveAwsAccessKey } from '../cloud/aws/vault-credentials';
import type { CloudLink, Profile, ProfileStore } from '../profiles';
import type { SecretStore } from '../secrets';
import { accountOf } from '../session/cloud-link';
import { PortholeError, toErrorInfo } from '../shared/errors';
import { accountViewOf, cloudAccountOf, hostsLinkedTo, linkMachineKey, machineKey, machineView, stillRuns } from './cloud-accounts';
import type { CloudProviders } from './cloud-providers';
import type { CloudMachineEvents } from './cloud-host';
import { hostFromMachine } from './host-from-machine';
import { commandOnPath } from './on-path';
import { StartedMachines } from './started-machines';

export interface CloudServiceDeps {
  readonly providers: CloudProviders;
  readonly profiles: ProfileStore;
  readonly vault: () => Promise<SecretStore>;
  /** Names of the keys in the vault (for "the key named like the key pair"). */
  readonly keyNames: () => Promise<string[]>;
  readonly emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** A host was added: the host list changed. */
  readonly hostsChanged: () => void;
  readonly hostView: (profile: Profile) => HostView;
  /**
   * Before the screen stops a machine: the sessions of hosts linked to it end first (the
   * link would drop anyway), without stopping the VM themselves.
   */
  readonly beforeStop: (isLinked: (link: CloudLink) => boolean) => Promise<void>;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  readonly now: () => number;
  /** Where the AWS CLI's files and variables are read from (default: this process's environment). */
  readonly env?: NodeJS.ProcessEnv;
}

type Busy = 'starting' | 'stopping';

export class CloudService {
  readonly started: StartedMachines;
  private readonly busy = new Map<string, Busy>();

  constructor(private readonly deps: CloudServiceDeps) {
    this.started = new StartedMachines(deps.now, (machines) => deps.emit('cloud:started-changed', { machines }));
  }

  // -------------------------------------------------------------------------------------
  // Accounts

  async accounts(): Promise<CloudAccountsView> {
    const env = this.deps.env ?? process.env;
    const [listing, vaultCredentials, cliInstalled] = await Promise.all([
      listAwsProfiles(env).catch((error: unknown) => {
        this.deps.log('warn', `Could not read the AWS CLI's profiles: ${(error as Error).message}`);
        return null;
      }),
      this.vaultCredentials(),
      commandOnPath('az', env),
    ]);
    const profiles = listing?.profiles ?? [];
    return {
      aws: {
        profiles: profiles.map((profile) => ({ name: profile.name, kind: profile.kind, region: profile.region })),
        defaultProfile: listing !== null && profiles.some((p) => p.name === listing.defaultProfile) ? listing.defaultProfile : null,
        environmentCredentials: listing?.environmentCredentials ?? false,
        vaultCredentials,
        regions: COMMON_AWS_REGIONS.map((region) => ({ id: region.id, name: region.label })),
        defaultRegion: listing?.defaultRegion ?? null,
      },
      azure: { cliInstalled },
    };
  }

  private async vaultCredentials(): Promise<{ name: string; accessKeyId: string }[]> {
    try {
      return (await listAwsAccessKeys(await this.deps.vault())).map((entry) => ({ name: entry.name, accessKeyId: entry.accessKeyId }));
    } catch (error) {
      // No keychain: nothing can be kept in the vault, so there is nothing to list.
      this.deps.log('warn', `Could not list the AWS keys kept in Porthole: ${toErrorInfo(error).message}`);
      return [];
    }
  }

  async azureSubscriptions(interactive: boolean): Promise<AzureSubscriptionView[]> {
    const subscriptions = await this.deps.providers.azureSubscriptions(interactive);
    return subscriptions.map((s) => ({ id: s.subscriptionId, name: s.displayName, tenantId: s.tenantId, state: s.state }));
  }

  async saveAwsCredential(input: { name: string; accessKeyId: string; secretAccessKey: string; sessionToken?: string; replace?: boolean }): Promise<{ name: string; accessKeyId: string }> {
    const entry = await saveAwsAccessKey(
      await this.deps.vault(),
      input.name,
      { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey, ...(input.sessionToken ? { sessionToken: input.sessionToken } : {}) },
      { replace: input.replace ?? false },
    );
    this.deps.providers.forgetVaultCredential(entry.name);
    this.deps.log('info', `Kept the AWS access key "${entry.name}" (${entry.accessKeyId}) in Porthole's vault`);
    return { name: entry.name, accessKeyId: entry.accessKeyId };
  }

  async removeAwsCredential(name: string): Promise<null> {
    const clean = checkCredentialName(name);
    const users = this.deps.profiles.list().filter((p) => p.cloud?.provider === 'aws' && p.cloud.vaultCredential === clean);
    if (users.length > 0) {
      throw new PortholeError({
        code: 'aws.credential-in-use',
        message: `The AWS access key "${clean}" is used by ${users.map((p) => `"${p.name}"`).join(', ')}.`,
        hint: 'Link those hosts to another key or profile first, then remove this one.',
        retryable: false,
      });
    }
    await removeAwsAccessKey(await this.deps.vault(), clean);
    this.deps.providers.forgetVaultCredential(clean);
    this.deps.log('info', `Removed the AWS access key "${clean}" from Porthole's vault`);
    return null;
  }

  // -------------------------------------------------------------------------------------
  // Machines

  async listMachines(view: CloudAccountView): Promise<CloudMachineView[]> {
    const account = cloudAccountOf(view);
    const machines = await (await this.provider(account)).listMachines();
    const views = machines.map((machine) => this.observe(account, machine));
    for (const machine of views) this.deps.emit('cloud:machine-changed', { account: view, machine });
    return views;
  }

  /** Starts the machine and resolves once it runs; a machine already running is left as it is. */
  async startMachine(view: CloudAccountView, id: string): Promise<CloudMachineView> {
    const account = cloudAccountOf(view);
    return this.whileBusy(account, view, id, 'starting', async (provider, before) => {
      if (before.state === 'running') return before;
      if (before.state === 'stopping' || before.state === 'deallocating') {
        throw new PortholeError({
          code: 'cloud.machine-stopping',
          message: `${before.name} is still ${before.state}, and can be started once it has stopped.`,
          hint: 'Wait a minute and press Start again (Launch notebook on a host waits for it by itself).',
          retryable: true,
        });
      }
      const progress = (machine: CloudMachine) => {
        // From the accepted request on, it bills: Porthole started it.
        if (before.state !== 'pending' && stillRuns(machine)) this.started.started(account, machine, this.firstHost(account, id), machine.launchedAt);
        this.report(account, view, machine, 'starting');
      };
      const machine = before.state === 'pending' ? await provider.waitUntilRunning(id, { onProgress: progress }) : await provider.start(id, { onProgress: progress });
      if (before.state !== 'pending') this.started.started(account, machine, this.firstHost(account, id), machine.launchedAt);
      this.deps.log('info', `Started ${machine.name} (${provider.accountLabel})`);
      return machine;
    });
  }

  /** Stops (AWS) or deallocates (Azure) the machine and resolves once it has. */
  async stopMachine(view: CloudAccountView, id: string): Promise<CloudMachineView> {
    const account = cloudAccountOf(view);
    return this.whileBusy(account, view, id, 'stopping', async (provider, before) => {
      if (before.state === 'deallocated' || (before.state === 'stopped' && before.provider === 'aws') || before.state === 'terminated') return before;
      const key = machineKey(account, id);
      await this.deps.beforeStop((link) => linkMachineKey(link) === key);
      const machine = await provider.stop(id, {
        onProgress: (m) => {
          this.started.stopped(account, id);
          this.report(account, view, m, 'stopping');
        },
      });
      this.started.stopped(account, id);
      this.deps.log('info', `${before.provider === 'aws' ? 'Stopped' : 'Deallocated'} ${machine.name} (${provider.accountLabel})`);
      return machine;
    });
  }

  async addAsHost(view: CloudAccountView, id: string, name: string | undefined): Promise<HostView> {
    const account = cloudAccountOf(view);
    const machine = await (await this.provider(account)).getMachine(id);
    const input = hostFromMachine(account, machine, {
      ...(name === undefined ? {} : { name }),
      takenNames: this.deps.profiles.list().map((p) => p.name),
      vaultKeys: await this.deps.keyNames().catch(() => []),
    });
    const saved = await this.deps.profiles.add(input);
    this.deps.log('info', `Added the host "${saved.name}" for ${machine.name} (${machine.id})`);
    this.deps.hostsChanged();
    this.deps.emit('cloud:machine-changed', { account: view, machine: this.observe(account, machine) });
    return this.deps.hostView(saved);
  }

  startedMachines(): StartedMachineView[] {
    return this.started.views();
  }

  /** Quit: asks the cloud to stop every VM Porthole started and that still runs, without waiting for them to finish. */
  async stopStartedMachines(): Promise<void> {
    await Promise.all(
      this.started.list().map(async ({ account: view, id, name }) => {
        const account = cloudAccountOf(view);
        try {
          await (await this.provider(account)).stop(id, { wait: false });
          this.started.stopped(account, id);
          this.deps.log('info', `Asked ${account.provider === 'aws' ? 'AWS to stop' : 'Azure to deallocate'} ${name} on the way out`);
        } catch (error) {
          const info = toErrorInfo(error);
          this.deps.log('error', `${name} could not be stopped: ${info.message}${info.hint ? ` ${info.hint}` : ''} It keeps running until you stop it.`);
        }
      }),
    );
  }

  // -------------------------------------------------------------------------------------
  // Sessions

  /** The provider a cloud host's session brings its VM up with: the same one the screen uses. */
  providerFor(link: CloudLink): Promise<CloudProvider> {
    return this.provider(accountOf(link));
  }

  /** What a session of `host` reports about its machine, so the screen and the started list follow it. */
  eventsFor(link: CloudLink, host: string): CloudMachineEvents {
    const account = accountOf(link);
    return {
      seen: (machine) => this.deps.emit('cloud:machine-changed', { account: accountViewOf(account), machine: this.observe(account, machine) }),
      startedByPorthole: (machine, since) => this.started.started(account, machine, host, since),
      stopRequested: (machine) => this.started.stopped(account, machine.id),
    };
  }

  // -------------------------------------------------------------------------------------

  private provider(account: CloudAccount): Promise<CloudProvider> {
    return this.deps.providers.provider(account);
  }

  private firstHost(account: CloudAccount, id: string): string | null {
    return hostsLinkedTo(this.deps.profiles.list(), account, id)[0] ?? null;
  }

  /** The machine as seen now: a started VM the cloud shows stopped is no longer Porthole's to warn about. */
  private observe(account: CloudAccount, machine: CloudMachine): CloudMachineView {
    if (!stillRuns(machine)) this.started.stopped(account, machine.id);
    return machineView(machine, {
      hosts: hostsLinkedTo(this.deps.profiles.list(), account, machine.id),
      startedByPorthole: this.started.has(account, machine.id),
      busy: this.busy.get(machineKey(account, machine.id)) ?? null,
    });
  }

  private report(account: CloudAccount, view: CloudAccountView, machine: CloudMachine, busy: Busy): void {
    this.deps.emit('cloud:machine-changed', { account: view, machine: { ...this.observe(account, machine), busy } });
  }

  /** One start or stop per machine at a time, shown as busy until it ends; the machine as it ended. */
  private async whileBusy(account: CloudAccount, view: CloudAccountView, id: string, busy: Busy, work: (provider: CloudProvider, before: CloudMachine) => Promise<CloudMachine>): Promise<CloudMachineView> {
    const key = machineKey(account, id);
    const already = this.busy.get(key);
    if (already !== undefined) {
      throw new PortholeError({ code: 'cloud.machine-busy', message: `Porthole is already ${already} this machine.`, hint: 'Wait until that has finished.', retryable: true });
    }
    this.busy.set(key, busy);
    let last: CloudMachine | null = null;
    try {
      const provider = await this.provider(account);
      last = await provider.getMachine(id);
      this.report(account, view, last, busy);
      last = await work(provider, last);
    } finally {
      this.busy.delete(key);
      if (last !== null) this.deps.emit('cloud:machine-changed', { account: view, machine: this.observe(account, last) });
    }
    return this.observe(account, last);
  }
}
