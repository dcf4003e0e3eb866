/**
 * The world behind the local ARM endpoint (arm-endpoint.ts): subscriptions, VMs with their
 * NIC and public IP, and the long-running operations that move a VM between power states.
 * It also renders each resource in ARM's JSON wire format, shaped on the REST API's
 * documented examples (VirtualMachines_Get with `$expand=instanceView`, VirtualMachines_ListAll
 * with `statusOnly=true`, NetworkInterfaces_Get, PublicIPAddresses_Get, Subscriptions_List).
 *
 * Time does not move a VM: reads do. Every read of a VM's state (GET of the VM, the
 * `statusOnly` listing, a poll of its operation) is one tick; `ticksPerStep` ticks move a
 * starting VM to running, a deallocating one to deallocated. Tests are then deterministic
 * and need no clock, and a client that polls still sees each state in order.
 */
import { randomUUID } from 'node:crypto';

export type PowerState = 'starting' | 'running' | 'stopping' | 'stopped' | 'deallocating' | 'deallocated';

export interface StandInSubscription {
  readonly subscriptionId: string;
  readonly displayName: string;
  readonly tenantId: string;
  readonly state?: 'Enabled' | 'Warned' | 'PastDue' | 'Disabled';
}

export interface StandInVmSpec {
  readonly resourceGroup: string;
  readonly name: string;
  /** Default: the endpoint's first subscription. */
  readonly subscriptionId?: string;
  readonly location?: string;
  readonly size?: string;
  /** Default: deallocated. */
  readonly power?: 'running' | 'stopped' | 'deallocated';
  readonly adminUsername?: string;
  /** Marketplace image; default Ubuntu 22.04 (Canonical). */
  readonly image?: { readonly publisher: string; readonly offer: string; readonly sku: string; readonly version?: string };
  readonly osType?: 'Linux' | 'Windows';
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Its public IP resource: `Static` keeps `address` through deallocation; `Dynamic` (Azure's
   * Basic SKU default) has none while deallocated and gets a new one, from the pool or from
   * `nextPublicIp`, at every start. null: the VM has no public IP at all.
   */
  readonly publicIp?: { readonly allocation: 'Static' | 'Dynamic'; readonly address?: string; readonly domainNameLabel?: string } | null;
  readonly privateIp?: string;
}

export interface StandInOperation {
  readonly id: string;
  readonly kind: 'start' | 'deallocate' | 'powerOff';
  readonly startTime: string;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  endTime?: string;
  error?: { readonly code: string; readonly message: string };
  ticks: number;
}

export interface StandInVm {
  readonly spec: StandInVmSpec;
  readonly subscriptionId: string;
  readonly vmId: string;
  readonly timeCreated: string;
  power: PowerState;
  /** When the last operation ended (ProvisioningState/succeeded's time). */
  provisionedAt: string;
  publicAddress: string | null;
  operation: StandInOperation | null;
  readonly nextPublicIps: string[];
  failNextStart: { readonly code: string; readonly message: string } | null;
  readonly privateIp: string;
  /** On demand: the next start shows the VM running one read before its public IP has its address. */
  lateAddress: boolean;
  pendingAddress: string | null;
  pendingAddressSeen: boolean;
}

/** Addresses from TEST-NET-3 (RFC 5737), given to dynamic public IPs at each start. */
function* addressPool(): Generator<string> {
  for (let host = 10; ; host += 1) yield `203.0.113.${host % 250}`;
}

const DISPLAY: Readonly<Record<PowerState, string>> = {
  starting: 'VM starting',
  running: 'VM running',
  stopping: 'VM stopping',
  stopped: 'VM stopped',
  deallocating: 'VM deallocating',
  deallocated: 'VM deallocated',
};

export class ArmWorld {
  readonly vms = new Map<string, StandInVm>();
  private readonly pool = addressPool();

  constructor(
    readonly baseUrl: string,
    readonly subscriptions: readonly StandInSubscription[],
    specs: readonly StandInVmSpec[],
    private readonly ticksPerStep: number,
  ) {
    for (const spec of specs) this.add(spec);
  }

  static key(subscriptionId: string, resourceGroup: string, name: string): string {
    return `${subscriptionId}/${resourceGroup}/${name}`.toLowerCase();
  }

  add(spec: StandInVmSpec): StandInVm {
    const subscriptionId = spec.subscriptionId ?? this.subscriptions[0]!.subscriptionId;
    const power = spec.power ?? 'deallocated';
    const dynamic = spec.publicIp?.allocation === 'Dynamic';
    const now = new Date().toISOString();
    const vm: StandInVm = {
      spec,
      subscriptionId,
      vmId: randomUUID(),
      timeCreated: now,
      power,
      provisionedAt: now,
      publicAddress: spec.publicIp === null ? null : dynamic && power === 'deallocated' ? null : (spec.publicIp?.address ?? this.pool.next().value!),
      operation: null,
      nextPublicIps: [],
      failNextStart: null,
      privateIp: spec.privateIp ?? `10.0.0.${4 + this.vms.size}`,
      lateAddress: false,
      pendingAddress: null,
      pendingAddressSeen: false,
    };
    this.vms.set(ArmWorld.key(subscriptionId, spec.resourceGroup, spec.name), vm);
    return vm;
  }

  find(subscriptionId: string, resourceGroup: string, name: string): StandInVm | undefined {
    return this.vms.get(ArmWorld.key(subscriptionId, resourceGroup, name));
  }

  inSubscription(subscriptionId: string): StandInVm[] {
    return [...this.vms.values()].filter((vm) => vm.subscriptionId.toLowerCase() === subscriptionId.toLowerCase());
  }

  // -------------------------------------------------------------------------------------
  // Operations

  /** POST .../start or .../deallocate: the operation starts; the VM enters its transition state. */
  begin(vm: StandInVm, kind: StandInOperation['kind']): StandInOperation {
    const operation: StandInOperation = { id: randomUUID(), kind, startTime: new Date().toISOString(), status: 'InProgress', ticks: 0 };
    vm.operation = operation;
    if (kind === 'start' && vm.power !== 'running') vm.power = 'starting';
    if (kind === 'deallocate' && vm.power !== 'deallocated') vm.power = 'deallocating';
    if (kind === 'powerOff' && vm.power === 'running') vm.power = 'stopping';
    return operation;
  }

  /** One read of the VM's state: its operation moves one tick closer to its end. */
  tick(vm: StandInVm): void {
    const operation = vm.operation;
    if (!operation || operation.status !== 'InProgress') return;
    operation.ticks += 1;
    if (operation.kind === 'start' && vm.failNextStart) {
      this.finish(vm, operation, vm.failNextStart);
      vm.failNextStart = null;
      vm.power = 'deallocated';
      return;
    }
    if (operation.ticks < this.ticksPerStep) return;
    if (operation.kind === 'start') {
      if (vm.power !== 'running') {
        vm.power = 'running';
        const dynamic = vm.spec.publicIp?.allocation === 'Dynamic';
        if (vm.spec.publicIp !== null) {
          const address = vm.nextPublicIps.shift() ?? (dynamic || vm.publicAddress === null ? this.pool.next().value! : vm.publicAddress);
          if (vm.lateAddress) {
            vm.publicAddress = null;
            vm.pendingAddress = address;
            vm.lateAddress = false;
          } else {
            vm.publicAddress = address;
          }
        }
      }
    } else if (operation.kind === 'deallocate') {
      vm.power = 'deallocated';
      if (vm.spec.publicIp?.allocation === 'Dynamic') vm.publicAddress = null;
    } else {
      vm.power = 'stopped';
    }
    this.finish(vm, operation);
  }

  private finish(vm: StandInVm, operation: StandInOperation, error?: { code: string; message: string }): void {
    operation.status = error ? 'Failed' : 'Succeeded';
    operation.endTime = new Date().toISOString();
    if (error) operation.error = error;
    vm.provisionedAt = operation.endTime;
  }

  operationById(id: string): { vm: StandInVm; operation: StandInOperation } | undefined {
    for (const vm of this.vms.values()) if (vm.operation?.id === id) return { vm, operation: vm.operation };
    return undefined;
  }

  // -------------------------------------------------------------------------------------
  // ARM's JSON

  vmPath(vm: StandInVm): string {
    return `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.spec.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vm.spec.name}`;
  }

  nicPath(vm: StandInVm): string {
    return `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.spec.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${vm.spec.name}-nic`;
  }

  publicIpPath(vm: StandInVm): string {
    return `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.spec.resourceGroup}/providers/Microsoft.Network/publicIPAddresses/${vm.spec.name}-ip`;
  }

  location(vm: StandInVm): string {
    return vm.spec.location ?? 'westeurope';
  }

  statuses(vm: StandInVm): object[] {
    const busy = vm.operation?.status === 'InProgress';
    return [
      busy
        ? { code: 'ProvisioningState/updating', level: 'Info', displayStatus: 'Updating' }
        : { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time: vm.provisionedAt },
      { code: `PowerState/${vm.power}`, level: 'Info', displayStatus: DISPLAY[vm.power] },
    ];
  }

  vmJson(vm: StandInVm, withInstanceView: boolean): object {
    const { spec } = vm;
    const image = spec.image ?? { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2' };
    const osType = spec.osType ?? 'Linux';
    const admin = spec.adminUsername ?? 'azureuser';
    return {
      name: spec.name,
      id: this.vmPath(vm),
      type: 'Microsoft.Compute/virtualMachines',
      location: this.location(vm),
      ...(spec.tags ? { tags: spec.tags } : {}),
      properties: {
        vmId: vm.vmId,
        hardwareProfile: { vmSize: spec.size ?? 'Standard_D2s_v3' },
        storageProfile: {
          imageReference: { ...image, version: image.version ?? 'latest', exactVersion: '22.04.202501010' },
          osDisk: {
            osType,
            name: `${spec.name}_OsDisk_1`,
            createOption: 'FromImage',
            caching: 'ReadWrite',
            managedDisk: { storageAccountType: 'Premium_LRS', id: `/subscriptions/${vm.subscriptionId}/resourceGroups/${spec.resourceGroup}/providers/Microsoft.Compute/disks/${spec.name}_OsDisk_1` },
            deleteOption: 'Delete',
            diskSizeGB: 30,
          },
          dataDisks: [],
        },
        osProfile: {
          computerName: spec.name,
          adminUsername: admin,
          ...(osType === 'Windows'
            ? { windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true } }
            : { linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: `/home/${admin}/.ssh/authorized_keys`, keyData: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPortholeStandInKeyOnly' }] }, provisionVMAgent: true } }),
          secrets: [],
          allowExtensionOperations: true,
          requireGuestProvisionSignal: true,
        },
        networkProfile: { networkInterfaces: [{ id: this.nicPath(vm), properties: { primary: true } }] },
        provisioningState: vm.operation?.status === 'InProgress' ? 'Updating' : 'Succeeded',
        timeCreated: vm.timeCreated,
        ...(withInstanceView
          ? { instanceView: { computerName: spec.name, osName: osType === 'Linux' ? 'ubuntu' : 'Windows Server 2022 Datacenter', osVersion: '22.04', hyperVGeneration: 'V2', statuses: this.statuses(vm) } }
          : {}),
      },
    };
  }

  /** An entry of the `statusOnly=true` listing: the power state, without the model. */
  vmStatusJson(vm: StandInVm): object {
    return {
      name: vm.spec.name,
      id: this.vmPath(vm),
      type: 'Microsoft.Compute/virtualMachines',
      location: this.location(vm),
      properties: { vmId: vm.vmId, instanceView: { computerName: vm.spec.name, statuses: this.statuses(vm) } },
    };
  }

  nicJson(vm: StandInVm): object {
    const id = this.nicPath(vm);
    return {
      name: `${vm.spec.name}-nic`,
      id,
      etag: `W/"${vm.vmId}"`,
      type: 'Microsoft.Network/networkInterfaces',
      location: this.location(vm),
      properties: {
        provisioningState: 'Succeeded',
        resourceGuid: vm.vmId,
        ipConfigurations: [
          {
            name: 'ipconfig1',
            id: `${id}/ipConfigurations/ipconfig1`,
            type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
            properties: {
              provisioningState: 'Succeeded',
              privateIPAddress: vm.privateIp,
              privateIPAllocationMethod: 'Dynamic',
              ...(vm.spec.publicIp === null ? {} : { publicIPAddress: { id: this.publicIpPath(vm) } }),
              subnet: { id: `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.spec.resourceGroup}/providers/Microsoft.Network/virtualNetworks/${vm.spec.resourceGroup}-vnet/subnets/default` },
              primary: true,
              privateIPAddressVersion: 'IPv4',
            },
          },
        ],
        dnsSettings: { dnsServers: [], appliedDnsServers: [], internalDomainNameSuffix: 'standin.ax.internal.cloudapp.net' },
        macAddress: '00-0D-3A-00-00-01',
        enableAcceleratedNetworking: false,
        enableIPForwarding: false,
        primary: true,
        virtualMachine: { id: this.vmPath(vm) },
        nicType: 'Standard',
      },
    };
  }

  /**
   * A read of the VM's public IP: a late address (lateAddressAtNextStart) shows up at the
   * read after the first one that found the VM running without it.
   */
  readPublicIp(vm: StandInVm): object | null {
    if (vm.pendingAddress !== null && vm.power === 'running') {
      if (vm.publicAddress === null && vm.pendingAddressSeen) {
        vm.publicAddress = vm.pendingAddress;
        vm.pendingAddress = null;
        vm.pendingAddressSeen = false;
      } else {
        vm.pendingAddressSeen = true;
      }
    }
    return this.publicIpJson(vm);
  }

  /** null when the VM has no public IP resource. */
  publicIpJson(vm: StandInVm): object | null {
    const spec = vm.spec.publicIp;
    if (spec === null) return null;
    const allocation = spec?.allocation ?? 'Static';
    return {
      name: `${vm.spec.name}-ip`,
      id: this.publicIpPath(vm),
      etag: `W/"${vm.vmId}"`,
      location: this.location(vm),
      type: 'Microsoft.Network/publicIPAddresses',
      sku: { name: allocation === 'Dynamic' ? 'Basic' : 'Standard', tier: 'Regional' },
      properties: {
        provisioningState: 'Succeeded',
        resourceGuid: vm.vmId,
        ...(vm.publicAddress === null ? {} : { ipAddress: vm.publicAddress }),
        publicIPAddressVersion: 'IPv4',
        publicIPAllocationMethod: allocation,
        idleTimeoutInMinutes: 4,
        ...(spec?.domainNameLabel ? { dnsSettings: { domainNameLabel: spec.domainNameLabel, fqdn: `${spec.domainNameLabel}.${this.location(vm)}.cloudapp.azure.com` } } : {}),
        ipTags: [],
        ipConfiguration: { id: `${this.nicPath(vm)}/ipConfigurations/ipconfig1` },
      },
    };
  }

  subscriptionJson(subscription: StandInSubscription): object {
    return {
      id: `/subscriptions/${subscription.subscriptionId}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      subscriptionId: subscription.subscriptionId,
      tenantId: subscription.tenantId,
      displayName: subscription.displayName,
      state: subscription.state ?? 'Enabled',
      subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'AzureForStudents_2018-01-01', spendingLimit: 'On' },
    };
  }

  /** The body of a poll of an operation (Azure-AsyncOperation), as Microsoft.Compute answers it. */
  operationJson(operation: StandInOperation): object {
    return {
      startTime: operation.startTime,
      ...(operation.endTime ? { endTime: operation.endTime } : {}),
      status: operation.status,
      ...(operation.error ? { error: operation.error } : {}),
      name: operation.id,
    };
  }
}
