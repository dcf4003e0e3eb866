/**
 * Porthole's SSH connection against real OpenSSH sshd: every login method users have, host
 * key verification before any credential, and jump hosts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../main/ssh/connection';
import { HostKeyStore } from '../../main/ssh/host-keys';
import { startTestHost, type TestHost } from '../env/host';
import { fingerprintOf } from '../env/keys';
import { runChecked } from '../env/processes';
import { makeDir } from '../env/run-dir';
import { startSshAgent } from '../env/ssh-agent';
import { exec } from '../env/ssh-client';
import { connectionTo, scriptedPrompter } from './support/connect';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function host(options?: Parameters<typeof startTestHost>[0]): Promise<TestHost> {
  const h = await startTestHost(options);
  cleanups.push(() => h.stop());
  return h;
}
function track(connection: SshConnection): SshConnection {
  cleanups.push(() => connection.dispose());
  return connection;
}
async function whoami(connection: SshConnection): Promise<string> {
  return (await exec(connection.client!, 'id -un')).stdout.trim();
}
/** Auth lines sshd logs at LogLevel VERBOSE for any login attempt, successful or not. */
const AUTH_ATTEMPT = /Accepted |Failed |Postponed |Invalid user|authentication failure/;

describe('logins', () => {
  it('logs in with a private key', async () => {
    const h = await host();
    const connection = track(connectionTo(h));
    await connection.start();
    expect(await whoami(connection)).toBe(h.user.name);
  });

  it('asks for the passphrase of an encrypted key, and a wrong one gives ssh.key-passphrase-wrong', async () => {
    const h = await host({ clientKeyPassphrase: 'open sesame' });
    const prompter = scriptedPrompter({ passphrases: ['open sesame'] });
    const connection = track(connectionTo(h, { prompter }));
    await connection.start();
    expect(prompter.asked).toEqual([{ kind: 'passphrase', keyLabel: 'client_key', retry: false }]);
    expect(await whoami(connection)).toBe(h.user.name);

    const wrong = track(connectionTo(h, { prompter: scriptedPrompter({ passphrases: ['nope', 'still no', 'no', 'no'] }) }));
    await expect(wrong.start()).rejects.toMatchObject({ code: 'ssh.key-passphrase-wrong' });
    const declined = track(connectionTo(h));
    await expect(declined.start()).rejects.toMatchObject({ code: 'ssh.key-passphrase-required' });
  });

  it('logs in with a password; a wrong one gives ssh.auth-failed saying what was tried and accepted', async () => {
    const h = await host({ auth: { publickey: false, password: true } });
    const good = track(connectionTo(h, { identities: [], password: true, prompter: scriptedPrompter({ passwords: [h.password!] }) }));
    await good.start();
    expect(await whoami(good)).toBe(h.user.name);

    const prompter = scriptedPrompter({ passwords: ['wrong-1', 'wrong-2', 'wrong-3'] });
    const bad = track(connectionTo(h, { identities: [], password: true, prompter }));
    const error = await bad.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ssh.auth-failed' });
    expect((error as Error).message).toMatch(/Tried: password, password, password\. The server accepts: password/);
    expect(prompter.asked.map((p) => p.kind === 'password' && p.retry)).toEqual([false, true, true]);
  });

  it('passes keyboard-interactive prompts to the user and logs in', async () => {
    const h = await host({ auth: { publickey: false, keyboardInteractive: true } });
    const prompter = scriptedPrompter({ keyboardInteractive: [[h.password!]] });
    const connection = track(connectionTo(h, { identities: [], keyboardInteractive: true, prompter }));
    await connection.start();
    expect(prompter.asked).toEqual([expect.objectContaining({ kind: 'keyboard-interactive', prompts: [expect.objectContaining({ prompt: expect.stringMatching(/password/i), echo: false })] })]);
    expect(await whoami(connection)).toBe(h.user.name);
  });

  it('logs in through a real ssh-agent holding the key', async () => {
    const h = await host();
    const agent = await startSshAgent([h.clientKey.privatePath]);
    cleanups.push(() => agent.stop());
    const connection = track(connectionTo(h, { identities: [], agent: agent.socket }));
    await connection.start();
    expect(await whoami(connection)).toBe(h.user.name);
    expect(h.sshd.log()).toMatch(new RegExp(`Accepted publickey for ${h.user.name}`));
  });

  it('a key the server does not know gives ssh.auth-failed listing the key tried', async () => {
    const h = await host({ auth: { publickey: true, password: true } });
    const other = await startTestHost();
    cleanups.push(() => other.stop());
    const connection = track(connectionTo(h, { identities: [{ label: 'stranger_key', data: readFileSync(other.clientKey.privatePath) }] }));
    const error = await connection.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ssh.auth-failed' });
    expect((error as Error).message).toContain('Tried: publickey (stranger_key). The server accepts: publickey, password.');
  });
});

describe('host key verification', () => {
  it('pauses on an unknown key with type and ssh-keygen fingerprint, and remembers an accepted key', async () => {
    const h = await host();
    writeFileSync(h.knownHostsPath, '');
    const trustStoreDir = makeDir('trust');
    const prompter = scriptedPrompter({ acceptHostKey: true });
    const connection = track(connectionTo(h, { prompter, trustStoreDir }));
    const states: string[] = [];
    connection.onStateChange((state) => states.push(state.kind));
    await connection.start();
    expect(states).toEqual(['connecting', 'awaiting-user', 'connecting', 'ready']);
    expect(prompter.asked).toEqual([
      { kind: 'host-key', server: `127.0.0.1:${h.port}`, keyType: 'ssh-ed25519', fingerprint: await fingerprintOf(h.sshd.hostKey.publicPath), otherKeyTypesKnown: [] },
    ]);

    // Next time: trusted from Porthole's store, no question.
    const again = scriptedPrompter();
    const second = track(connectionTo(h, { prompter: again, trustStoreDir }));
    await second.start();
    expect(again.asked).toEqual([]);
  });

  it('refuses an unknown key the user does not accept, before any login attempt', async () => {
    const h = await host();
    writeFileSync(h.knownHostsPath, '');
    const connection = track(connectionTo(h, { prompter: scriptedPrompter({ acceptHostKey: false }) }));
    await expect(connection.start()).rejects.toMatchObject({ code: 'ssh.hostkey-unknown' });
    expect(h.sshd.log()).not.toMatch(AUTH_ATTEMPT);
  });

  it('refuses a changed host key with both fingerprints and where the old one is recorded, before auth', async () => {
    const h = await host();
    const oldFingerprint = h.sshd.hostKey.fingerprint;
    const first = track(connectionTo(h));
    await first.start();
    await first.dispose();

    await h.sshd.stop();
    await h.sshd.regenerateHostKeys();
    await h.sshd.start();
    const logBefore = h.sshd.log().length;
    const prompter = scriptedPrompter({ acceptHostKey: true });
    const connection = track(connectionTo(h, { prompter }));
    const error = await connection.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ssh.hostkey-changed', retryable: false });
    expect((error as Error).message).toContain(oldFingerprint);
    expect((error as Error).message).toContain(h.sshd.hostKey.fingerprint);
    expect((error as Error).message).toContain(`${h.knownHostsPath} line 1`);
    // Never offered to the user as "unknown", and sshd saw no authentication at all.
    expect(prompter.asked).toEqual([]);
    expect(h.sshd.log().slice(logBefore)).not.toMatch(AUTH_ATTEMPT);
  });

  it('honours hashed known_hosts entries and [host]:port entries', async () => {
    const h = await host({ hostKeyTypes: ['ecdsa', 'ed25519'] });
    await runChecked('ssh-keygen', ['-H', '-f', h.knownHostsPath]);
    const hashed = readFileSync(h.knownHostsPath, 'utf8');
    expect(hashed).toMatch(/^\|1\|/m);
    expect(hashed).not.toContain('127.0.0.1');
    const prompter = scriptedPrompter();
    const connection = track(connectionTo(h, { prompter }));
    await connection.start();
    expect(prompter.asked).toEqual([]);
  });

  it('prefers a host key type already on record, as OpenSSH does', async () => {
    const h = await host({ hostKeyTypes: ['ed25519', 'ecdsa'] });
    // Only the ECDSA key is on record: Porthole must negotiate ECDSA instead of calling ed25519 unknown.
    const ecdsaOnly = readFileSync(h.knownHostsPath, 'utf8').split('\n').filter((line) => line.includes('ecdsa-sha2')).join('\n');
    writeFileSync(h.knownHostsPath, `${ecdsaOnly}\n`);
    const prompter = scriptedPrompter();
    const connection = track(connectionTo(h, { prompter }));
    await connection.start();
    expect(prompter.asked).toEqual([]);
  });
});

it('treats a key of a new type, when another type is on record, as a changed key (as OpenSSH does)', async () => {
  const h = await host({ hostKeyTypes: ['ed25519'] });
  await h.sshd.stop();
  await h.sshd.regenerateHostKeys(['ecdsa']);
  await h.sshd.start();
  const prompter = scriptedPrompter({ acceptHostKey: true });
  const error = await track(connectionTo(h, { prompter })).start().catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'ssh.hostkey-changed' });
  expect((error as Error).message).toMatch(/presents ecdsa-sha2-nistp256 SHA256:.*on record: ssh-ed25519 SHA256:/);
  expect(prompter.asked).toEqual([]);
  expect(h.sshd.log()).not.toMatch(AUTH_ATTEMPT);
});

describe('jump hosts', () => {
  it('reaches the target through two jump hosts, verifying each hop', async () => {
    const [jump1, jump2, target] = [await host(), await host(), await host()];
    const knownHosts = join(makeDir('kh'), 'known_hosts');
    writeFileSync(knownHosts, [jump1, jump2, target].map((h) => readFileSync(h.knownHostsPath, 'utf8')).join(''));
    // One identity that every hop accepts: add jump1's client key to the others.
    for (const h of [jump2, target]) writeFileSync(join(h.sshd.configPath, '..', 'authorized_keys'), `${jump1.clientKey.publicLine}\n`);
    const connection = track(
      connectionTo(target, {
        jumps: [jump1, jump2].map((h) => ({ host: h.host, port: h.port, username: h.user.name })),
        identities: [{ label: 'client_key', data: readFileSync(jump1.clientKey.privatePath) }],
        hostKeys: new HostKeyStore({ knownHostsFiles: [knownHosts], trustStorePath: join(makeDir('trust'), 'known_hosts') }),
      }),
    );
    await connection.start();
    expect(await whoami(connection)).toBe(target.user.name);
    for (const h of [jump1, jump2, target]) expect(h.sshd.log()).toContain(`Accepted publickey for ${h.user.name}`);
  });

  it('stops at a jump host whose key is unknown, naming that hop', async () => {
    const [jump, target] = [await host(), await host()];
    const connection = track(
      connectionTo(target, {
        jumps: [{ host: jump.host, port: jump.port, username: jump.user.name }],
        hostKeys: new HostKeyStore({ knownHostsFiles: [target.knownHostsPath], trustStorePath: join(makeDir('trust'), 'known_hosts') }),
      }),
    );
    const error = await connection.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ssh.hostkey-unknown' });
    expect((error as Error).message).toContain(`127.0.0.1:${jump.port}`);
    expect(target.sshd.log()).not.toMatch(AUTH_ATTEMPT);
  });
});
