import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostKeyAlias, hostKeyAliasOf } from '../../main/cloud/host-key-alias';
import { HostKeyStore, knownHostsIdentity } from '../../main/ssh/host-keys';

// Two well-formed ed25519 public key blobs, as known_hosts holds them.
const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIHZ7Qd1pXyFPGgE8Dl0xOq/aVLSc7R3k8fGmzP8m8JQ3';
const blob = (base64: string) => Buffer.from(base64, 'base64');

describe('host-key alias of a cloud machine', () => {
  it('is a plain host name per instance: the EC2 instance id or the Azure vmId', () => {
    expect(hostKeyAlias('aws', 'i-0123456789abcdef0')).toBe('i-0123456789abcdef0.aws.porthole');
    expect(hostKeyAliasOf({ provider: 'azure', uniqueId: '6F1D3C2A-0B4E-4F55-9A61-2C7B8D9E0F12' })).toBe('6f1d3c2a-0b4e-4f55-9a61-2c7b8d9e0f12.azure.porthole');
  });

  it('refuses an id that would not be one literal host name', () => {
    for (const id of ['', 'i-0abc,*', 'two words', 'a.b', '-leading', 'x'.repeat(64)]) {
      expect(() => hostKeyAlias('aws', id)).toThrow(expect.objectContaining({ code: 'cloud.bad-machine-id' }));
    }
  });
});

describe('known_hosts identity with an alias', () => {
  it('is host:port without one, and the alias alone (no port) with one, as OpenSSH files HostKeyAlias', () => {
    expect(knownHostsIdentity({ host: '203.0.113.7', port: 2222 })).toEqual({ host: '203.0.113.7', port: 2222 });
    expect(knownHostsIdentity({ host: '203.0.113.7', port: 2222, hostKeyAlias: 'i-0123456789abcdef0.aws.porthole' })).toEqual({ host: 'i-0123456789abcdef0.aws.porthole', port: 22 });
  });

  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'porthole-alias-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('records under the alias; an address on record for another key does not make it "changed"', async () => {
    const knownHosts = join(dir, 'known_hosts');
    const trustStorePath = join(dir, 'trusted');
    await writeFile(knownHosts, `203.0.113.7 ssh-ed25519 ${KEY_A}\n`);
    const store = new HostKeyStore({ knownHostsFiles: [knownHosts], trustStorePath });
    const alias = knownHostsIdentity({ host: '203.0.113.7', port: 22, hostKeyAlias: 'i-0fedcba9876543210.aws.porthole' });
    // By address the other key is an attack warning; under the machine's own name it is a new host.
    expect(await store.decide('203.0.113.7', 22, blob(KEY_B), '203.0.113.7')).toMatchObject({ kind: 'refused', error: { code: 'ssh.hostkey-changed' } });
    const decision = await store.decide(alias.host, alias.port, blob(KEY_B), '203.0.113.7');
    expect(decision.kind).toBe('unknown');
    if (decision.kind !== 'unknown') return;
    await store.trust(alias.host, alias.port, decision.key);
    expect(await readFile(trustStorePath, 'utf8')).toBe(`i-0fedcba9876543210.aws.porthole ssh-ed25519 ${KEY_B}\n`);
    expect(await store.decide(alias.host, alias.port, blob(KEY_B), '198.51.100.9')).toEqual({ kind: 'trusted' });
  });
});
