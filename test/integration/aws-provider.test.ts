/**
 * The AWS provider with the real SDK client (@aws-sdk/client-ec2 and its credential
 * providers) against the EC2 stand-in (test/env/ec2-endpoint.ts), reached through
 * AWS_ENDPOINT_URL_EC2 as the AWS CLI reaches a custom endpoint. Credentials come from temp
 * AWS config/credentials files, the environment, an SSO profile, and Porthole's vault; the
 * stand-in checks every SigV4 signature, so a test passes only if the right key signed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAwsProvider, listAwsProfiles, saveAwsAccessKey, type AwsProviderDeps } from '../../main/cloud/aws';
import type { CloudAccount, CloudMachine } from '../../main/cloud/provider';
import { Vault } from '../../main/secrets';
import { PortholeError } from '../../main/shared/errors';
import { EXAMPLE_CREDENTIAL, KNOWN_IMAGES, startEc2Endpoint, type Ec2Endpoint, type InstanceSeed } from '../env/ec2-endpoint';
import { freePort } from '../env/ports';
import { makeDir } from '../env/run-dir';
import { ssoProfileLines, writeAwsFiles, writeExpiredSsoToken } from '../support/aws-files';
import { memoryKeychain } from '../support/memory-keychain';

const REGION = 'eu-central-1';
const COURSE_KEY = { accessKeyId: 'AKIACOURSEEXAMPLE001', secretAccessKey: 'courseSecretKeyExample/0123456789abcdef' };
const DLAMI = KNOWN_IMAGES.deepLearning.imageId;
const UBUNTU = KNOWN_IMAGES.ubuntu.imageId;

let endpoint: Ec2Endpoint;
const savedEnv = { ...process.env };

beforeAll(async () => {
  endpoint = await startEc2Endpoint({
    region: REGION,
    credentials: [EXAMPLE_CREDENTIAL, COURSE_KEY],
    images: [KNOWN_IMAGES.deepLearning, KNOWN_IMAGES.ubuntu],
  });
});
afterAll(async () => {
  await endpoint?.stop();
});
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
});

let serial = 0;
/** A fresh instance id (the stand-in is shared by the file's tests). */
function newId(): string {
  serial += 1;
  return `i-0${serial.toString(16).padStart(16, '0')}`;
}

function addInstance(seed: Partial<InstanceSeed> = {}): string {
  const id = seed.id ?? newId();
  endpoint.addInstance({ name: `vm-${id.slice(-4)}`, imageId: UBUNTU, ...seed, id });
  return id;
}

/**
 * The environment a user would have: a HOME of its own (so nothing of the machine's ~/.aws
 * is read), the endpoint variable, no instance-metadata lookups, and what the test adds.
 */
function awsEnv(vars: Record<string, string> = {}): string {
  const home = makeDir('aws-home');
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
  Object.assign(process.env, {
    HOME: home,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_EC2: endpoint.url,
    ...vars,
  });
  return home;
}

function envKeys(key = EXAMPLE_CREDENTIAL): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey };
}

const account = (over: Partial<Extract<CloudAccount, { provider: 'aws' }>> = {}): Extract<CloudAccount, { provider: 'aws' }> => ({ provider: 'aws', profile: null, region: REGION, ...over });
const fast: AwsProviderDeps = { pollIntervalMs: 20 };

async function failure(promise: Promise<unknown>): Promise<PortholeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PortholeError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const requestsSince = (mark: number) => endpoint.requests.slice(mark);

describe('listing instances', () => {
  it('pages through every instance of a profile, leaves out terminated ones, and names, addresses and logins come through', async () => {
    const home = awsEnv();
    writeAwsFiles(home, ['[profile course]', 'region = eu-central-1'], ['[course]', `aws_access_key_id = ${COURSE_KEY.accessKeyId}`, `aws_secret_access_key = ${COURSE_KEY.secretAccessKey}`]);
    const mine = Array.from({ length: 11 }, (_, n) => addInstance({ name: `student-${String(n).padStart(2, '0')}`, tags: { course: 'page-test' }, state: n % 2 === 0 ? 'running' : 'stopped' }));
    const gone = addInstance({ name: 'student-gone', tags: { course: 'page-test' }, state: 'terminated' });
    const gpu = addInstance({ name: 'gpu-seminar', imageId: DLAMI, instanceType: 'g4dn.xlarge', keyName: 'seminar', state: 'running', tags: { course: 'page-test' } });
    const mark = endpoint.requests.length;

    const provider = createAwsProvider(account({ profile: 'course' }), { ...fast, pageSize: 5 });
    const machines = (await provider.listMachines()).filter((m) => m.name.startsWith('student-') || m.name === 'gpu-seminar');

    expect(machines.map((m) => m.id).sort()).toEqual([...mine, gpu].sort());
    expect(machines.some((m) => m.id === gone)).toBe(false);
    const describes = requestsSince(mark).filter((r) => r.action === 'DescribeInstances');
    expect(describes.length).toBeGreaterThanOrEqual(3);
    expect(describes.every((r) => r.params['MaxResults'] === '5' && r.accessKeyId === COURSE_KEY.accessKeyId && r.status === 200)).toBe(true);
    expect(describes[0]!.params['NextToken']).toBeUndefined();
    expect(describes.slice(1).every((r) => r.params['NextToken'] !== undefined)).toBe(true);
    expect(describes[0]!.params).toMatchObject({ 'Filter.1.Name': 'instance-state-name', 'Filter.1.Value.1': 'pending' });
    expect(Object.entries(describes[0]!.params).filter(([k]) => k.startsWith('Filter.1.Value.')).map(([, v]) => v)).not.toContain('terminated');

    const seminar = machines.find((m) => m.id === gpu)!;
    expect(seminar).toMatchObject({ provider: 'aws', uniqueId: gpu, state: 'running', instanceType: 'g4dn.xlarge', keyName: 'seminar', defaultUser: 'ubuntu', knownImage: 'aws-deep-learning', region: REGION, platform: 'linux' });
    expect(seminar.publicIp).toMatch(/^203\.0\.113\.\d+$/);
    expect(seminar.publicDns).toBe(`ec2-${seminar.publicIp!.replace(/\./g, '-')}.${REGION}.compute.amazonaws.com`);
    expect(seminar.privateIp).toMatch(/^172\.31\./);
    expect(machines.find((m) => m.name === 'student-01')).toMatchObject({ state: 'stopped', publicIp: null, publicDns: null, defaultUser: 'ubuntu', image: 'Ubuntu 22.04' });

    // AMI names are looked up once (DescribeImages by image-id filter), then cached.
    const imageCalls = () => endpoint.requests.filter((r) => r.action === 'DescribeImages').length;
    const before = imageCalls();
    expect(requestsSince(mark).filter((r) => r.action === 'DescribeImages')[0]?.params['Filter.1.Name']).toBe('image-id');
    await provider.listMachines();
    expect(imageCalls()).toBe(before);
  });

  it('the stand-in filters as EC2 does: tag:Name wildcards, instance-id, instance-state-name', async () => {
    awsEnv();
    const a = addInstance({ name: 'lab-a', state: 'running' });
    const b = addInstance({ name: 'lab-b', state: 'stopped' });
    addInstance({ name: 'other', state: 'running' });
    const client = new EC2Client({ region: REGION, credentials: EXAMPLE_CREDENTIAL });
    const ids = async (filters: { Name: string; Values: string[] }[]) =>
      ((await client.send(new DescribeInstancesCommand({ Filters: filters }))).Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId);
    expect((await ids([{ Name: 'tag:Name', Values: ['lab-?'] }])).sort()).toEqual([a, b].sort());
    expect(await ids([{ Name: 'tag:Name', Values: ['lab-*'] }, { Name: 'instance-state-name', Values: ['running'] }])).toEqual([a]);
    expect(await ids([{ Name: 'instance-id', Values: [b] }])).toEqual([b]);
    await expect(ids([{ Name: 'no-such-filter', Values: ['x'] }])).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('lists with the image unknown when ec2:DescribeImages is denied, and does not ask again', async () => {
    awsEnv(envKeys());
    const stand = await startEc2Endpoint({ region: REGION, instances: [{ id: 'i-0000000000000d0d1', name: 'rhel', imageId: 'ami-0000000000000d0d1', platformDetails: 'Red Hat Enterprise Linux', state: 'running' }] });
    try {
      process.env['AWS_ENDPOINT_URL_EC2'] = stand.url;
      stand.deny('DescribeImages');
      const provider = createAwsProvider(account(), fast);
      expect(await provider.listMachines()).toEqual([expect.objectContaining({ name: 'rhel', defaultUser: 'ec2-user', image: 'Red Hat Enterprise Linux' })]);
      await provider.listMachines();
      expect(stand.requests.filter((r) => r.action === 'DescribeImages').map((r) => r.error)).toEqual(['UnauthorizedOperation']);
    } finally {
      await stand.stop();
    }
  });
});

describe('starting and stopping', () => {
  it('starts with progress pending then running, in order, and the new public IP; stops; starts again on another IP', async () => {
    awsEnv(envKeys());
    const id = addInstance({ name: 'ssh-box', publicIps: ['127.0.0.1'] });
    const provider = createAwsProvider(account(), fast);
    const seen: CloudMachine[] = [];
    const mark = endpoint.requests.length;

    const running = await provider.start(id, { onProgress: (m) => seen.push(m) });
    expect(running).toMatchObject({ id, state: 'running', publicIp: '127.0.0.1', publicDns: null });
    expect(dedupe(seen.map((m) => m.state))).toEqual(['pending', 'running']);
    expect(seen.at(-1)!.publicIp).toBe('127.0.0.1');
    expect(requestsSince(mark).find((r) => r.action === 'StartInstances')!.params).toMatchObject({ 'InstanceId.1': id });
    expect(await provider.currentAddress(id)).toBe('127.0.0.1');

    const stopSeen: string[] = [];
    const stopped = await provider.stop(id, { onProgress: (m) => stopSeen.push(m.state) });
    expect(stopped).toMatchObject({ state: 'stopped', publicIp: null });
    expect(dedupe(stopSeen)).toEqual(['stopping', 'stopped']);
    expect(await provider.currentAddress(id)).toBe(stopped.privateIp);

    const again = await provider.start(id);
    expect(again.publicIp).toMatch(/^203\.0\.113\.\d+$/);
    expect(endpoint.instance(id)).toMatchObject({ starts: 2, stops: 1, state: 'running' });
  });

  it('with wait: false returns once AWS accepted, in the state the answer gave', async () => {
    awsEnv(envKeys());
    const id = addInstance();
    endpoint.hold(id);
    const provider = createAwsProvider(account(), fast);
    expect(await provider.start(id, { wait: false })).toMatchObject({ state: 'pending', rawState: 'pending' });
    endpoint.hold(id, false);
    const progress: string[] = [];
    expect(await provider.waitUntilRunning(id, { onProgress: (m) => progress.push(m.state) })).toMatchObject({ state: 'running' });
    expect(progress[0]).toBe('pending');
  });

  it('an abort while waiting ends with cloud.cancelled; the start request stands', async () => {
    awsEnv(envKeys());
    const id = addInstance();
    endpoint.hold(id);
    const abort = new AbortController();
    const provider = createAwsProvider(account(), fast);
    const error = await failure(provider.start(id, { signal: abort.signal, onProgress: () => abort.abort() }));
    expect(error.code).toBe('cloud.cancelled');
    expect(endpoint.instance(id).state).toBe('pending');
  });

  it('gives up after timeoutMs with cloud.wait-timeout', async () => {
    awsEnv(envKeys());
    const id = addInstance();
    endpoint.hold(id);
    const provider = createAwsProvider(account(), fast);
    const error = await failure(provider.start(id, { timeoutMs: 200 }));
    expect(error).toMatchObject({ code: 'cloud.wait-timeout', retryable: true });
    expect(error.message).toContain('pending');
  });

  it('a start that falls back to stopped fails with cloud.unexpected-state after the stale-state allowance', async () => {
    awsEnv(envKeys());
    const id = addInstance();
    endpoint.hold(id);
    const provider = createAwsProvider(account(), fast);
    const seen: string[] = [];
    const error = await failure(
      provider.start(id, {
        onProgress: (m) => {
          seen.push(m.state);
          if (seen.length === 1) endpoint.setState(id, 'stopped');
        },
      }),
    );
    expect(error.code).toBe('cloud.unexpected-state');
    expect(seen).toEqual(['pending', 'stopped', 'stopped', 'stopped']);
  });

  it('a stopping instance cannot be started: aws.incorrect-state', async () => {
    awsEnv(envKeys());
    const id = addInstance({ state: 'stopping' });
    endpoint.hold(id);
    expect((await failure(createAwsProvider(account(), fast).start(id))).code).toBe('aws.incorrect-state');
  });

  it('an unknown or malformed id is cloud.machine-not-found', async () => {
    awsEnv(envKeys());
    const provider = createAwsProvider(account(), fast);
    expect(await failure(provider.getMachine('i-0fedcba9876543210'))).toMatchObject({ code: 'cloud.machine-not-found' });
    expect(await failure(provider.start('i-0fedcba9876543210'))).toMatchObject({ code: 'cloud.machine-not-found' });
    expect(await failure(provider.stop('web-server'))).toMatchObject({ code: 'cloud.machine-not-found' });
  });
});

describe('throttling and credentials', () => {
  it('retries throttling (RequestLimitExceeded 503, Throttling 400) and then succeeds', async () => {
    awsEnv(envKeys());
    const id = addInstance();
    const provider = createAwsProvider(account(), fast);
    const mark = endpoint.requests.length;
    endpoint.throttleNext(2, 'DescribeInstances');
    endpoint.failNext({ action: 'DescribeInstances', code: 'Throttling', status: 400, message: 'Rate exceeded' });
    expect((await provider.getMachine(id)).id).toBe(id);
    expect(requestsSince(mark).map((r) => `${r.action} ${r.status} ${r.error ?? ''}`.trim())).toEqual([
      'DescribeInstances 503 RequestLimitExceeded',
      'DescribeInstances 503 RequestLimitExceeded',
      'DescribeInstances 400 Throttling',
      'DescribeInstances 200',
      'DescribeImages 200',
    ]);
  });

  it('gives up after maxAttempts with aws.throttled', async () => {
    awsEnv(envKeys());
    const id = addInstance();
    const mark = endpoint.requests.length;
    endpoint.throttleNext(3, 'StartInstances');
    const error = await failure(createAwsProvider(account(), { ...fast, maxAttempts: 3 }).start(id));
    expect(error).toMatchObject({ code: 'aws.throttled', retryable: true });
    expect(requestsSince(mark).filter((r) => r.action === 'StartInstances').map((r) => r.error)).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded', 'RequestLimitExceeded']);
  });

  it('expired session credentials from the environment are aws.credentials-expired (RequestExpired and ExpiredToken), not retried', async () => {
    for (const code of ['RequestExpired', 'ExpiredToken'] as const) {
      const key = { accessKeyId: `ASIA${code.toUpperCase().padEnd(16, 'X').slice(0, 16)}`, secretAccessKey: 'temporarySecretExample/0123456789', sessionToken: `token-${code}` };
      endpoint.addCredential(key);
      endpoint.expireCredential(key.accessKeyId, code);
      awsEnv({ ...envKeys(key), AWS_SESSION_TOKEN: key.sessionToken });
      const mark = endpoint.requests.length;
      const error = await failure(createAwsProvider(account(), fast).listMachines());
      expect(error).toMatchObject({ code: 'aws.credentials-expired', retryable: false });
      expect(requestsSince(mark).map((r) => `${r.accessKeyId} ${r.error}`)).toEqual([`${key.accessKeyId} ${code}`]);
    }
  });

  it('a wrong secret fails the signature check: aws.credentials-invalid', async () => {
    awsEnv({ AWS_ACCESS_KEY_ID: EXAMPLE_CREDENTIAL.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-right-secret-at-all-0000' });
    const error = await failure(createAwsProvider(account(), fast).listMachines());
    expect(error.code).toBe('aws.credentials-invalid');
    expect(endpoint.requests.at(-1)).toMatchObject({ error: 'AuthFailure', status: 401 });
  });

  it('UnauthorizedOperation names the missing IAM action', async () => {
    awsEnv(envKeys());
    const stand = await startEc2Endpoint({ region: REGION, instances: [{ id: 'i-0000000000000d0d2', state: 'stopped' }] });
    try {
      process.env['AWS_ENDPOINT_URL_EC2'] = stand.url;
      stand.deny('StartInstances');
      const error = await failure(createAwsProvider(account(), fast).start('i-0000000000000d0d2'));
      expect(error.code).toBe('aws.unauthorized');
      expect(error.message).toContain('ec2:StartInstances');
      expect(error.hint).toContain('arn:aws:iam::123456789012:user/student');
    } finally {
      await stand.stop();
    }
  });

  it('an SSO profile whose cached token expired is aws.sso-expired, telling to run aws sso login --profile', async () => {
    const home = awsEnv();
    writeAwsFiles(home, ssoProfileLines('lab', 'university'));
    writeExpiredSsoToken(home, 'university');
    const mark = endpoint.requests.length;
    const error = await failure(createAwsProvider(account({ profile: 'lab' }), fast).listMachines());
    expect(error.code).toBe('aws.sso-expired');
    expect(error.hint).toBe('Run `aws sso login --profile lab`, then try again.');
    expect(requestsSince(mark)).toEqual([]);
  });

  it('a profile that does not exist, and no credentials at all, say so', async () => {
    const home = awsEnv();
    writeAwsFiles(home, ['[profile other]', 'region = eu-west-1']);
    expect(await failure(createAwsProvider(account({ profile: 'typo' }), fast).listMachines())).toMatchObject({ code: 'aws.profile-not-found' });
    expect(await failure(createAwsProvider(account({ profile: 'other' }), fast).listMachines())).toMatchObject({ code: 'aws.credentials-missing' });
    expect(await failure(createAwsProvider(account(), fast).listMachines())).toMatchObject({ code: 'aws.credentials-missing' });
  });

  it('AWS_PROFILE picks the default chain’s profile; AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE move the files', async () => {
    const home = awsEnv();
    const elsewhere = makeDir('aws-files');
    writeFileSync(join(elsewhere, 'cfg'), '[profile course]\nregion = eu-central-1\n');
    writeFileSync(join(elsewhere, 'creds'), `[course]\naws_access_key_id = ${COURSE_KEY.accessKeyId}\naws_secret_access_key = ${COURSE_KEY.secretAccessKey}\n`);
    Object.assign(process.env, { AWS_PROFILE: 'course', AWS_CONFIG_FILE: join(elsewhere, 'cfg'), AWS_SHARED_CREDENTIALS_FILE: join(elsewhere, 'creds') });
    expect(home).not.toBe(elsewhere);
    const id = addInstance();
    const mark = endpoint.requests.length;
    await createAwsProvider(account(), fast).getMachine(id);
    expect(requestsSince(mark)[0]!.accessKeyId).toBe(COURSE_KEY.accessKeyId);
  });

  it('an access key kept in the vault signs the requests', async () => {
    awsEnv(envKeys());
    const vault = await Vault.open({ dir: makeDir('vault'), keychain: memoryKeychain() });
    await saveAwsAccessKey(vault, 'course', COURSE_KEY);
    const id = addInstance();
    const mark = endpoint.requests.length;
    await createAwsProvider(account({ vaultCredential: 'course' }), { ...fast, secrets: async () => vault }).getMachine(id);
    expect(requestsSince(mark)[0]!.accessKeyId).toBe(COURSE_KEY.accessKeyId);
    expect(await failure(createAwsProvider(account({ vaultCredential: 'gone' }), { ...fast, secrets: vault }).getMachine(id))).toMatchObject({ code: 'aws.credentials-missing' });
  });
});

describe('endpoints and profiles as the AWS CLI has them', () => {
  it('AWS_ENDPOINT_URL reaches EC2 too, and AWS_ENDPOINT_URL_EC2 wins over it', async () => {
    const id = addInstance();
    awsEnv({ ...envKeys(), AWS_ENDPOINT_URL: endpoint.url });
    delete process.env['AWS_ENDPOINT_URL_EC2'];
    expect((await createAwsProvider(account(), fast).getMachine(id)).id).toBe(id);

    awsEnv({ ...envKeys(), AWS_ENDPOINT_URL: `http://127.0.0.1:${await freePort()}` });
    expect((await createAwsProvider(account(), fast).getMachine(id)).id).toBe(id);

    awsEnv({ ...envKeys(), AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${await freePort()}` });
    expect(await failure(createAwsProvider(account(), { ...fast, maxAttempts: 1 }).getMachine(id))).toMatchObject({ code: 'aws.unreachable' });
  });

  it('lists the profiles of both files with how they log in and their regions', async () => {
    const home = awsEnv({ AWS_REGION: 'us-west-2' });
    writeAwsFiles(
      home,
      [
        '[default]',
        'region = eu-west-1',
        ...ssoProfileLines('lab', 'university'),
        '[profile admin]',
        'role_arn = arn:aws:iam::123456789012:role/Admin',
        'source_profile = default',
        '[profile tool]',
        'credential_process = /usr/local/bin/get-creds',
      ],
      ['[default]', `aws_access_key_id = ${COURSE_KEY.accessKeyId}`, `aws_secret_access_key = ${COURSE_KEY.secretAccessKey}`, '[course]', `aws_access_key_id = ${COURSE_KEY.accessKeyId}`, `aws_secret_access_key = ${COURSE_KEY.secretAccessKey}`],
    );
    const listing = await listAwsProfiles();
    expect(listing.profiles).toEqual([
      { name: 'default', kind: 'access-key', region: 'eu-west-1', ssoSession: null },
      { name: 'admin', kind: 'assume-role', region: null, ssoSession: null },
      { name: 'course', kind: 'access-key', region: null, ssoSession: null },
      { name: 'lab', kind: 'sso', region: 'eu-central-1', ssoSession: 'university' },
      { name: 'tool', kind: 'process', region: null, ssoSession: null },
    ]);
    expect(listing).toMatchObject({ defaultProfile: 'default', defaultRegion: 'us-west-2', environmentCredentials: false, configFile: join(home, '.aws', 'config') });
    expect(JSON.stringify(listing)).not.toContain(COURSE_KEY.secretAccessKey);
  });
});

function dedupe(states: readonly string[]): string[] {
  return states.filter((state, i) => i === 0 || states[i - 1] !== state);
}
