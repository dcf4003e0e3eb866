/**
 * A local stand-in for Amazon EC2 that speaks its real wire format, for the real SDK
 * client: the Query API (form-encoded POST `Action=…&Version=2016-11-15`, SigV4-signed)
 * answered with the XML of the EC2 API Reference (ec2-xml.ts). Point a client at it with
 * `AWS_ENDPOINT_URL_EC2=<url>` (what `env()` returns), as the AWS CLI honours it.
 *
 * Actions: DescribeInstances (InstanceId.N, Filter.N with instance-state-name, tag:Name,
 * tag-key, instance-id, instance-type, key-name, and EC2's * and ? wildcards; MaxResults
 * 5–1000 with nextToken paging, refused together with InstanceId.N as EC2 does),
 * DescribeImages (ImageId.N, Filter image-id / name), StartInstances, StopInstances.
 * Anything else: InvalidAction.
 *
 * What the test controls:
 *  - the instances and images (`addInstance`, `addImage`);
 *  - state transitions: pending -> running and stopping -> stopped (shutting-down ->
 *    terminated) happen after the instance was shown in `describesPerStep` describe
 *    calls (default 1: the first describe after a start still says pending), or when the
 *    test calls `advance(id)`; `hold(id)` freezes an instance in its current state;
 *  - addresses: every start hands out a new public IP (the instance's `publicIps` first,
 *    e.g. 127.0.0.1 so SSH reaches a test sshd, then 203.0.113.x); stopping releases it;
 *  - faults: `failNext` (any error code/status, e.g. throttling: RequestLimitExceeded 503),
 *    `expireCredential` (RequestExpired 400, as EC2 answers for an expired session token,
 *    or ExpiredToken), `deny` (UnauthorizedOperation 403 naming the IAM action);
 *  - credentials: every request must carry a valid SigV4 signature by a known access key
 *    (AuthFailure 401 otherwise); `requests` records which key signed what.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkSigV4 } from './aws-sigv4';
import { describeImagesXml, describeInstancesXml, errorXml, stateChangeXml, type Ec2StateName, type ImageXml, type InstanceXml, type StateChange } from './ec2-xml';

export const STAND_IN_ACCOUNT_ID = '123456789012';
/** The example key pair of the AWS documentation; the stand-in accepts it unless told otherwise. */
export const EXAMPLE_CREDENTIAL: Ec2Credential = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

/** AMIs as AWS names them, for seeding: a Deep Learning AMI, Ubuntu, Amazon Linux. */
export const KNOWN_IMAGES = {
  deepLearning: { imageId: 'ami-0d1e2a3b4c5d6e7f8', name: 'Deep Learning OSS Nvidia Driver AMI GPU PyTorch 2.3.0 (Ubuntu 20.04) 20240606', ownerAlias: 'amazon' },
  ubuntu: { imageId: 'ami-0a1b2c3d4e5f60718', name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240207.1' },
  amazonLinux: { imageId: 'ami-0f0e0d0c0b0a09080', name: 'al2023-ami-2023.4.20240401.1-kernel-6.1-x86_64', ownerAlias: 'amazon' },
} as const satisfies Record<string, ImageSeed>;

export interface Ec2Credential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials: the request must carry this X-Amz-Security-Token. */
  readonly sessionToken?: string;
}

export interface InstanceSeed {
  readonly id: string;
  /** The Name tag. */
  readonly name?: string;
  readonly state?: Ec2StateName;
  readonly instanceType?: string;
  readonly imageId?: string;
  readonly keyName?: string | null;
  readonly privateIp?: string;
  /** Public IPs handed out by the next starts, in order (then 203.0.113.x). */
  readonly publicIps?: readonly string[];
  readonly platform?: 'windows';
  readonly platformDetails?: string;
  readonly launchTime?: Date;
  readonly tags?: Readonly<Record<string, string>>;
  readonly describesPerStep?: number;
}

export interface ImageSeed {
  readonly imageId: string;
  readonly name: string;
  readonly description?: string;
  readonly ownerAlias?: string;
  readonly platformDetails?: string;
}

export interface Ec2Fault {
  /** Only this action fails (default: any). */
  readonly action?: string;
  readonly code: string;
  readonly status: number;
  readonly message?: string;
  /** How many matching requests fail (default 1). */
  readonly times?: number;
}

export interface Ec2Request {
  readonly action: string;
  readonly accessKeyId: string | null;
  readonly params: Readonly<Record<string, string>>;
  readonly status: number;
  /** The error code answered, if any. */
  readonly error: string | null;
}

export interface InstanceView {
  readonly id: string;
  readonly state: Ec2StateName;
  readonly publicIp: string | null;
  readonly starts: number;
  readonly stops: number;
}

export interface Ec2EndpointOptions {
  readonly region?: string;
  /** Access keys the stand-in accepts (default: EXAMPLE_CREDENTIAL). */
  readonly credentials?: readonly Ec2Credential[];
  readonly instances?: readonly InstanceSeed[];
  readonly images?: readonly ImageSeed[];
  /** Describe calls an instance is shown in a transitional state before it moves on (default 1). */
  readonly describesPerStep?: number;
}

export interface Ec2Endpoint {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly region: string;
  /** Every request answered, in order. */
  readonly requests: readonly Ec2Request[];
  /** The environment that sends the AWS SDK and CLI here. */
  env(): { AWS_ENDPOINT_URL_EC2: string };
  addInstance(seed: InstanceSeed): void;
  addImage(seed: ImageSeed): void;
  addCredential(credential: Ec2Credential): void;
  instance(id: string): InstanceView;
  /** Puts an instance in a state now (a stopped one loses its public IP; a running one gets one). */
  setState(id: string, state: Ec2StateName): void;
  /** One transition now: pending -> running, stopping -> stopped, shutting-down -> terminated. */
  advance(id: string): Ec2StateName;
  /** While held, describes do not move the instance on (advance() still does). */
  hold(id: string, held?: boolean): void;
  /** The public IP the next start hands out. */
  queuePublicIp(id: string, ip: string): void;
  failNext(fault: Ec2Fault): void;
  /** RequestLimitExceeded (503) for the next `times` requests (of `action`, if given). */
  throttleNext(times: number, action?: string): void;
  /** From now on, requests signed with this key get RequestExpired (or ExpiredToken) 400. */
  expireCredential(accessKeyId: string, code?: 'RequestExpired' | 'ExpiredToken'): void;
  /** UnauthorizedOperation 403 for this action (ec2:<action> is named in the message). */
  deny(action: string): void;
  stop(): Promise<void>;
}

interface LiveInstance {
  seed: InstanceSeed;
  state: Ec2StateName;
  publicIp: string | null;
  queuedIps: string[];
  launchTime: Date;
  shownInState: number;
  held: boolean;
  starts: number;
  stops: number;
  stateReason: string | null;
}

const ACTIONS = new Set(['DescribeInstances', 'DescribeImages', 'StartInstances', 'StopInstances']);
const NEXT: Partial<Record<Ec2StateName, Ec2StateName>> = { pending: 'running', stopping: 'stopped', 'shutting-down': 'terminated' };
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

export async function startEc2Endpoint(options: Ec2EndpointOptions = {}): Promise<Ec2Endpoint> {
  const region = options.region ?? 'eu-central-1';
  const describesPerStep = options.describesPerStep ?? 1;
  const credentials = new Map<string, Ec2Credential>((options.credentials ?? [EXAMPLE_CREDENTIAL]).map((c) => [c.accessKeyId, c]));
  const expired = new Map<string, 'RequestExpired' | 'ExpiredToken'>();
  const denied = new Set<string>();
  const faults: { fault: Ec2Fault; left: number }[] = [];
  const instances = new Map<string, LiveInstance>();
  const images = new Map<string, ImageSeed>();
  const requests: Ec2Request[] = [];
  let nextIp = 10;

  const publicIpFor = (live: LiveInstance): string => live.queuedIps.shift() ?? `203.0.113.${nextIp++}`;
  const enter = (live: LiveInstance, state: Ec2StateName) => {
    live.state = state;
    live.shownInState = 0;
    if (state === 'running' && live.publicIp === null) live.publicIp = publicIpFor(live);
    if (state === 'stopped' || state === 'terminated') live.publicIp = null;
    if (state === 'pending') live.launchTime = new Date();
    live.stateReason = state === 'stopped' ? 'User initiated' : null;
  };
  const get = (id: string): LiveInstance => {
    const live = instances.get(id);
    if (live === undefined) throw new Error(`The stand-in has no instance ${id}`);
    return live;
  };
  const addInstance = (seed: InstanceSeed) => {
    const live: LiveInstance = { seed, state: 'stopped', publicIp: null, queuedIps: [...(seed.publicIps ?? [])], launchTime: seed.launchTime ?? new Date('2025-09-01T08:00:00Z'), shownInState: 0, held: false, starts: 0, stops: 0, stateReason: null };
    enter(live, seed.state ?? 'stopped');
    if (seed.launchTime) live.launchTime = seed.launchTime;
    instances.set(seed.id, live);
  };
  for (const seed of options.instances ?? []) addInstance(seed);
  for (const seed of options.images ?? []) images.set(seed.imageId, seed);

  const view = (live: LiveInstance): InstanceXml => {
    const seed = live.seed;
    const privateIp = seed.privateIp ?? `172.31.${(hash(seed.id) >> 8) & 255}.${hash(seed.id) & 255}`;
    const loopback = live.publicIp?.startsWith('127.') ?? false;
    return {
      instanceId: seed.id,
      imageId: seed.imageId ?? 'ami-0abcdef1234567890',
      state: live.state,
      privateDnsName: live.state === 'terminated' ? '' : `ip-${privateIp.replace(/\./g, '-')}.${region}.compute.internal`,
      dnsName: live.publicIp === null || loopback ? '' : `ec2-${live.publicIp.replace(/\./g, '-')}.${region}.compute.amazonaws.com`,
      keyName: seed.keyName === undefined ? 'course-key' : seed.keyName,
      instanceType: seed.instanceType ?? 't3.medium',
      launchTime: live.launchTime,
      availabilityZone: `${region}a`,
      privateIpAddress: privateIp,
      ipAddress: live.publicIp,
      platform: seed.platform ?? null,
      platformDetails: seed.platformDetails ?? (seed.platform === 'windows' ? 'Windows' : 'Linux/UNIX'),
      architecture: 'x86_64',
      tags: { ...(seed.name === undefined ? {} : { Name: seed.name }), ...(seed.tags ?? {}) },
      reservationId: `r-${seed.id.slice(2)}`,
      ownerId: STAND_IN_ACCOUNT_ID,
      stateReason: live.stateReason,
    };
  };

  /** After a describe showed the instance: move a transitional state on once it was shown often enough. */
  const shown = (live: LiveInstance) => {
    const next = NEXT[live.state];
    if (next === undefined || live.held) return;
    live.shownInState += 1;
    if (live.shownInState >= (live.seed.describesPerStep ?? describesPerStep)) enter(live, next);
  };

  const handlers: Record<string, (params: Record<string, string>, requestId: string) => string> = {
    DescribeInstances(params, requestId) {
      const ids = listParam(params, 'InstanceId');
      const filters = filterParams(params);
      const maxResults = params['MaxResults'];
      if (ids.length > 0 && maxResults !== undefined) throw new Ec2Error(400, 'InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
      for (const id of ids) {
        if (!INSTANCE_ID.test(id)) throw new Ec2Error(400, 'InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
        if (!instances.has(id)) throw new Ec2Error(400, 'InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
      }
      let matching = [...instances.values()].filter((live) => ids.length === 0 || ids.includes(live.seed.id)).map((live) => ({ live, xml: view(live) }));
      for (const [name, values] of filters) matching = matching.filter(({ xml }) => instanceFilter(name, xml)(values));
      matching.sort((a, b) => a.xml.instanceId.localeCompare(b.xml.instanceId));
      let page = matching;
      let nextToken: string | null = null;
      if (maxResults !== undefined) {
        const size = Number(maxResults);
        if (!Number.isInteger(size) || size < 5 || size > 1000) throw new Ec2Error(400, 'InvalidParameterValue', `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
        const offset = params['NextToken'] === undefined ? 0 : decodeToken(params['NextToken']);
        page = matching.slice(offset, offset + size);
        nextToken = offset + size < matching.length ? encodeToken(offset + size) : null;
      } else if (params['NextToken'] !== undefined) {
        throw new Ec2Error(400, 'InvalidParameterValue', 'The parameter nextToken requires maxResults');
      }
      const body = describeInstancesXml(requestId, page.map((p) => p.xml), nextToken);
      for (const { live } of page) shown(live);
      return body;
    },
    DescribeImages(params, requestId) {
      const ids = listParam(params, 'ImageId');
      const filters = filterParams(params);
      let matching = [...images.values()].filter((image) => ids.length === 0 || ids.includes(image.imageId));
      const missing = ids.find((id) => !images.has(id));
      if (missing !== undefined) throw new Ec2Error(400, 'InvalidAMIID.NotFound', `The image id '[${missing}]' does not exist`);
      for (const [name, values] of filters) {
        if (name !== 'image-id' && name !== 'name') throw new Ec2Error(400, 'InvalidParameterValue', `The filter '${name}' is invalid`);
        matching = matching.filter((image) => values.some((v) => wildcard(v).test(name === 'image-id' ? image.imageId : image.name)));
      }
      return describeImagesXml(requestId, matching.map(imageXml));
    },
    StartInstances: (params, requestId) => stateChangeXml('StartInstances', requestId, listParam(params, 'InstanceId').map((id) => change(id, 'start'))),
    StopInstances: (params, requestId) => stateChangeXml('StopInstances', requestId, listParam(params, 'InstanceId').map((id) => change(id, 'stop'))),
  };

  /** Start: stopped -> pending (pending and running stay); stop: running -> stopping (stopping and stopped stay). */
  const change = (id: string, verb: 'start' | 'stop'): StateChange => {
    const live = existing(id);
    const previous = live.state;
    const [from, to, staying] = verb === 'start' ? (['stopped', 'pending', ['pending', 'running']] as const) : (['running', 'stopping', ['stopping', 'stopped']] as const);
    if (previous === from) {
      enter(live, to);
      if (verb === 'start') live.starts += 1;
      else live.stops += 1;
    } else if (!(staying as readonly Ec2StateName[]).includes(previous)) {
      throw new Ec2Error(400, 'IncorrectInstanceState', `The instance '${id}' is not in a state from which it can be ${verb === 'start' ? 'started' : 'stopped'}.`);
    }
    return { instanceId: id, previous, current: live.state };
  };

  const existing = (id: string): LiveInstance => {
    if (!INSTANCE_ID.test(id)) throw new Ec2Error(400, 'InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    const live = instances.get(id);
    if (live === undefined) throw new Ec2Error(400, 'InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    return live;
  };

  const answer = (request: IncomingMessage, body: Buffer): { status: number; xml: string; action: string; accessKeyId: string | null; error: string | null; params: Record<string, string> } => {
    const requestId = randomUUID();
    const params = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    const action = params['Action'] ?? '';
    const fail = (error: Ec2Error, accessKeyId: string | null) => ({ status: error.status, xml: errorXml(requestId, error.code, error.message), action, accessKeyId, error: error.code, params });
    if (request.method !== 'POST') return fail(new Ec2Error(400, 'InvalidAction', 'The stand-in answers the Query API over POST.'), null);

    const signature = checkSigV4({ method: request.method, url: request.url ?? '/', headers: request.headers, body }, { region, service: 'ec2' }, (id) => credentials.get(id)?.secretAccessKey ?? null);
    if (signature.kind === 'missing') return fail(new Ec2Error(401, 'MissingAuthenticationToken', 'Request must contain either a valid (registered) AWS access key ID or X.509 certificate.'), null);
    if (signature.kind === 'malformed') return fail(new Ec2Error(400, 'IncompleteSignature', `The request signature does not conform to AWS standards: ${signature.reason}.`), null);
    if (signature.kind === 'unknown-key' || signature.kind === 'bad-signature') return fail(new Ec2Error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials'), signature.accessKeyId);
    if (signature.kind === 'wrong-scope') return fail(new Ec2Error(401, 'AuthFailure', `Credential should be scoped to a valid region, not '${signature.region}'.`), signature.accessKeyId);
    const accessKeyId = signature.accessKeyId;
    const credential = credentials.get(accessKeyId)!;
    if ((credential.sessionToken ?? null) !== signature.sessionToken) return fail(new Ec2Error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials'), accessKeyId);
    const expiry = expired.get(accessKeyId);
    if (expiry === 'RequestExpired') return fail(new Ec2Error(400, 'RequestExpired', 'Request has expired.'), accessKeyId);
    if (expiry === 'ExpiredToken') return fail(new Ec2Error(400, 'ExpiredToken', 'The security token included in the request is expired'), accessKeyId);

    if (params['Version'] !== '2016-11-15') return fail(new Ec2Error(400, 'InvalidParameterValue', `Unsupported API version: ${params['Version'] ?? '(none)'}`), accessKeyId);
    const fault = faults.find((f) => f.left > 0 && (f.fault.action === undefined || f.fault.action === action));
    if (fault !== undefined) {
      fault.left -= 1;
      return fail(new Ec2Error(fault.fault.status, fault.fault.code, fault.fault.message ?? defaultMessage(fault.fault.code)), accessKeyId);
    }
    if (!ACTIONS.has(action)) return fail(new Ec2Error(400, 'InvalidAction', `The action ${action} is not valid for this web service.`), accessKeyId);
    if (denied.has(action)) {
      return fail(
        new Ec2Error(403, 'UnauthorizedOperation', `You are not authorized to perform this operation. User: arn:aws:iam::${STAND_IN_ACCOUNT_ID}:user/student is not authorized to perform: ec2:${action} because no identity-based policy allows the ec2:${action} action. Encoded authorization failure message: ${Buffer.from(randomUUID()).toString('base64')}`),
        accessKeyId,
      );
    }
    try {
      return { status: 200, xml: handlers[action]!(params, requestId), action, accessKeyId, error: null, params };
    } catch (error) {
      if (error instanceof Ec2Error) return fail(error, accessKeyId);
      throw error;
    }
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const result = answer(request, Buffer.concat(chunks));
      requests.push({ action: result.action, accessKeyId: result.accessKeyId, params: result.params, status: result.status, error: result.error });
      response.writeHead(result.status, { 'Content-Type': 'text/xml;charset=UTF-8', 'x-amzn-RequestId': randomUUID() });
      response.end(result.xml);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    region,
    requests,
    env: () => ({ AWS_ENDPOINT_URL_EC2: url }),
    addInstance,
    addImage: (seed) => void images.set(seed.imageId, seed),
    addCredential: (credential) => void credentials.set(credential.accessKeyId, credential),
    instance: (id) => {
      const live = get(id);
      return { id, state: live.state, publicIp: live.publicIp, starts: live.starts, stops: live.stops };
    },
    setState: (id, state) => enter(get(id), state),
    advance: (id) => {
      const live = get(id);
      const next = NEXT[live.state];
      if (next !== undefined) enter(live, next);
      return live.state;
    },
    hold: (id, held = true) => void (get(id).held = held),
    queuePublicIp: (id, ip) => void get(id).queuedIps.push(ip),
    failNext: (fault) => void faults.push({ fault, left: fault.times ?? 1 }),
    throttleNext: (times, action) => void faults.push({ fault: { code: 'RequestLimitExceeded', status: 503, times, ...(action === undefined ? {} : { action }) }, left: times }),
    expireCredential: (accessKeyId, code = 'RequestExpired') => void expired.set(accessKeyId, code),
    deny: (action) => void denied.add(action),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class Ec2Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function defaultMessage(code: string): string {
  if (code === 'RequestLimitExceeded') return 'Request limit exceeded.';
  if (code === 'InsufficientInstanceCapacity') return 'We currently do not have sufficient capacity in the Availability Zone you requested.';
  return `${code} (injected by the test)`;
}

/** `Name.1=a&Name.2=b` -> [a, b], in index order. */
function listParam(params: Record<string, string>, name: string): string[] {
  return Object.entries(params)
    .map(([key, value]) => ({ index: new RegExp(`^${name}\\.(\\d+)$`).exec(key)?.[1], value }))
    .filter((entry): entry is { index: string; value: string } => entry.index !== undefined)
    .sort((a, b) => Number(a.index) - Number(b.index))
    .map((entry) => entry.value);
}

/** `Filter.1.Name=x&Filter.1.Value.1=y` -> [[x, [y]]]. */
function filterParams(params: Record<string, string>): [string, string[]][] {
  const filters: [string, string[]][] = [];
  for (let n = 1; params[`Filter.${n}.Name`] !== undefined; n++) {
    filters.push([params[`Filter.${n}.Name`]!, listParam(params, `Filter\\.${n}\\.Value`)]);
  }
  return filters;
}

function instanceFilter(name: string, xml: InstanceXml): (values: string[]) => boolean {
  const any = (field: string | null) => (values: string[]) => field !== null && values.some((v) => wildcard(v).test(field));
  if (name === 'instance-state-name') return any(xml.state);
  if (name === 'instance-id') return any(xml.instanceId);
  if (name === 'instance-type') return any(xml.instanceType);
  if (name === 'key-name') return any(xml.keyName);
  if (name === 'tag-key') return (values) => Object.keys(xml.tags).some((key) => values.some((v) => wildcard(v).test(key)));
  if (name.startsWith('tag:')) return any(xml.tags[name.slice(4)] ?? null);
  throw new Ec2Error(400, 'InvalidParameterValue', `The filter '${name}' is invalid`);
}

/** EC2 filter values: `*` any run of characters, `?` one character, `\` escapes. */
function wildcard(value: string): RegExp {
  let source = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) source += escapeRegex(value[++i]!);
    else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += escapeRegex(c);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

function decodeToken(token: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new Ec2Error(400, 'InvalidParameterValue', 'The parameter NextToken is not valid');
}

function imageXml(seed: ImageSeed): ImageXml {
  return {
    imageId: seed.imageId,
    name: seed.name,
    description: seed.description ?? null,
    ownerId: seed.ownerAlias === 'amazon' ? '898082745236' : '099720109477',
    ownerAlias: seed.ownerAlias ?? null,
    platformDetails: seed.platformDetails ?? 'Linux/UNIX',
    architecture: 'x86_64',
  };
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}
