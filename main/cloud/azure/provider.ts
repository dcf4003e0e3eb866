/**
 * The CloudProvider for one Azure subscription, on the official SDK clients
 * (@azure/arm-compute for VMs, @azure/arm-network for their NICs and public IPs).
 *
 * - A machine's id is `resourceGroup/vmName`; its uniqueId the VM's `vmId`.
 * - Listing makes four paged calls whatever the number of VMs: the VMs, their power states
 *   (`statusOnly=true`: the full listing has no instance view), and every NIC and public IP
 *   of the subscription, joined here. A class of 40 VMs is still four calls.
 * - Stop means deallocate: a plain Azure "stop" keeps billing the VM's compute.
 * - start/stop follow the long-running operation (202 + Azure-AsyncOperation polling) and
 *   re-read the power state after each poll, reporting every change through onProgress.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenCredential } from '@azure/identity';
import { ComputeManagementClient, type InstanceViewStatus, type VirtualMachine } from '@azure/arm-compute';
import { NetworkManagementClient, type NetworkInterface, type PublicIPAddress } from '@azure/arm-network';
import { PortholeError } from '../../shared/errors';
import { addressOf, describeAccount, type CloudAccount, type CloudCallOptions, type CloudMachine, type CloudProvider, type CloudWaitOptions, type MachineState } from '../provider';
import { AzureSignIn, type AzureSignInOptions } from './credentials';
import { armEndpoint } from './endpoint';
import { cancelled, classifyAzureError, type AzureErrorContext } from './errors';
import { operationInProgress, primaryIpConfiguration, primaryNicId, toCloudMachine } from './machine';
import { machineIdOf, parseMachineId, parseResourceId, type MachineRef } from './resource-ids';

export type AzureAccount = Extract<CloudAccount, { provider: 'azure' }>;

export interface AzureClientDeps {
  /**
   * How to sign in. Give one `AzureSignIn` (or any TokenCredential) to every provider and
   * subscription listing of a session so the user signs in once. Default: a new
   * non-interactive `AzureSignIn` (the Azure CLI's login, else `azure.login-required`).
   */
  readonly credential?: TokenCredential;
  /** Options for the default `AzureSignIn` when no credential is given. */
  readonly signIn?: AzureSignInOptions;
  /** ARM's base URL. Default: PORTHOLE_AZURE_ARM_ENDPOINT, else https://management.azure.com. */
  readonly armEndpoint?: string;
}

export interface AzureProviderDeps extends AzureClientDeps {
  /** Pause between polls of an operation or the power state. Default: PORTHOLE_AZURE_POLL_MS, else 5 s. */
  readonly pollIntervalMs?: number;
}

/** Milliseconds between polls when the caller does not say (tests of the CLI poll faster). */
export const POLL_INTERVAL_ENV = 'PORTHOLE_AZURE_POLL_MS';
const DEFAULT_POLL_MS = 5_000;

function defaultPollMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[POLL_INTERVAL_ENV]);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_POLL_MS;
}
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** Porthole names itself to ARM (it shows in the subscription's activity log). */
const USER_AGENT = { userAgentPrefix: 'Porthole' };

/** The SDK clients' shared options: where ARM is, and who is asking. */
export function clientOptions(deps: AzureClientDeps): { endpoint: string; userAgentOptions: typeof USER_AGENT } {
  return { endpoint: deps.armEndpoint ?? armEndpoint(), userAgentOptions: USER_AGENT };
}

export function credentialOf(deps: AzureClientDeps, tenantId?: string): TokenCredential {
  return deps.credential ?? new AzureSignIn({ ...(tenantId === undefined ? {} : { tenantId }), ...deps.signIn });
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/**
 * Runs calls side by side; the first failure aborts the others (instead of leaving them to
 * retry in the background), and the caller's signal aborts them all.
 */
async function allOrNothing<T extends readonly unknown[]>(signal: AbortSignal | undefined, start: (signal: AbortSignal) => { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) controller.abort();
  try {
    const calls = start(controller.signal).map((call) =>
      call.catch((error: unknown) => {
        controller.abort();
        throw error;
      }),
    );
    return (await Promise.all(calls)) as unknown as T;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** What one read of a VM gives: the machine, whether ARM still runs an operation on it, and whether its NIC has a public IP resource. */
interface Observation {
  readonly machine: CloudMachine;
  readonly busy: boolean;
  readonly hasPublicIp: boolean;
}

/** The fields whose change is worth a progress report. */
const progressKey = (m: CloudMachine) => `${m.state}|${m.rawState}|${m.publicIp}|${m.publicDns}|${m.privateIp}`;

export function createAzureProvider(account: AzureAccount, deps: AzureProviderDeps = {}): CloudProvider {
  const credential = credentialOf(deps, account.tenantId);
  const options = clientOptions(deps);
  const compute = new ComputeManagementClient(credential, account.subscriptionId, options);
  const network = new NetworkManagementClient(credential, account.subscriptionId, options);
  const pollMs = deps.pollIntervalMs ?? defaultPollMs();
  const { subscriptionId } = account;

  /** Runs one step against ARM; whatever it throws comes out classified. */
  async function step<T>(context: Omit<AzureErrorContext, 'subscriptionId'>, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw classifyAzureError(error, { ...context, subscriptionId });
    }
  }

  /** A resource the VM points at, or undefined when it is gone (a NIC or IP deleted under a VM). */
  async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async function nicOf(vm: VirtualMachine, signal: AbortSignal | undefined): Promise<NetworkInterface | undefined> {
    const ref = parseResourceId(primaryNicId(vm));
    return ref ? optional(() => network.networkInterfaces.get(ref.resourceGroup, ref.name, { abortSignal: signal })) : undefined;
  }

  async function publicIpOf(nic: NetworkInterface | undefined, signal: AbortSignal | undefined): Promise<PublicIPAddress | undefined> {
    const ref = parseResourceId(primaryIpConfiguration(nic)?.publicIPAddress?.id);
    return ref ? optional(() => network.publicIPAddresses.get(ref.resourceGroup, ref.name, { abortSignal: signal })) : undefined;
  }

  async function observe(ref: MachineRef, signal: AbortSignal | undefined): Promise<Observation> {
    const id = machineIdOf(ref.resourceGroup, ref.vmName);
    return step({ doing: `read the VM ${id}`, machineId: id }, async () => {
      const vm = await compute.virtualMachines.get(ref.resourceGroup, ref.vmName, { expand: 'instanceView', abortSignal: signal });
      const nic = await nicOf(vm, signal);
      const publicIp = await publicIpOf(nic, signal);
      const statuses = vm.instanceView?.statuses;
      return { machine: toCloudMachine({ vm, statuses, nic, publicIp }, subscriptionId), busy: operationInProgress(statuses), hasPublicIp: publicIp !== undefined };
    });
  }

  /** Calls onProgress when what it would show changed since the last call. */
  function reporter(onProgress: CloudWaitOptions['onProgress']): (machine: CloudMachine) => void {
    let last: string | null = null;
    return (machine) => {
      const key = progressKey(machine);
      if (key === last) return;
      last = key;
      onProgress?.(machine);
    };
  }

  function deadlineOf(options: CloudWaitOptions | undefined): number {
    return Date.now() + (options?.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  async function pause(signal: AbortSignal | undefined, doing: string): Promise<void> {
    try {
      await sleep(pollMs, undefined, signal ? { signal } : {});
    } catch {
      throw cancelled(doing);
    }
  }

  function timedOut(id: string, doing: string, last: CloudMachine): PortholeError {
    return new PortholeError({
      code: 'cloud.timeout',
      message: `The VM ${id} did not finish ${doing} in time (it is ${last.rawState.replace(/^PowerState\//, '')}).`,
      hint: 'Check it in the Azure portal; Porthole can try again.',
      retryable: true,
    });
  }

  /**
   * Starts or deallocates, follows the long-running operation to its end, and reports each
   * change of the power state it re-reads after every poll.
   */
  async function operate(kind: 'start' | 'deallocate', id: string, options: CloudWaitOptions & { readonly wait?: boolean } = {}): Promise<{ observation: Observation; report: (m: CloudMachine) => void; deadline: number }> {
    const ref = parseMachineId(id);
    const { signal } = options;
    const doing = `${kind} the VM ${id}`;
    const report = reporter(options.onProgress);
    const deadline = deadlineOf(options);
    const call = { abortSignal: signal, updateIntervalInMs: pollMs };
    const poller = kind === 'start' ? compute.virtualMachines.start(ref.resourceGroup, ref.vmName, call) : compute.virtualMachines.deallocate(ref.resourceGroup, ref.vmName, call);
    // The poller is a thenable that polls to the end when awaited; only its steps are awaited here.
    await step({ doing, machineId: id }, () => poller.submitted());
    let observation = await observe(ref, signal);
    report(observation.machine);
    if (options.wait === false) return { observation, report, deadline };
    while (!poller.isDone) {
      if (Date.now() > deadline) throw timedOut(id, kind === 'start' ? 'starting' : 'deallocating', observation.machine);
      await pause(signal, doing);
      await step({ doing, machineId: id }, () => poller.poll({ abortSignal: signal }));
      observation = await observe(ref, signal);
      report(observation.machine);
    }
    return { observation, report, deadline };
  }

  /** Re-reads the VM until `done` says so; `failed` ends the wait early with an error. */
  async function waitFor(
    id: string,
    doing: string,
    done: (o: Observation) => boolean,
    failed: (o: Observation) => PortholeError | null,
    options: { signal?: AbortSignal | undefined; report: (m: CloudMachine) => void; deadline: number; first?: Observation },
  ): Promise<CloudMachine> {
    const ref = parseMachineId(id);
    let observation = options.first ?? (await observe(ref, options.signal));
    for (;;) {
      options.report(observation.machine);
      if (done(observation)) return observation.machine;
      const failure = failed(observation);
      if (failure) throw failure;
      if (Date.now() > options.deadline) throw timedOut(id, doing, observation.machine);
      await pause(options.signal, doing);
      observation = await observe(ref, options.signal);
    }
  }

  const STOPPED: readonly MachineState[] = ['stopped', 'deallocated', 'deallocating', 'stopping'];

  function waitUntilRunningFrom(id: string, options: CloudWaitOptions, report: (m: CloudMachine) => void, deadline: number, first?: Observation): Promise<CloudMachine> {
    return waitFor(
      id,
      'starting',
      // A dynamic public IP gets its address as the VM starts: wait for it rather than settle for the private one.
      ({ machine, hasPublicIp }) => machine.state === 'running' && (hasPublicIp ? machine.publicIp !== null || machine.publicDns !== null : addressOf(machine) !== null),
      ({ machine, busy }) => {
        if (machine.state === 'terminating' || machine.state === 'terminated') {
          return new PortholeError({ code: 'cloud.machine-not-found', message: `The VM ${id} is being deleted.`, hint: 'Link the host to another VM.', retryable: false });
        }
        // Right after a start was accepted ARM may still show the old state; "busy" (an
        // operation in progress) tells that apart from a VM that really is stopped.
        if (STOPPED.includes(machine.state) && !busy) {
          return new PortholeError({
            code: 'cloud.machine-stopped',
            message: `The VM ${id} is ${machine.state}, not starting.`,
            hint: 'Start it (Porthole can), then connect again.',
            retryable: true,
          });
        }
        return null;
      },
      { signal: options.signal, report, deadline, ...(first ? { first } : {}) },
    );
  }

  return {
    id: 'azure',
    accountLabel: describeAccount(account),

    async listMachines(options: CloudCallOptions = {}): Promise<CloudMachine[]> {
      const [vms, statusOnly, nics, ips] = await step({ doing: 'list the VMs' }, () =>
        allOrNothing<[VirtualMachine[], VirtualMachine[], NetworkInterface[], PublicIPAddress[]]>(options.signal, (abortSignal) => [
          collect(compute.virtualMachines.listAll({ abortSignal })),
          collect(compute.virtualMachines.listAll({ statusOnly: 'true', abortSignal })),
          collect(network.networkInterfaces.listAll({ abortSignal })),
          collect(network.publicIPAddresses.listAll({ abortSignal })),
        ]),
      );
      const byId = <T extends { id?: string | undefined }>(items: readonly T[]) => new Map(items.map((item) => [item.id?.toLowerCase() ?? '', item]));
      const statuses = new Map<string, InstanceViewStatus[] | undefined>(statusOnly.map((vm) => [vm.id?.toLowerCase() ?? '', vm.instanceView?.statuses]));
      const nicById = byId(nics);
      const ipById = byId(ips);
      return vms
        .map((vm) => {
          const nic = nicById.get(primaryNicId(vm)?.toLowerCase() ?? '');
          const publicIp = ipById.get(primaryIpConfiguration(nic)?.publicIPAddress?.id?.toLowerCase() ?? '');
          return toCloudMachine({ vm, statuses: statuses.get(vm.id?.toLowerCase() ?? ''), nic, publicIp }, subscriptionId);
        })
        .filter((machine) => machine.state !== 'terminated')
        .sort((a, b) => a.id.localeCompare(b.id));
    },

    async getMachine(id: string, options: CloudCallOptions = {}): Promise<CloudMachine> {
      return (await observe(parseMachineId(id), options.signal)).machine;
    },

    async start(id, options = {}) {
      const { observation, report, deadline } = await operate('start', id, options);
      if (options.wait === false) return observation.machine;
      // The operation has succeeded: the VM runs. Its public IP may lag a moment behind.
      return waitUntilRunningFrom(id, options, report, deadline, observation);
    },

    async stop(id, options = {}) {
      const { observation, report, deadline } = await operate('deallocate', id, options);
      if (options.wait === false) return observation.machine;
      return waitFor(id, 'deallocating', ({ machine }) => machine.state === 'deallocated', () => null, { signal: options.signal, report, deadline, first: observation });
    },

    async waitUntilRunning(id, options = {}) {
      return waitUntilRunningFrom(id, options, reporter(options.onProgress), deadlineOf(options));
    },

    async currentAddress(id, options = {}) {
      return addressOf((await observe(parseMachineId(id), options.signal)).machine);
    },
  };
}
