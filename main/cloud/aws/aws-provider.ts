/**
 * CloudProvider for AWS EC2, with the official SDK (@aws-sdk/client-ec2 v3), bound to one
 * account (profile or vault key) and one region.
 *
 *  - Endpoint: the SDK resolves AWS_ENDPOINT_URL_EC2, then AWS_ENDPOINT_URL, as the AWS CLI
 *    does (and `endpoint_url` of the AWS_PROFILE / default profile); tests point it at
 *    test/env/ec2-endpoint.ts.
 *  - Throttling (RequestLimitExceeded, …) and 5xx are retried by the SDK's standard retry
 *    strategy, with backoff, up to `maxAttempts` tries.
 *  - Start/stop report every state they see (onProgress) by polling DescribeInstances
 *    rather than with the SDK's waiters, which report nothing until they end; after a
 *    start the instance is described again, since its public IP is new.
 *  - Every failure is a PortholeError (errors.ts); an AbortSignal stops any wait.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeInstancesCommand, EC2Client, StartInstancesCommand, StopInstancesCommand, paginateDescribeInstances, type Instance } from '@aws-sdk/client-ec2';
import { PortholeError } from '../../shared/errors';
import { addressOf, describeAccount, type CloudCallOptions, type CloudMachine, type CloudProvider, type CloudWaitOptions } from '../provider';
import { credentialProviderFor, type AwsAccount, type AwsCredentialDeps } from './credentials';
import { classifyAwsError, type AwsErrorContext } from './errors';
import { ImageCatalog } from './image-catalog';
import { machineState, toCloudMachine } from './machine';
import { nextWaitStep, pollDelayMs, WAIT_START, type WaitGoal } from './wait';

export interface AwsProviderDeps extends AwsCredentialDeps {
  /** Tries per request, retries of throttling and 5xx included (default 5). */
  readonly maxAttempts?: number;
  /** DescribeInstances page size, 5–1000 (default 200). */
  readonly pageSize?: number;
  /** A fixed delay between polls instead of the 1 s, 2 s, 3 s, then 5 s schedule (tests). */
  readonly pollIntervalMs?: number;
  /** Share AMI lookups between providers of the same region (the app keeps one per region). */
  readonly images?: ImageCatalog;
  /** Per-request limits, ms (defaults: connect 10 s, whole request 30 s). */
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

const DEFAULT_WAIT_MS = 10 * 60_000;
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;
/** Every state but terminated: listings leave out what is gone. */
const LISTED_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

export function createAwsProvider(account: AwsAccount, deps: AwsProviderDeps = {}): CloudProvider {
  return new AwsProvider(account, deps);
}

class AwsProvider implements CloudProvider {
  readonly id = 'aws' as const;
  readonly accountLabel: string;
  private readonly client: EC2Client;
  private readonly images: ImageCatalog;

  constructor(
    private readonly account: AwsAccount,
    private readonly deps: AwsProviderDeps,
  ) {
    this.accountLabel = describeAccount(account);
    this.images = deps.images ?? new ImageCatalog();
    this.client = new EC2Client({
      region: account.region,
      ...(account.profile !== null && account.vaultCredential === undefined ? { profile: account.profile } : {}),
      credentials: credentialProviderFor(account, deps),
      maxAttempts: deps.maxAttempts ?? 5,
      retryMode: 'standard',
      requestHandler: { connectionTimeout: deps.connectionTimeoutMs ?? 10_000, requestTimeout: deps.requestTimeoutMs ?? 30_000 },
    });
  }

  async listMachines(options: CloudCallOptions = {}): Promise<CloudMachine[]> {
    return this.call('DescribeInstances', undefined, async () => {
      const instances: Instance[] = [];
      const pages = paginateDescribeInstances(
        { client: this.client, pageSize: this.deps.pageSize ?? 200 },
        { Filters: [{ Name: 'instance-state-name', Values: LISTED_STATES }] },
        { abortSignal: options.signal },
      );
      for await (const page of pages) {
        for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
      }
      const listed = instances.filter((instance) => machineState(instance.State?.Name) !== 'terminated');
      const machines = await this.toMachines(listed, options.signal);
      return machines.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    });
  }

  async getMachine(id: string, options: CloudCallOptions = {}): Promise<CloudMachine> {
    checkInstanceId(id, this.account.region);
    return this.call('DescribeInstances', id, async () => {
      const out = await this.client.send(new DescribeInstancesCommand({ InstanceIds: [id] }), { abortSignal: options.signal });
      const instance = out.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === id);
      if (instance === undefined) throw Object.assign(new Error(`The instance ID '${id}' does not exist`), { name: 'InvalidInstanceID.NotFound', $metadata: {} });
      const [machine] = await this.toMachines([instance], options.signal);
      return machine!;
    });
  }

  start(id: string, options: CloudWaitOptions & { readonly wait?: boolean } = {}): Promise<CloudMachine> {
    return this.changeState(id, 'running', options);
  }

  stop(id: string, options: CloudWaitOptions & { readonly wait?: boolean } = {}): Promise<CloudMachine> {
    return this.changeState(id, 'stopped', options);
  }

  async waitUntilRunning(id: string, options: CloudWaitOptions = {}): Promise<CloudMachine> {
    const machine = await this.getMachine(id, options);
    options.onProgress?.(machine);
    return this.waitFor(id, 'running', machine, options);
  }

  async currentAddress(id: string, options: CloudCallOptions = {}): Promise<string | null> {
    return addressOf(await this.getMachine(id, options));
  }

  /** StartInstances or StopInstances, then (unless wait: false) the wait for the goal. */
  private async changeState(id: string, goal: WaitGoal, options: CloudWaitOptions & { readonly wait?: boolean }): Promise<CloudMachine> {
    checkInstanceId(id, this.account.region);
    const input = { InstanceIds: [id] };
    const call = { abortSignal: options.signal };
    const requested = await this.call(goal === 'running' ? 'StartInstances' : 'StopInstances', id, async () => {
      const changes =
        goal === 'running' ? (await this.client.send(new StartInstancesCommand(input), call)).StartingInstances : (await this.client.send(new StopInstancesCommand(input), call)).StoppingInstances;
      return changes?.find((change) => change.InstanceId === id)?.CurrentState?.Name;
    });
    return this.afterRequest(id, goal, requested, options);
  }

  /**
   * The state the Start/Stop answer gave is the first one seen: reported on the machine as
   * described now (a describe right after may still show the old state; the answer wins).
   */
  private async afterRequest(id: string, goal: WaitGoal, requestedState: string | undefined, options: CloudWaitOptions & { readonly wait?: boolean }): Promise<CloudMachine> {
    const described = await this.getMachine(id, options);
    const seen = requestedState === undefined ? described : { ...described, state: machineState(requestedState), rawState: requestedState };
    options.onProgress?.(seen);
    if (options.wait === false) return seen;
    return this.waitFor(id, goal, seen, options);
  }

  private async waitFor(id: string, goal: WaitGoal, first: CloudMachine, options: CloudWaitOptions): Promise<CloudMachine> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const deadline = Date.now() + timeoutMs;
    let step = nextWaitStep(goal, first.state, WAIT_START);
    let last = first;
    for (let attempt = 0; ; attempt++) {
      if (step.kind === 'done') return last;
      if (step.kind === 'failed') throw unexpectedState(last, goal);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw waitTimeout(last, goal, timeoutMs);
      try {
        await sleep(Math.min(this.deps.pollIntervalMs ?? pollDelayMs(attempt), remaining), undefined, { signal: options.signal });
      } catch (error) {
        throw this.classify(error, 'DescribeInstances', id);
      }
      last = await this.getMachine(id, options);
      options.onProgress?.(last);
      step = nextWaitStep(goal, last.state, step.progress);
    }
  }

  private async toMachines(instances: readonly Instance[], signal?: AbortSignal): Promise<CloudMachine[]> {
    const images = await this.images.lookup(this.client, instances.map((i) => i.ImageId ?? ''), signal);
    return instances.map((instance) => toCloudMachine(instance, this.account.region, images.get(instance.ImageId ?? '') ?? null));
  }

  private async call<T>(operation: string, instanceId: string | undefined, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw this.classify(error, operation, instanceId);
    }
  }

  private classify(error: unknown, operation: string, instanceId: string | undefined): PortholeError {
    const context: AwsErrorContext = {
      operation,
      region: this.account.region,
      profile: this.account.vaultCredential !== undefined ? null : this.account.profile,
      defaultProfile: process.env['AWS_PROFILE'] || 'default',
      ...(this.account.vaultCredential !== undefined ? { vaultCredential: this.account.vaultCredential } : {}),
      ...(instanceId !== undefined ? { instanceId } : {}),
    };
    return classifyAwsError(error, context);
  }
}

function checkInstanceId(id: string, region: string): void {
  if (INSTANCE_ID.test(id)) return;
  throw new PortholeError({
    code: 'cloud.machine-not-found',
    message: `"${id}" is not an EC2 instance id (${region}).`,
    hint: 'Instance ids look like i-0123456789abcdef0; `porthole aws instances` lists yours.',
    retryable: false,
  });
}

function unexpectedState(machine: CloudMachine, goal: WaitGoal): PortholeError {
  return new PortholeError({
    code: 'cloud.unexpected-state',
    message: `${machine.name} (${machine.id}) is ${machine.rawState} instead of ${goal}.`,
    hint:
      goal === 'running'
        ? 'It may have failed to start (the AWS console shows why under "State transition reason"), or someone stopped it meanwhile; try starting it again.'
        : 'Someone may have started it again meanwhile; look at it in the AWS console.',
    retryable: machine.state !== 'terminated' && machine.state !== 'terminating',
  });
}

function waitTimeout(machine: CloudMachine, goal: WaitGoal, timeoutMs: number): PortholeError {
  return new PortholeError({
    code: 'cloud.wait-timeout',
    message: `${machine.name} (${machine.id}) was still ${machine.rawState} after ${Math.round(timeoutMs / 1000)} s, not ${goal}.`,
    hint: 'AWS is slow with it; wait a little and look again (`porthole aws instances`), or check it in the AWS console.',
    retryable: true,
  });
}
