import { describe, expect, it } from 'vitest';
import type { CloudAccountsView, HostView } from '../../main/ipc/contract';
import { accessKeyIdProblem, awsCredentialOptions, hasAwsCredentials, initialAwsAccount, sameAccount, secretAccessKeyProblem, withCredential } from '../../renderer/src/cloud/account-choice';
import { suggestedHostName } from '../../renderer/src/cloud/machine-presentation';
import { draftFromHost, editorFieldOf, hostInputFromDraft } from '../../renderer/src/host-editor/host-draft';
import { validateDraft } from '../../renderer/src/host-editor/validate';

type Aws = CloudAccountsView['aws'];
const REGIONS = [{ id: 'us-east-1', name: 'US East (N. Virginia)' }, { id: 'eu-central-1', name: 'Europe (Frankfurt)' }];
const aws = (patch: Partial<Aws> = {}): Aws => ({ profiles: [], defaultProfile: null, environmentCredentials: false, vaultCredentials: [], regions: REGIONS, defaultRegion: null, ...patch });

describe('the AWS account picker', () => {
  it('lists the environment’s keys, then the AWS CLI’s profiles (with how each signs in), then access keys kept by Porthole', () => {
    const options = awsCredentialOptions(
      aws({ environmentCredentials: true, profiles: [{ name: 'default', kind: 'access-key', region: 'eu-central-1' }, { name: 'uni', kind: 'sso', region: null }], vaultCredentials: [{ name: 'course', accessKeyId: 'AKIA…MPLE' }] }),
    );
    expect(options.map((o) => [o.id, o.label])).toEqual([
      ['env', 'Environment variables (AWS_ACCESS_KEY_ID)'],
      ['profile:default', 'Profile “default” (access key)'],
      ['profile:uni', 'Profile “uni” (SSO)'],
      ['vault:course', 'Access key “course” (AKIA…MPLE), kept by Porthole'],
    ]);
    expect(hasAwsCredentials(aws())).toBe(false);
  });

  it('first shows what the AWS CLI would use, in the region it says; keeps an earlier choice while its credential exists', () => {
    const accounts = aws({ profiles: [{ name: 'default', kind: 'access-key', region: 'eu-central-1' }, { name: 'uni', kind: 'sso', region: 'us-east-1' }], defaultProfile: 'uni', vaultCredentials: [{ name: 'course', accessKeyId: 'AKIA…MPLE' }] });
    expect(initialAwsAccount(accounts, null)).toEqual({ provider: 'aws', profile: 'uni', vaultCredential: null, region: 'us-east-1' });
    const earlier = { provider: 'aws', profile: null, vaultCredential: 'course', region: 'eu-central-1' } as const;
    expect(initialAwsAccount(accounts, earlier)).toEqual(earlier);
    expect(initialAwsAccount({ ...accounts, vaultCredentials: [] }, earlier)).toEqual({ provider: 'aws', profile: 'uni', vaultCredential: null, region: 'us-east-1' });
    expect(initialAwsAccount(aws({ environmentCredentials: true, defaultRegion: 'eu-central-1' }), null)).toEqual({ provider: 'aws', profile: null, vaultCredential: null, region: 'eu-central-1' });
    expect(initialAwsAccount(aws(), null)).toBeNull();
  });

  it('another credential brings its profile’s region, or keeps the region chosen', () => {
    const accounts = aws({ profiles: [{ name: 'uni', kind: 'sso', region: 'us-east-1' }], vaultCredentials: [{ name: 'course', accessKeyId: 'x' }] });
    const account = { provider: 'aws', profile: null, vaultCredential: 'course', region: 'eu-central-1' } as const;
    expect(withCredential(accounts, account, 'profile:uni')).toEqual({ provider: 'aws', profile: 'uni', vaultCredential: null, region: 'us-east-1' });
    expect(withCredential(accounts, { ...account, vaultCredential: null, profile: 'uni' }, 'vault:course')).toEqual(account);
    expect(withCredential(accounts, account, 'vault:gone')).toBe(account);
  });

  it('events name their account: the same AWS account is the same credential and region; Azure’s, the same subscription', () => {
    const a = { provider: 'aws', profile: 'default', vaultCredential: null, region: 'eu-central-1' } as const;
    expect(sameAccount(a, { ...a })).toBe(true);
    expect(sameAccount(a, { ...a, region: 'us-east-1' })).toBe(false);
    expect(sameAccount({ provider: 'azure', subscriptionId: 's', tenantId: null }, { provider: 'azure', subscriptionId: 's', tenantId: 't' })).toBe(true);
    expect(sameAccount(a, { provider: 'azure', subscriptionId: 's', tenantId: null })).toBe(false);
  });

  it('an access key pasted in the wrong field, or half pasted, is said on the field', () => {
    expect(accessKeyIdProblem('AKIAIOSFODNN7EXAMPLE')).toBeUndefined();
    expect(accessKeyIdProblem(' ASIAIOSFODNN7EXAMPLE ')).toBeUndefined();
    expect(accessKeyIdProblem('')).toContain('Paste the access key ID');
    expect(accessKeyIdProblem('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toContain('only capital letters and digits');
    expect(accessKeyIdProblem('ABCDIOSFODNN7EXAMPLE')).toContain('starts with AKIA');
    expect(secretAccessKeyProblem('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBeUndefined();
    expect(secretAccessKeyProblem('short')).toContain('too short');
    expect(secretAccessKeyProblem('wJalrXUtnFEMI K7MDENG/bPxRfiCYEXAMPLEKEY')).toContain('no spaces');
  });

  it('Add as host suggests the machine’s name (else its id), not taken yet, as main would name it', () => {
    expect(suggestedHostName({ id: 'seminar-rg/dsvm', name: ' GPU box\n' })).toBe('GPU box');
    expect(suggestedHostName({ id: 'i-0a11c0ffee0000001', name: '' })).toBe('i-0a11c0ffee0000001');
    expect(suggestedHostName({ id: 'i-0a11c0ffee0000001', name: 'gpu-a' }, ['GPU-A', 'gpu-a (2)'])).toBe('gpu-a (3)');
  });
});

const link = { provider: 'aws', instanceId: 'i-0a11c0ffee0000001', region: 'eu-central-1', profile: null, vaultCredential: 'course', stopVmOnDisconnect: false, idleStopMinutes: null } as const;
function host(patch: Partial<HostView> = {}): HostView {
  return {
    name: 'gpu-vm', host: '203.0.113.10', port: 22, user: 'ubuntu', key: null, jumpHosts: [], forwards: [],
    jupyter: { flavour: 'auto', env: { kind: 'auto' }, rootDir: null, auth: 'token', localPort: null, stopOnDisconnect: false, passwordSaved: false, hub: null },
    cloud: link, ...patch,
  };
}

describe('the host editor on a cloud host', () => {
  it('saves the link as it was, with the cost-safety fields as edited', () => {
    const draft = { ...draftFromHost(host()), stopVmOnDisconnect: true, idleStop: true, idleMinutes: '45' };
    expect(hostInputFromDraft(draft).cloud).toEqual({ provider: 'aws', instanceId: 'i-0a11c0ffee0000001', region: 'eu-central-1', vaultCredential: 'course', stopVmOnDisconnect: true, idleStopMinutes: 45 });
    expect(hostInputFromDraft({ ...draft, idleStop: false }).cloud).toMatchObject({ idleStopMinutes: null });
    const azureLink = { provider: 'azure', subscriptionId: '5f1c7d2e-8a4b-4c3d-9e6f-0a1b2c3d4e5f', resourceGroup: 'rg', vmName: 'dsvm', tenantId: null, stopVmOnDisconnect: true, idleStopMinutes: 30 } as const;
    expect(hostInputFromDraft(draftFromHost(host({ cloud: azureLink }))).cloud).toEqual({ provider: 'azure', subscriptionId: azureLink.subscriptionId, resourceGroup: 'rg', vmName: 'dsvm', stopVmOnDisconnect: true, idleStopMinutes: 30 });
  });

  it('unlinking sends null; a plain host sends no link at all (so main keeps whatever it has)', () => {
    expect(hostInputFromDraft({ ...draftFromHost(host()), cloud: null }).cloud).toBeNull();
    expect('cloud' in hostInputFromDraft(draftFromHost(host({ cloud: null })))).toBe(false);
  });

  it('asks no address of a cloud host; idle minutes are checked on their field (5 to 1440)', () => {
    const draft = { ...draftFromHost(host({ host: '' })), idleStop: true };
    expect(validateDraft({ ...draft, idleMinutes: '30' }, [])).toEqual({});
    for (const bad of ['', '4', '1441', '2.5', 'soon']) expect(validateDraft({ ...draft, idleMinutes: bad }, [])['idleMinutes']).toBe('A whole number of minutes from 5 to 1440 (24 hours).');
    expect(validateDraft({ ...draft, idleStop: false, idleMinutes: 'soon' }, [])).toEqual({});
    expect(validateDraft({ ...draft, cloud: null }, [])['host']).toBeDefined();
    expect(editorFieldOf('cloud.idleStopMinutes')).toBe('idleMinutes');
  });

  it('keeps the VM’s own JupyterHub unless the user chose to start Jupyter instead', () => {
    const withHub = host({ jupyter: { ...host().jupyter, hub: { port: 8000, scheme: 'https' } } });
    expect(hostInputFromDraft(draftFromHost(withHub)).jupyter?.hub).toEqual({ port: 8000, scheme: 'https' });
    expect(hostInputFromDraft({ ...draftFromHost(withHub), hub: null }).jupyter?.hub).toBeNull();
  });
});
