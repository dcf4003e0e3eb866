import { describe, expect, it } from 'vitest';
import { readProfilesText, serializeProfiles } from '../../main/profiles/migrations';
import { CURRENT_VERSION, hostProblem, userProblem, validateProfile, type ProfileInput } from '../../main/profiles/schema';
import { parseLocalForward } from '../../main/tunnels/forward-spec';

const minimal: ProfileInput = { name: 'gpu', host: '203.0.113.7' };

describe('profile schema', () => {
  it('fills in the defaults: port 22, no jumps or forwards, Jupyter auto/token, stopOnDisconnect false', () => {
    expect(validateProfile(minimal)).toEqual({
      name: 'gpu',
      host: '203.0.113.7',
      port: 22,
      jumpHosts: [],
      forwards: [],
      jupyter: { flavour: 'auto', env: { kind: 'auto' }, auth: 'token', stopOnDisconnect: false },
    });
  });

  it('keeps every field of a full profile', () => {
    const full: ProfileInput = {
      name: 'Seminar VM 3',
      host: 'vm3.westeurope.cloudapp.azure.com',
      port: 2222,
      user: 'azureuser',
      key: { kind: 'vault', name: 'seminar-key' },
      jumpHosts: [{ host: 'bastion.example.com', port: 22, user: 'jump' }],
      forwards: [
        { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'localhost', remotePort: 8888 },
        { kind: 'remote', bindHost: '127.0.0.1', bindPort: 9000, localHost: 'localhost', localPort: 3000 },
        { kind: 'dynamic', bindHost: '127.0.0.1', bindPort: 1080 },
      ],
      jupyter: { flavour: 'lab', env: { kind: 'conda', name: 'pytorch' }, rootDir: '/data', auth: 'password', localPort: 18888, stopOnDisconnect: true },
    };
    expect(validateProfile(full)).toEqual(full);
  });

  it('keeps a cloud link of either cloud, with its cost-safety settings, and needs no host for it', () => {
    const aws: ProfileInput = {
      name: 'gpu',
      user: 'ubuntu',
      cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', profile: 'course', stopVmOnDisconnect: true, idleStopMinutes: 60, lastSeenAddress: '3.120.1.2' },
    };
    expect(validateProfile(aws)).toMatchObject(aws);
    const azure: ProfileInput = {
      name: 'Seminar VM 3',
      user: 'azureuser',
      cloud: { provider: 'azure', subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'seminar-rg_(2024)', vmName: 'vm3', tenantId: '11111111-2222-3333-4444-555555555555' },
    };
    // Off unless asked: no stop on disconnect, no idle stop.
    expect(validateProfile(azure).cloud).toEqual({ ...azure.cloud, stopVmOnDisconnect: false });
    expect(validateProfile({ name: 'old-id', cloud: { provider: 'aws', instanceId: 'i-01234567', region: 'us-gov-west-1', vaultCredential: 'course-keys' } }).cloud).toMatchObject({ instanceId: 'i-01234567' });
  });

  it('stores forwards in the same shape main/tunnels parses them', () => {
    const forward = parseLocalForward('8888:localhost:8888');
    expect(validateProfile({ ...minimal, forwards: [forward] }).forwards).toEqual([forward]);
  });

  it.each([
    [{ host: 'ubuntu@1.2.3.4' }, /host "ubuntu@1.2.3.4" contains "@"; put the user name in its own field/],
    [{ host: 'vm.example.com:2222' }, /includes a port; put the port in its own field/],
    [{ host: '-oProxyCommand=x' }, /starts with "-"/],
    [{ host: 'my vm' }, /contains a space/],
    [{ host: 'bad..name' }, /empty part between dots/],
    [{ host: '' }, /the host is empty/],
    [{ port: 0 }, /port: the port must be a whole number from 1 to 65535/],
    [{ port: 70000 }, /from 1 to 65535/],
    [{ port: 22.5 }, /whole number/],
    [{ user: 'two words' }, /user: the user name "two words" contains a space/],
    [{ user: '-x' }, /starts with "-"/],
    [{ name: ' padded' }, /starts or ends with a space/],
    [{ key: { kind: 'ssh-agent' } }, /a key must be of kind "vault", "path" or "agent"/],
    [{ jumpHosts: [{ host: 'hop', port: 99999 }] }, /jumpHosts\[0\]\.port: the jump host port must be a whole number/],
    [{ forwards: [{ kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'localhost', remotePort: 0 }] }, /forwards\[0\]\.remotePort/],
    [{ jupyter: { flavour: 'classic' } }, /flavour must be "lab", "notebook", "server" or "auto"/],
    [{ host: undefined }, /host: the host is missing; give the host name or IP address of the VM, or link the host to a cloud instance/],
    [{ cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1' } }, /host: a cloud-linked host has no fixed address/],
    [{ host: undefined, cloud: { provider: 'aws', instanceId: 'vm-1', region: 'eu-central-1' } }, /cloud\.instanceId: the instance id "vm-1" is not an EC2 instance id/],
    [{ host: undefined, cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0' } }, /cloud\.region: the AWS region must be text/],
    [{ host: undefined, cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'Frankfurt' } }, /the AWS region "Frankfurt" is not a region code like eu-central-1/],
    [{ host: undefined, cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', profile: 'p', vaultCredential: 'v' } }, /either an AWS profile or a vault credential, not both/],
    [{ host: undefined, cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', idleStopMinutes: 2 } }, /idleStopMinutes must be a whole number of minutes from 5 to 1440/],
    [{ host: undefined, cloud: { provider: 'azure', subscriptionId: 'not-a-guid', resourceGroup: 'rg', vmName: 'vm' } }, /the subscription id "not-a-guid" is not a GUID/],
    [{ host: undefined, cloud: { provider: 'azure', subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg.', vmName: 'vm' } }, /the resource group "rg\." is not a valid name/],
    [{ host: undefined, cloud: { provider: 'azure', subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'rg', vmName: 'my vm' } }, /the VM name "my vm" is not a valid Azure VM name/],
    [{ host: undefined, cloud: { provider: 'gcp', instanceId: 'x' } }, /the cloud provider must be "aws" or "azure"/],
  ])('rejects %j with a message naming the field', (change, message) => {
    let error: unknown;
    try {
      validateProfile({ ...minimal, ...change });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'profiles.invalid', message: expect.stringMatching(message) });
  });

  it('accepts real-world hosts and users', () => {
    for (const host of ['203.0.113.7', '2001:db8::1', 'ec2-3-120-1-2.eu-central-1.compute.amazonaws.com', 'my_server.internal', 'localhost', 'vm.example.com.']) {
      expect(hostProblem(host)).toBeUndefined();
    }
    for (const user of ['ubuntu', 'ec2-user', 'jane.doe@contoso.com', 'CORP\\jane', 'josé', 'svc$']) {
      expect(userProblem(user)).toBeUndefined();
    }
  });
});

describe('profiles file versions', () => {
  const v1 = {
    version: 1,
    profiles: [
      { name: 'old-gpu', host: '203.0.113.7', user: 'ubuntu', identityFile: '/home/me/.ssh/gpu.pem', jupyter: { flavour: 'lab' } },
      { name: 'vaulted', host: 'vm.example.com', vaultKey: 'seminar' },
      { name: 'plain', host: 'plain.example.com' },
    ],
  };

  it('migrates a v1 file step by step to the current version', () => {
    const reading = readProfilesText(JSON.stringify(v1));
    expect(CURRENT_VERSION).toBe(4);
    expect(reading).toMatchObject({ kind: 'ok', migratedFrom: 1 });
    if (reading.kind !== 'ok') throw new Error('unreachable');
    expect(reading.file.version).toBe(4);
    expect(reading.file.profiles[0]).toEqual({
      name: 'old-gpu',
      host: '203.0.113.7',
      port: 22,
      user: 'ubuntu',
      key: { kind: 'path', path: '/home/me/.ssh/gpu.pem' },
      jumpHosts: [],
      forwards: [],
      jupyter: { flavour: 'lab', env: { kind: 'auto' }, auth: 'token', stopOnDisconnect: false },
    });
    expect(reading.file.profiles[1]!.key).toEqual({ kind: 'vault', name: 'seminar' });
    expect(reading.file.profiles[2]!.key).toBeUndefined();
    expect(reading.file.profiles[2]).not.toHaveProperty('identityFile');
  });

  it('migrates v2 cloud links: the address becomes the last seen one; a link v3 cannot complete leaves a plain host', () => {
    const v2 = {
      version: 2,
      profiles: [
        { name: 'ec2', host: '3.120.1.2', port: 22, jumpHosts: [], forwards: [], jupyter: { flavour: 'auto', env: { kind: 'auto' }, auth: 'token', stopOnDisconnect: false }, cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1' } },
        { name: 'dsvm', host: 'dsvm.westeurope.cloudapp.azure.com', cloud: { provider: 'azure', instanceId: 'dsvm', resourceGroup: 'course', subscriptionId: '00000000-0000-0000-0000-000000000000' } },
        { name: 'no-region', host: '3.120.1.3', cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef1' } },
        { name: 'plain', host: 'plain.example.com' },
      ],
    };
    const reading = readProfilesText(JSON.stringify(v2));
    expect(reading).toMatchObject({ kind: 'ok', migratedFrom: 2 });
    if (reading.kind !== 'ok') throw new Error('unreachable');
    const [ec2, dsvm, noRegion, plain] = reading.file.profiles;
    expect(ec2).not.toHaveProperty('host');
    expect(ec2!.cloud).toEqual({ provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', stopVmOnDisconnect: false, lastSeenAddress: '3.120.1.2' });
    expect(dsvm!.cloud).toEqual({ provider: 'azure', subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'course', vmName: 'dsvm', stopVmOnDisconnect: false, lastSeenAddress: 'dsvm.westeurope.cloudapp.azure.com' });
    expect(noRegion).toMatchObject({ host: '3.120.1.3' });
    expect(noRegion).not.toHaveProperty('cloud');
    expect(plain).toMatchObject({ name: 'plain', host: 'plain.example.com', port: 22 });
    expect(readProfilesText(JSON.stringify({ version: 2, profiles: [{ name: 'x' }] }))).toMatchObject({ kind: 'damaged', reason: expect.stringMatching(/does not match format version 2/) });
  });

  it('migrates a v3 file to v4 unchanged but for the version; a v4 host may name the hub on its VM', () => {
    const v3Profiles = [
      { name: 'dsvm', port: 22, jumpHosts: [], forwards: [], jupyter: { flavour: 'auto', env: { kind: 'auto' }, auth: 'token', stopOnDisconnect: false }, cloud: { provider: 'azure', subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'course', vmName: 'dsvm', stopVmOnDisconnect: true } },
    ];
    const reading = readProfilesText(JSON.stringify({ version: 3, profiles: v3Profiles }));
    expect(reading).toEqual({ kind: 'ok', migratedFrom: 3, file: { version: 4, profiles: v3Profiles } });
    const withHub = validateProfile({ ...v3Profiles[0], jupyter: { hub: { port: 8000, scheme: 'https' } } });
    expect(withHub.jupyter.hub).toEqual({ port: 8000, scheme: 'https' });
    expect(() => validateProfile({ name: 'x', host: 'x', jupyter: { hub: { port: 0, scheme: 'https' } } })).toThrow(/jupyter\.hub\.port: the JupyterHub port must be a whole number from 1 to 65535/);
    expect(() => validateProfile({ name: 'x', host: 'x', jupyter: { hub: { port: 80, scheme: 'ftp' } } })).toThrow(/the JupyterHub scheme must be "http" or "https"/);
  });

  it('reads its own output back unchanged (current version, no migration)', () => {
    const profiles = [
      validateProfile(minimal),
      validateProfile({ name: 'b', host: 'b.example.com', port: 2200 }),
      validateProfile({ name: 'c', cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', idleStopMinutes: 30 } }),
    ];
    const reading = readProfilesText(serializeProfiles(profiles));
    expect(reading).toEqual({ kind: 'ok', file: { version: CURRENT_VERSION, profiles } });
  });

  it('reports a newer version with the profiles this build can still read', () => {
    const reading = readProfilesText(JSON.stringify({ version: 7, profiles: [{ name: 'a', host: 'a.example.com', newField: { x: 1 } }, { name: 'weird', host: 42 }] }));
    expect(reading).toMatchObject({ kind: 'newer', version: 7, readable: [{ name: 'a', host: 'a.example.com' }] });
  });

  it.each([
    ['not JSON', '{"version": 4, "profiles": [', /not valid JSON/],
    ['no version', '{"profiles": []}', /has no format version/],
    ['version 0', '{"version": 0, "profiles": []}', /format version 0 is not one Porthole ever wrote/],
    ['fractional version', '{"version": 1.5, "profiles": []}', /format version 1.5/],
    ['string version', '{"version": "2", "profiles": []}', /format version "2"/],
    ['an array', '[]', /does not hold a profiles object/],
    ['a bad profile', '{"version": 4, "profiles": [{"name": "x", "host": "a b"}]}', /profiles\[0\]\.host: the host "a b" contains a space/],
    ['duplicate names', '{"version": 4, "profiles": [{"name": "GPU", "host": "a"}, {"name": "gpu", "host": "b"}]}', /the name "gpu" is used twice/],
    ['a v1 file of the wrong shape', '{"version": 1, "profiles": {}}', /does not match format version 1/],
  ])('calls %s damaged, with the reason', (_label, text, reason) => {
    const reading = readProfilesText(text);
    expect(reading.kind).toBe('damaged');
    expect(reading.kind === 'damaged' && reading.reason).toMatch(reason);
  });
});
