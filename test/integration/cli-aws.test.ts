/**
 * `porthole aws …` as a user runs it: the CLI in its own process, pointed at the EC2
 * stand-in by AWS_ENDPOINT_URL_EC2 (or AWS_ENDPOINT_URL), credentials from the environment,
 * an AWS config file, or an access key kept in the vault (its key in a real Secret Service).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeyring, type TestKeyring } from '../env/keyring';
import { EXAMPLE_CREDENTIAL, KNOWN_IMAGES, startEc2Endpoint, type Ec2Endpoint } from '../env/ec2-endpoint';
import { makeDir } from '../env/run-dir';
import { ssoProfileLines, writeAwsFiles, writeExpiredSsoToken } from '../support/aws-files';

const BIN = resolve(__dirname, '../../bin/porthole.js');
const REGION = 'eu-central-1';
const VAULT_KEY = { accessKeyId: 'AKIAVAULTEXAMPLE0001', secretAccessKey: 'vaultKeptSecret/Example0123456789abcd' };
const UBUNTU = KNOWN_IMAGES.ubuntu.imageId;
const DLAMI = KNOWN_IMAGES.deepLearning.imageId;

let keyring: TestKeyring;
let endpoint: Ec2Endpoint;
let home: string;

beforeAll(async () => {
  keyring = await startKeyring();
  home = makeDir('porthole-home');
  endpoint = await startEc2Endpoint({
    region: REGION,
    credentials: [EXAMPLE_CREDENTIAL, VAULT_KEY],
    images: [KNOWN_IMAGES.deepLearning, KNOWN_IMAGES.ubuntu],
    instances: [
      { id: 'i-0a11c0ffee0000001', name: 'gpu-seminar', state: 'stopped', instanceType: 'g4dn.xlarge', imageId: DLAMI, keyName: 'seminar', publicIps: ['127.0.0.1'] },
      { id: 'i-0a11c0ffee0000002', name: 'student-01', state: 'running', instanceType: 't3.medium', imageId: UBUNTU, keyName: 'seminar' },
      { id: 'i-0a11c0ffee0000003', name: 'old-lab', state: 'terminated', imageId: UBUNTU },
    ],
  });
});
afterAll(async () => {
  await endpoint?.stop();
  await keyring?.stop();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user with the stand-in as EC2: nothing of the machine's AWS setup leaks in. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) env[name] = value;
  return { ...env, ...keyring.env, PORTHOLE_HOME: home, AWS_EC2_METADATA_DISABLED: 'true', ...endpoint.env(), ...extra };
}

const withKeys = (extra: Record<string, string> = {}) => userEnv({ AWS_ACCESS_KEY_ID: EXAMPLE_CREDENTIAL.accessKeyId, AWS_SECRET_ACCESS_KEY: EXAMPLE_CREDENTIAL.secretAccessKey, ...extra });

function porthole(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  return new Promise((done) => child.once('exit', (code) => done({ code, stdout, stderr })));
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('porthole aws instances', () => {
  it('prints a table of the instances (terminated ones left out), with the login guessed from the image', async () => {
    const result = await porthole(['aws', 'instances', '--region', REGION], withKeys());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME\s+ID\s+STATE\s+TYPE\s+PUBLIC IP\s+KEY\s+USER$/);
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual([
      ['gpu-seminar', 'i-0a11c0ffee0000001', 'stopped', 'g4dn.xlarge', '-', 'seminar', 'ubuntu'],
      ['student-01', 'i-0a11c0ffee0000002', 'running', 't3.medium', expect.stringMatching(/^203\.0\.113\.\d+$/), 'seminar', 'ubuntu'],
    ]);
  });

  it('--json prints one line with every machine; the region comes from AWS_REGION', async () => {
    const result = await porthole(['aws', 'instances', '--json'], withKeys({ AWS_REGION: REGION }));
    expect(result.code).toBe(0);
    const [line, ...more] = jsonLines(result.stdout);
    expect(more).toEqual([]);
    expect(line).toMatchObject({ event: 'instances', region: REGION, account: 'AWS profile default, eu-central-1' });
    expect(line!['instances']).toEqual([
      expect.objectContaining({ id: 'i-0a11c0ffee0000001', knownImage: 'aws-deep-learning', defaultUser: 'ubuntu', state: 'stopped' }),
      expect.objectContaining({ id: 'i-0a11c0ffee0000002', image: 'Ubuntu 22.04', state: 'running' }),
    ]);
  });

  it('reaches EC2 through AWS_ENDPOINT_URL too, as the AWS CLI does', async () => {
    const env = withKeys({ AWS_ENDPOINT_URL: endpoint.url });
    delete env['AWS_ENDPOINT_URL_EC2'];
    const result = await porthole(['aws', 'instances', '--region', REGION, '--json'], env);
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ event: 'instances' });
  });

  it('without a region anywhere, asks for one (exit 1)', async () => {
    const result = await porthole(['aws', 'instances'], withKeys());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('(aws.region-missing)');
    expect(result.stderr).toContain('--region');
  });
});

describe('porthole aws start / stop', () => {
  it('start prints each state as it is seen and the new address; stop likewise', async () => {
    const id = 'i-0a11c0ffee0000001';
    const started = await porthole(['aws', 'start', id, '--region', REGION], withKeys());
    expect(started.code).toBe(0);
    expect(started.stdout).toBe('');
    expect(started.stderr.trimEnd().split('\n')).toEqual([
      `Asked AWS to start gpu-seminar (${id}).`,
      'gpu-seminar: pending',
      'gpu-seminar: running at 127.0.0.1',
      `gpu-seminar (${id}) is running at 127.0.0.1; log in as ubuntu (ssh ubuntu@127.0.0.1).`,
    ]);

    const stopped = await porthole(['aws', 'stop', id, '--region', REGION, '--json'], withKeys());
    expect(stopped.code).toBe(0);
    const events = jsonLines(stopped.stdout);
    expect(events.map((e) => [e['event'], e['state']])).toEqual([
      ['state', 'stopping'],
      ['state', 'stopped'],
      ['stopped', undefined],
    ]);
    expect(events.at(-1)!['machine']).toMatchObject({ id, state: 'stopped', publicIp: null });
    expect(endpoint.instance(id).state).toBe('stopped');
  });

  it('start --json: a state line per state, then running with the machine and its address (a new one)', async () => {
    const id = 'i-0a11c0ffee0000001';
    const result = await porthole(['aws', 'start', id, '--region', REGION, '--json'], withKeys());
    expect(result.code).toBe(0);
    const events = jsonLines(result.stdout);
    expect(events.map((e) => e['event'])).toEqual(['state', 'state', 'running']);
    expect(events.slice(0, 2).map((e) => e['state'])).toEqual(['pending', 'running']);
    const last = events.at(-1)!;
    expect(last['address']).toMatch(/^203\.0\.113\.\d+$/);
    expect(last['machine']).toMatchObject({ id, state: 'running', publicIp: last['address'] });
    await porthole(['aws', 'stop', id, '--region', REGION, '--no-wait'], withKeys());
    endpoint.advance(id);
  });

  it('--no-wait returns once AWS accepted', async () => {
    const id = 'i-0a11c0ffee0000002';
    endpoint.hold(id);
    const result = await porthole(['aws', 'stop', id, '--region', REGION, '--json', '--no-wait'], withKeys());
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout).map((e) => [e['event'], e['state']])).toEqual([
      ['state', 'stopping'],
      ['stop-requested', undefined],
    ]);
    expect(endpoint.instance(id).state).toBe('stopping');
    endpoint.hold(id, false);
    endpoint.advance(id);
  });

  it('Ctrl-C while waiting stops waiting (exit 130); the start request stands', async () => {
    const id = 'i-0a11c0ffee0000002';
    endpoint.hold(id);
    const child = spawn(process.execPath, [BIN, 'aws', 'start', id, '--region', REGION, '--json'], { env: withKeys(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    await new Promise<void>((done) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('"state":"pending"')) done();
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(jsonLines(stdout).at(-1)).toMatchObject({ event: 'error', code: 'cloud.cancelled' });
    expect(endpoint.instance(id).state).toBe('pending');
    endpoint.hold(id, false);
    endpoint.advance(id);
  });

  it('an unknown instance is exit 1 with cloud.machine-not-found', async () => {
    const result = await porthole(['aws', 'start', 'i-0fedcba9876543210', '--region', REGION, '--json'], withKeys());
    expect(result.code).toBe(1);
    expect(jsonLines(result.stdout)).toEqual([expect.objectContaining({ event: 'error', code: 'cloud.machine-not-found' })]);
  });
});

describe('credentials', () => {
  it('keeps an access key from the console CSV in the vault, lists it masked, uses it, removes it; the secret is never shown or stored in plaintext', async () => {
    const csv = `Access key ID,Secret access key\n${VAULT_KEY.accessKeyId},${VAULT_KEY.secretAccessKey}\n`;
    const added = await porthole(['aws', 'credentials', 'add', 'course', '--json'], userEnv(), csv);
    expect(added.code, added.stderr).toBe(0);
    expect(jsonLines(added.stdout)).toEqual([{ event: 'credentials-added', name: 'course', accessKeyId: 'AKIA…0001', temporary: false }]);

    const again = await porthole(['aws', 'credentials', 'add', 'course'], userEnv(), csv);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--replace');

    const listed = await porthole(['aws', 'credentials', 'list'], userEnv());
    expect(listed.stdout).toBe('NAME    ACCESS KEY  KIND\ncourse  AKIA…0001   long-term\n');

    const mark = endpoint.requests.length;
    const used = await porthole(['aws', 'instances', '--credentials', 'course', '--region', REGION, '--json'], userEnv());
    expect(used.code, used.stderr).toBe(0);
    expect(endpoint.requests.slice(mark).map((r) => r.accessKeyId)).toContain(VAULT_KEY.accessKeyId);
    expect(jsonLines(used.stdout)[0]).toMatchObject({ account: 'AWS access key “course”, eu-central-1' });

    for (const output of [added, again, listed, used]) expect(output.stdout + output.stderr).not.toContain(VAULT_KEY.secretAccessKey);
    const stored = readdirSync(home).map((file) => readFileSync(join(home, file)));
    expect(stored.some((bytes) => bytes.includes(VAULT_KEY.secretAccessKey) || bytes.includes(VAULT_KEY.accessKeyId))).toBe(false);

    const removed = await porthole(['aws', 'credentials', 'remove', 'course'], userEnv());
    expect(removed.code).toBe(0);
    const gone = await porthole(['aws', 'instances', '--credentials', 'course', '--region', REGION], userEnv());
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('(aws.credentials-missing)');
  });

  it('an SSO profile whose login expired says to run aws sso login --profile (exit 1), and reaches nothing', async () => {
    const awsHome = makeDir('aws-home');
    writeAwsFiles(awsHome, ssoProfileLines('lab', 'university'));
    writeExpiredSsoToken(awsHome, 'university');
    const mark = endpoint.requests.length;
    const result = await porthole(['aws', 'instances', '--profile', 'lab'], userEnv({ HOME: awsHome }));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('porthole: The AWS SSO login of profile lab has expired or was never made.\n  Run `aws sso login --profile lab`, then try again.\n  (aws.sso-expired)\n');
    expect(endpoint.requests.length).toBe(mark);

    const profiles = await porthole(['aws', 'profiles', '--json'], userEnv({ HOME: awsHome }));
    expect(jsonLines(profiles.stdout)[0]).toMatchObject({ event: 'profiles', profiles: [{ name: 'lab', kind: 'sso', region: 'eu-central-1', ssoSession: 'university' }] });
  });

  it('--help shows examples', async () => {
    for (const command of [['aws', 'instances'], ['aws', 'start'], ['aws', 'credentials', 'add']]) {
      const result = await porthole([...command, '--help'], userEnv());
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Examples:');
    }
  });
});
