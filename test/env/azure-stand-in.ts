/**
 * Azure for tests in one call: the local ARM endpoint and the `az` stand-in that hands out
 * its token, and the environment a `porthole` child process needs to use both.
 *
 *   const azure = await startAzureStandIn({ vms: [{ resourceGroup: 'course-rg', name: 'gpu-01', power: 'deallocated' }] });
 *   // in this process: createAzureProvider({ provider: 'azure', subscriptionId: azure.subscriptionId }, { armEndpoint: azure.arm.url })
 *   //   (the Azure CLI credential finds `az` on PATH: call azure.useInThisProcess() first)
 *   // in a child:      spawn(..., { env: { ...process.env, ...azure.env } })
 *   await azure.close();
 *
 * The certificate is trusted through NODE_EXTRA_CA_CERTS, which the global setup sets
 * before workers start (test-tls.ts); children inherit it.
 */
import { ARM_ENDPOINT_ENV } from '../../main/cloud/azure/endpoint';
import { startArmEndpoint, type ArmEndpoint, type ArmEndpointOptions, type StandInVmSpec } from './arm-endpoint';
import { installAzCliStandIn, type AzCliStandIn, type AzLoginState } from './az-cli-stand-in';

export interface AzureStandIn {
  readonly arm: ArmEndpoint;
  readonly az: AzCliStandIn;
  /** The first subscription's id. */
  readonly subscriptionId: string;
  /** PATH (with the `az` stand-in first) and PORTHOLE_AZURE_ARM_ENDPOINT, for a child process. */
  readonly env: Readonly<Record<string, string>>;
  /** Puts the `az` stand-in first on this process's PATH until close(). */
  useInThisProcess(): void;
  close(): Promise<void>;
}

export async function startAzureStandIn(options: ArmEndpointOptions & { readonly login?: AzLoginState } = {}): Promise<AzureStandIn> {
  const arm = await startArmEndpoint(options);
  const subscriptionId = arm.subscriptions[0]!.subscriptionId;
  const az = installAzCliStandIn({ accessToken: arm.accessToken, tenantId: arm.tenantId, subscriptionId }, options.login ?? 'logged-in');
  let savedPath: string | undefined | null = null;
  return {
    arm,
    az,
    subscriptionId,
    env: { PATH: az.path(), [ARM_ENDPOINT_ENV]: arm.url },
    useInThisProcess() {
      if (savedPath === null) savedPath = process.env['PATH'];
      process.env['PATH'] = az.path(savedPath);
    },
    async close() {
      if (savedPath !== null) {
        if (savedPath === undefined) delete process.env['PATH'];
        else process.env['PATH'] = savedPath;
        savedPath = null;
      }
      await arm.close();
    },
  };
}

/**
 * A deallocated VM whose public IP is 127.0.0.1, for end-to-end tests that start it and then
 * SSH to the test sshd on loopback (give `adminUsername` = the test user). To stand for a
 * restart that changes the address, `arm.nextPublicIp(id, '127.0.0.2')` before the next
 * start moves it to another loopback address, where a second sshd can listen.
 */
export function loopbackVm(overrides: Partial<StandInVmSpec> = {}): StandInVmSpec {
  return { resourceGroup: 'course-rg', name: 'loopback-vm', power: 'deallocated', publicIp: { allocation: 'Static', address: '127.0.0.1' }, ...overrides };
}
