/**
 * An EC2 instance, as DescribeInstances returns it, in the words every cloud shares
 * (CloudMachine). Pure: the image facts are looked up elsewhere (images-lookup.ts) and
 * passed in, or null when unknown.
 */
import type { Instance, InstanceStateName } from '@aws-sdk/client-ec2';
import type { CloudMachine, MachineState } from '../provider';
import { guessImage, type ImageFacts } from './images';

/** EC2's six states; `shutting-down` is on its way to `terminated`. */
export function machineState(name: InstanceStateName | string | undefined): MachineState {
  switch (name) {
    case 'pending':
    case 'running':
    case 'stopping':
    case 'stopped':
    case 'terminated':
      return name;
    case 'shutting-down':
      return 'terminating';
    default:
      return 'unknown';
  }
}

/** What DescribeImages said about the instance's AMI; null when it could not be looked up. */
export interface ImageRecord {
  readonly name: string | null;
  readonly description: string | null;
  readonly platformDetails: string | null;
}

export function toCloudMachine(instance: Instance, region: string, image: ImageRecord | null): CloudMachine {
  const id = instance.InstanceId ?? '';
  const facts: ImageFacts = {
    name: image?.name ?? null,
    description: image?.description ?? null,
    platform: instance.Platform ?? null,
    platformDetails: instance.PlatformDetails ?? image?.platformDetails ?? null,
  };
  const guess = guessImage(facts);
  const rawState = instance.State?.Name ?? 'unknown';
  return {
    provider: 'aws',
    id,
    uniqueId: id,
    name: nameTag(instance) ?? id,
    state: machineState(rawState),
    rawState,
    instanceType: instance.InstanceType ?? 'unknown',
    region,
    publicIp: nonEmpty(instance.PublicIpAddress),
    publicDns: nonEmpty(instance.PublicDnsName),
    privateIp: nonEmpty(instance.PrivateIpAddress),
    privateDns: nonEmpty(instance.PrivateDnsName),
    keyName: nonEmpty(instance.KeyName),
    defaultUser: guess.defaultUser,
    image: guess.label ?? nonEmpty(instance.ImageId),
    knownImage: guess.knownImage,
    platform: guess.platform,
    launchedAt: instance.LaunchTime instanceof Date && !Number.isNaN(instance.LaunchTime.getTime()) ? instance.LaunchTime.getTime() : null,
    resourceGroup: null,
    subscriptionId: null,
  };
}

function nameTag(instance: Instance): string | null {
  return nonEmpty(instance.Tags?.find((tag) => tag.Key === 'Name')?.Value);
}

/** EC2 answers "" for a DNS name it does not have (a stopped instance's public DNS). */
function nonEmpty(value: string | undefined | null): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}
