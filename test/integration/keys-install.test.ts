/**
 * "Install on host" against a real sshd that takes passwords: logged in with the password,
 * Porthole appends the public key to ~/.ssh/authorized_keys like ssh-copy-id, and then the
 * key logs in. A second run adds nothing; an existing file without a final newline keeps
 * its lines intact.
 */
import { chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from 'ssh2';
import { generateKey, installPublicKey } from '../../main/keys';
import { startTestHost, type TestHost } from '../env/host';
import { connectSsh, keyLogin } from '../env/ssh-client';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A host that takes passwords and reads the user's own ~/.ssh/authorized_keys, as real servers do. */
async function passwordHost(): Promise<TestHost> {
  const host = await startTestHost({
    auth: { publickey: true, password: true },
    // The test sshd reads authorized_keys from its own folder; a Match block overrides that.
    extraConfig: ['Match all', 'AuthorizedKeysFile .ssh/authorized_keys'],
  });
  cleanups.push(() => host.stop());
  return host;
}

async function passwordLogin(host: TestHost): Promise<Client> {
  const { privateKey: _unused, ...config } = keyLogin(host);
  const client = await connectSsh({ ...config, password: host.password! });
  cleanups.push(async () => client.end());
  return client;
}

async function keyLogsIn(host: TestHost, privateKey: Buffer): Promise<boolean> {
  try {
    const client = await connectSsh(keyLogin(host, { privateKey }));
    client.end();
    return true;
  } catch (error) {
    if (/authentication methods failed/i.test((error as Error).message)) return false;
    throw error;
  }
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('installPublicKey', () => {
  it('creates ~/.ssh (0700) and authorized_keys (0600), after which the key logs in; a second run adds nothing', async () => {
    const host = await passwordHost();
    const key = await generateKey({ comment: 'porthole install test' });
    const sshDir = join(host.user.home, '.ssh');
    const authorizedKeys = join(sshDir, 'authorized_keys');
    expect(existsSync(sshDir)).toBe(false);
    expect(await keyLogsIn(host, key.privateKey)).toBe(false);

    const client = await passwordLogin(host);
    expect(await installPublicKey(client, key.publicKey)).toEqual({ added: true });
    expect(mode(sshDir)).toBe(0o700);
    expect(mode(authorizedKeys)).toBe(0o600);
    expect(statSync(authorizedKeys).uid).toBe(host.user.uid);
    expect(readFileSync(authorizedKeys, 'utf8')).toBe(`${key.publicKey}\n`);
    expect(await keyLogsIn(host, key.privateKey)).toBe(true);

    expect(await installPublicKey(client, key.publicKey)).toEqual({ added: false });
    expect(readFileSync(authorizedKeys, 'utf8')).toBe(`${key.publicKey}\n`);
  });

  it('recognises the key already there under another comment, and keeps existing lines intact', async () => {
    const host = await passwordHost();
    const [other, key] = [await generateKey({ comment: 'other' }), await generateKey({ comment: 'new' })];
    const sshDir = join(host.user.home, '.ssh');
    mkdirSync(sshDir, { mode: 0o755 });
    // An existing file whose last line has no newline, as hand-edited files often do.
    writeFileSync(join(sshDir, 'authorized_keys'), other.publicKey, { mode: 0o644 });
    chownSync(sshDir, host.user.uid, host.user.gid);
    chownSync(join(sshDir, 'authorized_keys'), host.user.uid, host.user.gid);

    const client = await passwordLogin(host);
    expect(await installPublicKey(client, key.publicKey)).toEqual({ added: true });
    const lines = readFileSync(join(sshDir, 'authorized_keys'), 'utf8').split('\n');
    expect(lines).toEqual([other.publicKey, key.publicKey, '']);
    // Existing modes are the user's business, as with ssh-copy-id.
    expect(mode(sshDir)).toBe(0o755);
    expect(await keyLogsIn(host, key.privateKey)).toBe(true);
    expect(await keyLogsIn(host, other.privateKey)).toBe(true);

    const renamed = key.publicKey.replace(/ new$/, ' renamed on another machine');
    expect(await installPublicKey(client, renamed)).toEqual({ added: false });
    expect(readFileSync(join(sshDir, 'authorized_keys'), 'utf8').split('\n')).toHaveLength(3);
  });

  it('sends the key on stdin, never in the command line (which the server may log and ps shows)', async () => {
    const host = await passwordHost();
    const key = await generateKey();
    const client = await passwordLogin(host);
    const commands: string[] = [];
    const exec_ = client.exec.bind(client) as (command: string, callback: Parameters<Client['exec']>[1]) => Client;
    (client as { exec: unknown }).exec = (command: string, callback: Parameters<Client['exec']>[1]) => {
      commands.push(command);
      return exec_(command, callback);
    };
    expect(await installPublicKey(client, key.publicKey)).toEqual({ added: true });
    const blob = key.publicKey.split(' ')[1]!;
    expect(commands).toHaveLength(1);
    expect(commands[0]).not.toContain(blob.slice(0, 40));
    expect(readFileSync(join(host.user.home, '.ssh', 'authorized_keys'), 'utf8')).toContain(blob);
  });

  it('reports keys.install-failed with the server\'s reason when ~/.ssh cannot be made', async () => {
    const host = await passwordHost();
    const key = await generateKey();
    // A file where the folder should be.
    writeFileSync(join(host.user.home, '.ssh'), 'not a folder');
    chownSync(join(host.user.home, '.ssh'), host.user.uid, host.user.gid);
    const client = await passwordLogin(host);
    const error = await installPublicKey(client, key.publicKey).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'keys.install-failed' });
    expect((error as Error).message).toMatch(/File exists|Not a directory/);
    expect(readFileSync(join(host.user.home, '.ssh'), 'utf8')).toBe('not a folder');
  });

  it('refuses something that is not a public key line', async () => {
    const host = await passwordHost();
    const client = await passwordLogin(host);
    await expect(installPublicKey(client, '-----BEGIN OPENSSH PRIVATE KEY-----')).rejects.toMatchObject({ code: 'keys.invalid-public-key' });
    await expect(installPublicKey(client, 'ssh-ed25519 AAAA\nssh-rsa AAAA')).rejects.toMatchObject({ code: 'keys.invalid-public-key' });
  });
});
