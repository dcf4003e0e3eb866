/**
 * One interface for every cloud Porthole can start and stop machines on. AWS (aws/) and
 * Azure (azure/) implement it with their official SDKs; the session orchestrator, the CLI
 * and the desktop service speak only this. A provider instance is bound to one account
 * (an AWS profile + region, an Azure subscription): `createProvider` in index.ts builds it
 * from a host's cloud link or from what the Cloud screen chose.
 *
 * Everything here is plain data, so it can cross IPC as is (no credential is ever in it).
 */

export type CloudProviderId = 'aws' | 'azure';

/**
 * A machine's power state in words both clouds share.
 *  - AWS: pending, running, stopping, stopped, shutting-down (-> terminating), terminated.
 *  - Azure: starting (-> pending), running, stopping, stopped (still billed!), deallocating,
 *    deallocated, and `unknown` when the instance view has no PowerState.
 */
export type MachineState = 'pending' | 'running' | 'stopping' | 'stopped' | 'deallocating' | 'deallocated' | 'terminating' | 'terminated' | 'unknown';

/** Images Porthole knows how to reach a notebook on (see the cloud issue's "Known images"). */
export type KnownImage =
  /** AWS Deep Learning AMI: conda's Jupyter, found by the notebook engine. */
  | 'aws-deep-learning'
  /** Azure Data Science VM: its own JupyterHub on https://…:8000 with a self-signed certificate. */
  | 'azure-dsvm'
  /** The Littlest JupyterHub: JupyterHub on port 80. */
  | 'tljh'
  | null;

export interface CloudMachine {
  readonly provider: CloudProviderId;
  /** What `getMachine`/`start`/`stop` take: AWS `i-…`; Azure `resourceGroup/vmName`. */
  readonly id: string;
  /**
   * A stable identity for host-key trust that survives stop/start and is never reused by
   * another machine: AWS the instance id; Azure the VM's `vmId` GUID (a VM deleted and
   * recreated under the same name gets a new one, and so counts as a new host).
   */
  readonly uniqueId: string;
  /** The Name tag (AWS) or the VM name (Azure); the id when there is no name. */
  readonly name: string;
  readonly state: MachineState;
  /** The raw state word of the cloud, for the log and the curious ("stopped", "PowerState/deallocated"). */
  readonly rawState: string;
  /** Instance type / VM size: `t3.medium`, `Standard_NC6s_v3`. */
  readonly instanceType: string;
  /** AWS region or Azure location: `eu-central-1`, `westeurope`. */
  readonly region: string;
  readonly publicIp: string | null;
  readonly publicDns: string | null;
  readonly privateIp: string | null;
  readonly privateDns: string | null;
  /** AWS key pair name; Azure: null (keys are per VM there). */
  readonly keyName: string | null;
  /** The login Porthole guesses from the image (ubuntu, ec2-user, azureuser, the VM's admin user). */
  readonly defaultUser: string | null;
  /** A short description of the image ("Deep Learning AMI GPU PyTorch 2.3 (Ubuntu 22.04)", "Ubuntu 22.04"). */
  readonly image: string | null;
  readonly knownImage: KnownImage;
  readonly platform: 'linux' | 'windows';
  /** When the cloud says it was launched / last started, epoch ms; null when unknown. */
  readonly launchedAt: number | null;
  /** Azure: the resource group and subscription. AWS: null. */
  readonly resourceGroup: string | null;
  readonly subscriptionId: string | null;
}

/**
 * Whether compute is billed in this state. Azure's "stopped" is (only "deallocated" is not),
 * which surprises people; a stopped EC2 instance is not (its disks still are, as Azure's are).
 */
export function billsCompute(state: MachineState, provider: CloudProviderId): boolean {
  if (state === 'stopped') return provider === 'azure';
  return state === 'pending' || state === 'running' || state === 'stopping';
}

/** What a long cloud step reports while it waits: the machine as last seen. */
export type ProgressListener = (machine: CloudMachine) => void;

export interface CloudCallOptions {
  readonly signal?: AbortSignal;
}

export interface CloudWaitOptions extends CloudCallOptions {
  readonly onProgress?: ProgressListener;
  /** Default: 10 minutes (a GPU VM can take several). */
  readonly timeoutMs?: number;
}

export interface CloudProvider {
  readonly id: CloudProviderId;
  /** Which account this instance speaks for, in words ("AWS profile course, eu-central-1"). */
  readonly accountLabel: string;
  /** Every machine of the account (all pages), terminated ones left out. */
  listMachines(options?: CloudCallOptions): Promise<CloudMachine[]>;
  /** One machine; `cloud.machine-not-found` when it does not exist (any more). */
  getMachine(id: string, options?: CloudCallOptions): Promise<CloudMachine>;
  /** Asks the cloud to start the machine and, unless `wait: false`, waits until it runs. */
  start(id: string, options?: CloudWaitOptions & { readonly wait?: boolean }): Promise<CloudMachine>;
  /**
   * Stops the machine so it no longer bills compute: AWS StopInstances, Azure **deallocate**
   * (a plain Azure stop keeps billing). Waits until stopped/deallocated unless `wait: false`.
   */
  stop(id: string, options?: CloudWaitOptions & { readonly wait?: boolean }): Promise<CloudMachine>;
  /** Polls until the machine runs (and has its address); fails when it ends up stopped or gone. */
  waitUntilRunning(id: string, options?: CloudWaitOptions): Promise<CloudMachine>;
  /** The address to SSH to now: public IP, else public DNS, else private IP; null when it has none. */
  currentAddress(id: string, options?: CloudCallOptions): Promise<string | null>;
}

/** The address to SSH to, from a machine already described. */
export function addressOf(machine: CloudMachine): string | null {
  return machine.publicIp ?? machine.publicDns ?? machine.privateIp ?? null;
}

/**
 * The account a provider instance speaks for; never holds a credential itself.
 *  - AWS: a profile of ~/.aws/config and ~/.aws/credentials (null: the AWS CLI's default
 *    chain: environment variables, then the `default` profile, SSO included), or access keys
 *    kept in Porthole's vault under `vaultCredential`; and one region.
 *  - Azure: one subscription; the credential is the Azure CLI's login, else a browser login,
 *    else a device code.
 */
export type CloudAccount =
  | { readonly provider: 'aws'; readonly profile: string | null; readonly region: string; readonly vaultCredential?: string }
  | { readonly provider: 'azure'; readonly subscriptionId: string; readonly tenantId?: string };

export function describeAccount(account: CloudAccount): string {
  return account.provider === 'aws'
    ? `AWS ${account.vaultCredential ? `access key “${account.vaultCredential}”` : `profile ${account.profile ?? 'default'}`}, ${account.region}`
    : `Azure subscription ${account.subscriptionId}`;
}
