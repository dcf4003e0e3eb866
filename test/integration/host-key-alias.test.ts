/**
 * Host keys of cloud machines are filed per instance (OpenSSH's HostKeyAlias), against real
 * sshds: the same machine at a new address asks nothing; another machine at an address
 * that is on record for someone else is a new host (a question), not a changed key.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hostKeyAlias } from '../../main/cloud/host-key-alias';
import type { SshConnection } from '../../main/ssh/connection';
import { startSiblingSshd, startTestHost, type TestHost } from '../env/host';
import { makeDir } from '../env/run-dir';
import type { Sshd } from '../env/sshd';
import { connectionTo, scriptedPrompter } from './support/connect';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function host(): Promise<TestHost> {
  const h = await startTestHost();
  cleanups.push(() => h.stop());
  return h;
}
async function sibling(h: TestHost, options: Parameters<typeof startSiblingSshd>[1]): Promise<Sshd> {
  const sshd = await startSiblingSshd(h, options);
  cleanups.push(() => sshd.stop());
  return sshd;
}
function track(connection: SshConnection): SshConnection {
  cleanups.push(() => connection.dispose());
  return connection;
}

const MACHINE_A = hostKeyAlias('aws', 'i-0123456789abcdef0');
const MACHINE_B = hostKeyAlias('aws', 'i-0fedcba9876543210');

describe('host keys per cloud machine (HostKeyAlias)', () => {
  it('records the key under the machine, and trusts it at a new address without a question', async () => {
    const h = await host();
    writeFileSync(h.knownHostsPath, '');
    const moved = await sibling(h, { sameHostKey: true, listenAddress: '127.0.0.2' });
    const trustStoreDir = makeDir('trust');

    const first = scriptedPrompter({ acceptHostKey: true });
    await track(connectionTo(h, { prompter: first, trustStoreDir, target: { host: '127.0.0.1', port: h.port, username: h.user.name, hostKeyAlias: MACHINE_A } })).start();
    expect(first.asked).toMatchObject([{ kind: 'host-key', server: `127.0.0.1:${h.port}`, fingerprint: h.sshd.hostKey.fingerprint }]);
    // Filed under the machine only: the address it had says nothing about whoever has it next.
    expect(readFileSync(join(trustStoreDir, 'known_hosts'), 'utf8')).toBe(`${MACHINE_A} ${h.sshd.hostKey.publicLine.split(' ').slice(0, 2).join(' ')}\n`);

    const again = scriptedPrompter();
    const atNewAddress = track(connectionTo(h, { prompter: again, trustStoreDir, target: { host: '127.0.0.2', port: moved.port, username: h.user.name, hostKeyAlias: MACHINE_A } }));
    await atNewAddress.start();
    expect(again.asked).toEqual([]);
    expect(atNewAddress.snapshot().kind).toBe('ready');
  });

  it('treats another machine at an address on record for someone else as unknown, not as a changed key', async () => {
    const h = await host();
    const other = await sibling(h, { sameHostKey: false });
    // The user's known_hosts remembers machine A's key at the address machine B now has,
    // as after a plain `ssh` to A before its IP was recycled; Porthole's store has A's alias.
    const keyOfA = h.sshd.hostKey.publicLine.split(' ').slice(0, 2).join(' ');
    writeFileSync(h.knownHostsPath, `[127.0.0.1]:${other.port} ${keyOfA}\n`);
    const trustStoreDir = makeDir('trust');
    writeFileSync(join(trustStoreDir, 'known_hosts'), `${MACHINE_A} ${keyOfA}\n`);
    const at = (alias: string | undefined) => ({ host: '127.0.0.1', port: other.port, username: h.user.name, ...(alias === undefined ? {} : { hostKeyAlias: alias }) });

    const asked = scriptedPrompter({ acceptHostKey: false });
    const error = await track(connectionTo(h, { prompter: asked, trustStoreDir, target: at(MACHINE_B) })).start().catch((e: unknown) => e);
    expect(asked.asked).toMatchObject([{ kind: 'host-key', fingerprint: other.hostKey.fingerprint }]);
    expect(error).toMatchObject({ code: 'ssh.hostkey-unknown' });

    // The same key by address alone is the attack warning; and machine A's own name with
    // another key is too: the alias does not loosen anything for a machine on record.
    await expect(track(connectionTo(h, { trustStoreDir, target: at(undefined) })).start()).rejects.toMatchObject({ code: 'ssh.hostkey-changed' });
    await expect(track(connectionTo(h, { trustStoreDir, target: at(MACHINE_A) })).start()).rejects.toMatchObject({ code: 'ssh.hostkey-changed' });
  });
});
