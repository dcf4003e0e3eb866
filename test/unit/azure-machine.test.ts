/** ARM's VM, NIC and public IP -> CloudMachine; Porthole's `resourceGroup/vmName` ids; the ARM endpoint setting. */
import type { VirtualMachine } from '@azure/arm-compute';
import { describe, expect, it } from 'vitest';
import { ARM_ENDPOINT_ENV, armEndpoint, PUBLIC_ARM_ENDPOINT } from '../../main/cloud/azure/endpoint';
import { describeImage, knownImageOf, machineStateOf, operationInProgress, toCloudMachine } from '../../main/cloud/azure/machine';
import { parseMachineId, parseResourceId } from '../../main/cloud/azure/resource-ids';
import { billsCompute } from '../../main/cloud/provider';

const SUB = 'c0ffee00-0000-4000-8000-000000000001';
const VM_ID = `/subscriptions/${SUB}/resourceGroups/Course-RG/providers/Microsoft.Compute/virtualMachines/gpu-01`;
const power = (word: string) => [{ code: 'ProvisioningState/succeeded', time: new Date('2025-04-07T09:00:00Z') }, { code: `PowerState/${word}` }];

function vm(extra: Partial<VirtualMachine> = {}): VirtualMachine {
  return {
    id: VM_ID,
    name: 'gpu-01',
    location: 'westeurope',
    vmId: '9f1c2d3e-0000-4000-8000-00000000abcd',
    hardwareProfile: { vmSize: 'Standard_NC6s_v3' },
    storageProfile: { imageReference: { publisher: 'Canonical', offer: '0001-com-ubuntu-server-jammy', sku: '22_04-lts-gen2' }, osDisk: { osType: 'Linux', createOption: 'FromImage' } },
    osProfile: { adminUsername: 'azureuser' },
    networkProfile: { networkInterfaces: [{ id: `/subscriptions/${SUB}/resourceGroups/net-rg/providers/Microsoft.Network/networkInterfaces/gpu-01-nic`, primary: true }] },
    ...extra,
  } as VirtualMachine;
}

describe('Azure power states', () => {
  it.each([
    ['starting', 'pending'],
    ['running', 'running'],
    ['stopping', 'stopping'],
    ['stopped', 'stopped'],
    ['deallocating', 'deallocating'],
    ['deallocated', 'deallocated'],
    ['hibernated', 'deallocated'],
    ['unknown', 'unknown'],
  ] as const)('PowerState/%s -> %s', (word, state) => {
    expect(machineStateOf(vm(), power(word))).toBe(state);
  });

  it('"stopped" still bills the VM and "deallocated" does not', () => {
    expect(billsCompute(machineStateOf(vm(), power('stopped')), 'azure')).toBe(true);
    expect(billsCompute(machineStateOf(vm(), power('deallocated')), 'azure')).toBe(false);
    // A stopped EC2 instance does not bill compute.
    expect(billsCompute('stopped', 'aws')).toBe(false);
    expect(billsCompute('stopped', 'azure')).toBe(true);
  });

  it('no instance view is unknown; a VM being deleted is terminating', () => {
    expect(machineStateOf(vm(), undefined)).toBe('unknown');
    expect(machineStateOf(vm({ provisioningState: 'Deleting' }), power('running'))).toBe('terminating');
  });

  it('an operation in progress shows as ProvisioningState/updating', () => {
    expect(operationInProgress([{ code: 'ProvisioningState/updating' }, { code: 'PowerState/deallocated' }])).toBe(true);
    expect(operationInProgress(power('deallocated'))).toBe(false);
  });
});

describe('toCloudMachine', () => {
  it('joins the VM, its primary NIC and that NIC\'s public IP', () => {
    const machine = toCloudMachine(
      {
        vm: vm(),
        statuses: power('running'),
        nic: { ipConfigurations: [{ privateIPAddress: '10.0.0.9' }, { primary: true, privateIPAddress: '10.0.0.4', publicIPAddress: { id: 'x' } }], dnsSettings: { internalFqdn: 'gpu-01.internal.example' } },
        publicIp: { ipAddress: '198.51.100.7', dnsSettings: { fqdn: 'gpu-01.westeurope.cloudapp.azure.com' } },
      },
      SUB,
    );
    expect(machine).toEqual({
      provider: 'azure',
      id: 'Course-RG/gpu-01',
      uniqueId: '9f1c2d3e-0000-4000-8000-00000000abcd',
      name: 'gpu-01',
      state: 'running',
      rawState: 'PowerState/running',
      instanceType: 'Standard_NC6s_v3',
      region: 'westeurope',
      publicIp: '198.51.100.7',
      publicDns: 'gpu-01.westeurope.cloudapp.azure.com',
      privateIp: '10.0.0.4',
      privateDns: 'gpu-01.internal.example',
      keyName: null,
      defaultUser: 'azureuser',
      image: 'Canonical:0001-com-ubuntu-server-jammy:22_04-lts-gen2',
      knownImage: null,
      platform: 'linux',
      launchedAt: Date.parse('2025-04-07T09:00:00Z'),
      resourceGroup: 'Course-RG',
      subscriptionId: SUB,
    });
  });

  it('a VM without NIC data, osProfile or instance view still maps, with nulls', () => {
    const machine = toCloudMachine({ vm: vm({ osProfile: undefined, storageProfile: { osDisk: { osType: 'Windows', createOption: 'Attach' } } }), statuses: undefined, nic: undefined, publicIp: undefined }, SUB);
    expect(machine).toMatchObject({ state: 'unknown', rawState: 'unknown', publicIp: null, privateIp: null, defaultUser: null, image: null, platform: 'windows', launchedAt: null });
  });
});

describe('known images', () => {
  it('the Data Science VM by its publisher; The Littlest JupyterHub only by a jupyterhub=tljh tag', () => {
    expect(knownImageOf(vm({ storageProfile: { imageReference: { publisher: 'microsoft-dsvm', offer: 'ubuntu-2204', sku: '2204-gen2' } } }))).toBe('azure-dsvm');
    expect(knownImageOf(vm({ tags: { JupyterHub: 'TLJH' } }))).toBe('tljh');
    expect(knownImageOf(vm())).toBeNull();
  });

  it('describes marketplace images by URN, custom ones by name', () => {
    expect(describeImage({ publisher: 'microsoft-dsvm', offer: 'ubuntu-2204', sku: '2204-gen2' })).toBe('Data Science Virtual Machine (microsoft-dsvm:ubuntu-2204:2204-gen2)');
    expect(describeImage({ id: `/subscriptions/${SUB}/resourceGroups/img/providers/Microsoft.Compute/galleries/lab/images/course-image/versions/1.0.0` })).toBe('custom image course-image 1.0.0');
    expect(describeImage({ id: `/subscriptions/${SUB}/resourceGroups/img/providers/Microsoft.Compute/images/my-image` })).toBe('custom image my-image');
    expect(describeImage(undefined)).toBeNull();
  });
});

describe('ids', () => {
  it('reads ARM resource ids case-insensitively', () => {
    expect(parseResourceId(`/SUBSCRIPTIONS/${SUB}/resourcegroups/rg/providers/Microsoft.Network/publicIPAddresses/ip%201`)).toEqual({ subscriptionId: SUB, resourceGroup: 'rg', type: 'Microsoft.Network/publicIPAddresses', name: 'ip 1' });
    expect(parseResourceId('/subscriptions/x/resourceGroups/rg')).toBeNull();
    expect(parseResourceId(undefined)).toBeNull();
  });

  it('takes RESOURCE-GROUP/VM-NAME and refuses anything else with how to write it', () => {
    expect(parseMachineId(' course-rg/gpu-01 ')).toEqual({ resourceGroup: 'course-rg', vmName: 'gpu-01' });
    expect(parseMachineId('My.Group(1)/vm_2')).toEqual({ resourceGroup: 'My.Group(1)', vmName: 'vm_2' });
    for (const bad of ['gpu-01', 'a/b/c', '/gpu-01', 'rg/', 'rg./vm', 'rg/vm name', 'rg/vm?x']) {
      expect(() => parseMachineId(bad), bad).toThrow(expect.objectContaining({ code: 'azure.invalid-vm-id', hint: expect.stringContaining('RESOURCE-GROUP/VM-NAME') }));
    }
  });
});

describe('the ARM endpoint', () => {
  it('is Azure\'s public cloud unless PORTHOLE_AZURE_ARM_ENDPOINT names another https address', () => {
    expect(armEndpoint({})).toBe(PUBLIC_ARM_ENDPOINT);
    expect(armEndpoint({ [ARM_ENDPOINT_ENV]: 'https://127.0.0.1:8443/' })).toBe('https://127.0.0.1:8443');
    expect(armEndpoint({ [ARM_ENDPOINT_ENV]: 'https://management.usgovcloudapi.net' })).toBe('https://management.usgovcloudapi.net');
    for (const bad of ['http://127.0.0.1:8080', 'management.azure.com', 'https://x/?a=b']) {
      expect(() => armEndpoint({ [ARM_ENDPOINT_ENV]: bad }), bad).toThrow(expect.objectContaining({ code: 'azure.bad-endpoint' }));
    }
  });
});
