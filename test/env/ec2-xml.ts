/**
 * EC2 Query API responses (API version 2016-11-15) for the stand-in, in the shape of the
 * examples in the EC2 API Reference: DescribeInstancesResponse with reservationSet /
 * instancesSet items, DescribeImagesResponse with imagesSet, Start/StopInstancesResponse
 * with currentState / previousState, and the error document
 * `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>`.
 */
export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** EC2's numeric state codes (the low byte of instanceState/code). */
export const STATE_CODES = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 } as const;
export type Ec2StateName = keyof typeof STATE_CODES;

export interface InstanceXml {
  readonly instanceId: string;
  readonly imageId: string;
  readonly state: Ec2StateName;
  readonly privateDnsName: string;
  readonly dnsName: string;
  readonly keyName: string | null;
  readonly instanceType: string;
  readonly launchTime: Date;
  readonly availabilityZone: string;
  readonly privateIpAddress: string;
  readonly ipAddress: string | null;
  readonly platform: string | null;
  readonly platformDetails: string;
  readonly architecture: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly reservationId: string;
  readonly ownerId: string;
  readonly stateReason: string | null;
}

export interface ImageXml {
  readonly imageId: string;
  readonly name: string;
  readonly description: string | null;
  readonly ownerId: string;
  readonly ownerAlias: string | null;
  readonly platformDetails: string;
  readonly architecture: string;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

const el = (name: string, value: string | number | boolean | null): string => (value === null || value === '' ? `<${name}/>` : `<${name}>${escapeXml(String(value))}</${name}>`);

function stateXml(name: string, state: Ec2StateName): string {
  return `<${name}><code>${STATE_CODES[state]}</code><name>${state}</name></${name}>`;
}

function tagSet(tags: Readonly<Record<string, string>>): string {
  const items = Object.entries(tags).map(([key, value]) => `<item>${el('key', key)}${el('value', value)}</item>`);
  return items.length === 0 ? '<tagSet/>' : `<tagSet>${items.join('')}</tagSet>`;
}

function instanceXml(i: InstanceXml): string {
  return [
    '<item>',
    el('instanceId', i.instanceId),
    el('imageId', i.imageId),
    stateXml('instanceState', i.state),
    el('privateDnsName', i.privateDnsName),
    el('dnsName', i.dnsName),
    el('reason', i.stateReason ?? ''),
    i.keyName === null ? '' : el('keyName', i.keyName),
    el('amiLaunchIndex', 0),
    '<productCodes/>',
    el('instanceType', i.instanceType),
    el('launchTime', i.launchTime.toISOString()),
    `<placement>${el('availabilityZone', i.availabilityZone)}<groupName/>${el('tenancy', 'default')}</placement>`,
    i.platform === null ? '' : el('platform', i.platform),
    `<monitoring>${el('state', 'disabled')}</monitoring>`,
    el('subnetId', 'subnet-0a1b2c3d4e5f60718'),
    el('vpcId', 'vpc-0a1b2c3d4e5f60718'),
    el('privateIpAddress', i.privateIpAddress),
    i.ipAddress === null ? '' : el('ipAddress', i.ipAddress),
    el('sourceDestCheck', true),
    `<groupSet><item>${el('groupId', 'sg-0a1b2c3d4e5f60718')}${el('groupName', 'launch-wizard-1')}</item></groupSet>`,
    i.stateReason === null ? '' : `<stateReason>${el('code', 'Client.UserInitiatedShutdown')}${el('message', i.stateReason)}</stateReason>`,
    el('architecture', i.architecture),
    el('rootDeviceType', 'ebs'),
    el('rootDeviceName', '/dev/sda1'),
    '<blockDeviceMapping/>',
    el('virtualizationType', 'hvm'),
    '<clientToken/>',
    tagSet(i.tags),
    el('hypervisor', 'xen'),
    '<networkInterfaceSet/>',
    el('ebsOptimized', false),
    el('enaSupport', true),
    el('platformDetails', i.platformDetails),
    el('usageOperation', 'RunInstances'),
    '</item>',
  ].join('');
}

export function describeInstancesXml(requestId: string, instances: readonly InstanceXml[], nextToken: string | null): string {
  // One reservation per instance, as when each was launched on its own.
  const reservations = instances.map(
    (i) => `<item>${el('reservationId', i.reservationId)}${el('ownerId', i.ownerId)}<groupSet/><instancesSet>${instanceXml(i)}</instancesSet></item>`,
  );
  return document('DescribeInstancesResponse', requestId, `${reservations.length === 0 ? '<reservationSet/>' : `<reservationSet>${reservations.join('')}</reservationSet>`}${nextToken === null ? '' : el('nextToken', nextToken)}`);
}

export function describeImagesXml(requestId: string, images: readonly ImageXml[]): string {
  const items = images.map((image) =>
    [
      '<item>',
      el('imageId', image.imageId),
      el('imageLocation', `${image.ownerAlias ?? image.ownerId}/${image.name}`),
      el('imageState', 'available'),
      el('imageOwnerId', image.ownerId),
      el('isPublic', true),
      el('architecture', image.architecture),
      el('imageType', 'machine'),
      image.ownerAlias === null ? '' : el('imageOwnerAlias', image.ownerAlias),
      el('name', image.name),
      image.description === null ? '' : el('description', image.description),
      el('rootDeviceType', 'ebs'),
      el('rootDeviceName', '/dev/sda1'),
      '<blockDeviceMapping/>',
      el('virtualizationType', 'hvm'),
      '<tagSet/>',
      el('hypervisor', 'xen'),
      el('platformDetails', image.platformDetails),
      el('usageOperation', 'RunInstances'),
      '</item>',
    ].join(''),
  );
  return document('DescribeImagesResponse', requestId, items.length === 0 ? '<imagesSet/>' : `<imagesSet>${items.join('')}</imagesSet>`);
}

export interface StateChange {
  readonly instanceId: string;
  readonly previous: Ec2StateName;
  readonly current: Ec2StateName;
}

/** StartInstancesResponse / StopInstancesResponse. */
export function stateChangeXml(action: 'StartInstances' | 'StopInstances', requestId: string, changes: readonly StateChange[]): string {
  const items = changes.map((c) => `<item>${el('instanceId', c.instanceId)}${stateXml('currentState', c.current)}${stateXml('previousState', c.previous)}</item>`);
  return document(`${action}Response`, requestId, `<instancesSet>${items.join('')}</instancesSet>`);
}

export function errorXml(requestId: string, code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>${el('Code', code)}${el('Message', message)}</Error></Errors>${el('RequestID', requestId)}</Response>`;
}

function document(root: string, requestId: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${EC2_XMLNS}">${el('requestId', requestId)}${body}</${root}>`;
}
