/**
 * The test environment's own guarantees, which later suites rely on: several sshd at once,
 * restart on the same port mid-test, every login method, forwarding switched off per
 * instance, and nothing left running after stop().
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from 'ssh2';
import { startTestHost, type TestHost } from '../env/host';
import { listProcesses } from '../env/processes';
import { run } from '../env/processes';
import { connectSsh, exec, keyLogin } from '../env/ssh-client';
import { waitFor } from '../env/wait';

const hosts: TestHost[] = [];
async function host(options?: Parameters<typeof startTestHost>[0]): Promise<TestHost> {
  const started = await startTestHost(options);
  hosts.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.stop()));
});

async function whoami(client: Client): Promise<string> {
  return (await exec(client, 'id -un')).stdout.trim();
}

describe('test environment', () => {
  it('runs several sshd at once, each with its own port, host key and user', async () => {
    const [a, b] = await Promise.all([host(), host()]);
    expect(a!.port).not.toBe(b!.port);
    expect(a!.sshd.hostKey.fingerprint).not.toBe(b!.sshd.hostKey.fingerprint);
    const [ca, cb] = await Promise.all([connectSsh(keyLogin(a!)), connectSsh(keyLogin(b!))]);
    expect([await whoami(ca), await whoami(cb)]).toEqual([a!.user.name, b!.user.name]);
    ca.end();
    cb.end();
  });

  it('restarts sshd mid-test on the same port, dropping open connections', async () => {
    const h = await host();
    const port = h.port;
    const client = await connectSsh(keyLogin(h));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    await h.sshd.stop();
    await closed;
    await expect(connectSsh(keyLogin(h, { readyTimeout: 2_000 }))).rejects.toThrow(/ECONNREFUSED/);

    await h.sshd.start();
    expect(h.port).toBe(port);
    const again = await connectSsh(keyLogin(h));
    expect(await whoami(again)).toBe(h.user.name);
    again.end();
  });

  it('can keep established sessions through a listener restart', async () => {
    const h = await host();
    const client = await connectSsh(keyLogin(h));
    await h.sshd.restart({ dropConnections: false });
    expect(await whoami(client)).toBe(h.user.name);
    client.end();
  });

  it('serves new host keys after regenerateHostKeys, as a rebuilt server would', async () => {
    const h = await host();
    const before = h.sshd.hostKey.fingerprint;
    await h.sshd.stop();
    await h.sshd.regenerateHostKeys();
    await h.sshd.start();
    expect(h.sshd.hostKey.fingerprint).not.toBe(before);
    const client = await connectSsh(keyLogin(h));
    client.end();
  });

  it('logs in with an encrypted client key and its passphrase', async () => {
    const h = await host({ clientKeyPassphrase: 'correct horse' });
    expect(readFileSync(h.clientKey.privatePath, 'utf8')).toContain('BEGIN OPENSSH PRIVATE KEY');
    await expect(connectSsh(keyLogin(h))).rejects.toThrow(/passphrase/i);
    const client = await connectSsh(keyLogin(h, { passphrase: 'correct horse' }));
    expect(await whoami(client)).toBe(h.user.name);
    client.end();
  });

  it('accepts password logins when enabled and refuses a wrong password', async () => {
    const h = await host({ auth: { publickey: false, password: true } });
    const base = { host: h.host, port: h.port, username: h.user.name, hostVerifier: keyLogin(h).hostVerifier! };
    const client = await connectSsh({ ...base, password: h.password! });
    expect(await whoami(client)).toBe(h.user.name);
    client.end();
    await expect(connectSsh({ ...base, password: 'wrong' })).rejects.toThrow(/authentication methods failed/);
    // Key login is off on this instance.
    await expect(connectSsh(keyLogin(h))).rejects.toThrow(/authentication methods failed/);
  });

  it('accepts keyboard-interactive logins, prompting through PAM', async () => {
    const h = await host({ auth: { publickey: false, keyboardInteractive: true } });
    const prompts: string[] = [];
    const client = await new Promise<Client>((resolve, reject) => {
      void import('ssh2').then(({ Client: SshClient }) => {
        const c = new SshClient();
        c.on('keyboard-interactive', (_name, _instructions, _lang, questions, finish) => {
          prompts.push(...questions.map((q) => q.prompt));
          finish(questions.map(() => h.password!));
        });
        c.once('ready', () => resolve(c));
        c.once('error', reject);
        c.connect({ host: h.host, port: h.port, username: h.user.name, tryKeyboard: true, hostVerifier: keyLogin(h).hostVerifier! });
      });
    });
    expect(prompts).toEqual([expect.stringMatching(/password/i)]);
    expect(await whoami(client)).toBe(h.user.name);
    client.end();
  });

  it('switches TCP forwarding off per instance', async () => {
    const h = await host({ allowTcpForwarding: 'no' });
    const client = await connectSsh(keyLogin(h));
    const error = await new Promise<(Error & { reason?: unknown }) | undefined>((resolve) =>
      client.forwardOut('127.0.0.1', 0, '127.0.0.1', h.port, (err) => resolve(err)),
    );
    // RFC 4254 reason 1, SSH_OPEN_ADMINISTRATIVELY_PROHIBITED (a closed port would be 2).
    expect(error?.reason).toBe(1);
    expect(h.sshd.log()).toMatch(/refused local port forward/);
    client.end();
  });

  it('leaves no process and no user behind after stop()', async () => {
    const h = await startTestHost();
    const client = await connectSsh(keyLogin(h));
    // A detached background job, as Jupyter will be: it must still be cleaned up.
    await exec(client, 'setsid nohup sleep 600 >/dev/null 2>&1 < /dev/null & echo started');
    await waitFor('the detached job to run', () => listProcesses().some((p) => p.uid === h.user.uid && p.cmdline.startsWith('sleep 600')));
    client.end();
    const sshdPid = h.sshd.pid;
    await h.stop();
    expect(listProcesses().filter((p) => p.uid === h.user.uid || p.pid === sshdPid || p.cmdline.includes(h.dir))).toEqual([]);
    expect((await run('id', [h.user.name])).code).not.toBe(0);
  });
});
