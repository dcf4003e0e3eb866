/**
 * The desktop service (main/app) end to end, driven through its IPC handlers exactly as the
 * window drives it, against a real sshd, Debian's real Jupyter and a real Secret Service.
 * The renderer's part of the same flows is in test/browser.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandArgs, CommandName, CommandResult } from '../../main/ipc/contract';
import { describeSshCryptoPath, sshCryptoPath } from '../../main/ssh/crypto-path';
import { startKeyring, type TestKeyring } from '../env/keyring';
import type { TestHost } from '../env/host';
import { listProcesses, runChecked } from '../env/processes';
import { makeDir } from '../env/run-dir';
import { waitFor } from '../env/wait';
import { desktopTestKit, followHandoff, useKeyringInThisProcess, type DesktopHarness } from '../support/desktop-harness';
import { outcomeOf } from './support/client';

const AUTH_ATTEMPT = /Accepted |Failed |Postponed |Invalid user|authentication failure/;

let keyring: TestKeyring;
beforeAll(async () => {
  keyring = await startKeyring();
  useKeyringInThisProcess(keyring);
});
afterAll(async () => {
  await keyring?.stop();
});

const { host, desktop } = desktopTestKit();

/** Calls a handler the way IPC does, turning a thrown PortholeError into its info for assertions. */
async function call<N extends CommandName>(d: DesktopHarness, name: N, args: CommandArgs<N>): Promise<CommandResult<N>> {
  const handler = d.service.handlers[name] as (a: CommandArgs<N>) => Promise<CommandResult<N>> | CommandResult<N>;
  return handler(args);
}

async function puttyKey(dir: string, passphrase: string): Promise<{ path: string; publicLine: string; fingerprint: string }> {
  const path = join(dir, 'seminar.ppk');
  const passphraseFile = join(dir, 'pass');
  writeFileSync(passphraseFile, `${passphrase}\n`);
  await runChecked('puttygen', ['-t', 'ed25519', '-C', 'student@seminar', '-o', path, '--new-passphrase', passphraseFile, '--ppk-param', 'version=3,kdf=argon2id']);
  const publicLine = (await runChecked('puttygen', [path, '-O', 'public-openssh', '--old-passphrase', passphraseFile])).trim();
  const fingerprint = (await runChecked('puttygen', [path, '-l', '-E', 'sha256', '--old-passphrase', passphraseFile])).match(/SHA256:\S+/)![0];
  return { path, publicLine, fingerprint };
}

function authorize(h: TestHost, publicLine: string): void {
  appendFileSync(join(dirname(h.sshd.configPath), 'authorized_keys'), `${publicLine}\n`);
}

describe('desktop service', () => {
  it('logs at start which SSH crypto path is live, and relays the shell\'s notes and announcements to the log view and the window', async () => {
    const d = await desktop();
    const messages = async () => (await call(d, 'logs:recent', {})).map((line) => `${line.level} ${line.scope}: ${line.message}`);
    // Under Node in this checkout ssh2 runs its native addon; the packaged app logs its own path.
    expect(await messages()).toContain(`info app: ${describeSshCryptoPath(sshCryptoPath())}`);
    expect((await messages()).join('\n')).toMatch(/info app: SSH encryption runs in ssh2's native crypto addon on Node /);

    d.service.note('warn', 'Could not check for or download an update: offline');
    d.service.announce('info', 'Porthole 1.2.0 is ready to install', 'It installs when you quit Porthole.');
    expect(await messages()).toEqual(expect.arrayContaining(['warn app: Could not check for or download an update: offline', 'info app: Porthole 1.2.0 is ready to install: It installs when you quit Porthole.']));
    expect(d.events.filter((e) => e.event === 'app:notice').map((e) => e.payload)).toEqual([
      { notice: { id: expect.any(String), level: 'info', title: 'Porthole 1.2.0 is ready to install', body: 'It installs when you quit Porthole.', host: null } },
    ]);
  });

  it('imports a .ppk v3 with passphrase, adds a host, asks about the host key, launches and hands the browser the notebook', async () => {
    const h = await host();
    const d = await desktop();
    const key = await puttyKey(makeDir('ppk'), 'seminar passphrase');
    authorize(h, key.publicLine);

    const inspected = await call(d, 'keys:inspect', { source: { kind: 'path', path: key.path } });
    expect(inspected).toEqual({ kind: 'private', format: 'ppk-v3', type: 'ssh-ed25519', encrypted: true, fingerprint: key.fingerprint, comment: 'student@seminar', suggestedName: 'seminar' });
    await expect(call(d, 'keys:import', { source: { kind: 'path', path: key.path }, name: 'seminar', passphrase: 'not it' })).rejects.toMatchObject({ code: 'keys.wrong-passphrase' });
    const imported = await call(d, 'keys:import', { source: { kind: 'path', path: key.path }, name: 'seminar', passphrase: 'seminar passphrase' });
    expect(imported).toMatchObject({ name: 'seminar', fingerprint: key.fingerprint, format: 'ppk-v3', source: 'vault' });

    await call(d, 'hosts:save', { originalName: null, host: { name: 'gpu-vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'vault', name: 'seminar' }, jupyter: { stopOnDisconnect: true } } });
    expect(await call(d, 'hosts:list', {})).toMatchObject([{ name: 'gpu-vm', port: h.port, key: { kind: 'vault', name: 'seminar' } }]);

    let browserLanded: Response | null = null;
    d.onOpen = async (target) => {
      browserLanded = await followHandoff(target);
    };
    await call(d, 'sessions:launch', { host: 'gpu-vm' });
    const prompt = await d.waitForPrompt('gpu-vm');
    expect(prompt.detail).toEqual({ kind: 'host-key', server: `127.0.0.1:${h.port}`, keyType: 'ssh-ed25519', fingerprint: h.sshd.hostKey.fingerprint });
    expect(d.session('gpu-vm')?.state).toEqual({ kind: 'awaiting-user', promptId: prompt.id });
    await call(d, 'prompts:answer', { id: prompt.id, answer: { kind: 'host-key', trust: 'always' } });

    const ready = await d.waitForSession('gpu-vm', ['ready']);
    if (ready.state.kind !== 'ready' || ready.state.notebook === null) throw new Error('not a ready notebook');
    expect(ready.state.notebook.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tree$/);
    expect(ready.startedServer).toBe(true);
    await waitFor('the browser to land', () => browserLanded !== null);
    expect(d.opened[0]).toMatch(/^file:\/\/.*open-notebook\.html$/);
    expect(browserLanded!.status).toBe(200);
    expect(browserLanded!.url).toContain(`127.0.0.1:${ready.state.notebook.localPort}`);

    // Nothing the renderer was sent, and no log line, carries the token.
    const tokenSeen = /token=[0-9a-f]{16,}/;
    expect(d.allEventText()).not.toMatch(tokenSeen);
    expect(JSON.stringify(await call(d, 'logs:recent', {}))).not.toMatch(tokenSeen);
    expect(d.allEventText()).not.toContain('seminar passphrase');
    expect(readFileSync(join(d.dataDir, 'known_hosts'), 'utf8')).toContain(`[127.0.0.1]:${h.port}`);

    const servers = await call(d, 'sessions:list-servers', { host: 'gpu-vm' });
    expect(servers).toContainEqual(expect.objectContaining({ pid: ready.state.notebook.serverPid, current: true }));

    await call(d, 'sessions:stop-server', { host: 'gpu-vm' });
    expect(d.session('gpu-vm')?.state).toEqual({ kind: 'closed', leftRunning: null });
    const serverPid = ready.state.notebook.serverPid;
    expect(listProcesses().some((p) => p.pid === serverPid)).toBe(false);
  });

  it('stops at a changed host key with the old and new fingerprints, before any login is tried', async () => {
    const h = await host();
    const d = await desktop({ knownHostsFiles: [] });
    authorize(h, h.clientKey.publicLine);
    writeFileSync(join(d.dataDir, 'known_hosts'), `[127.0.0.1]:${h.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n`);
    await call(d, 'hosts:save', { originalName: null, host: { name: 'vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'path', path: h.clientKey.privatePath } } });
    const logBefore = h.sshd.log().length;
    await call(d, 'sessions:launch', { host: 'vm' });
    const failed = await d.waitForSession('vm', ['failed']);
    if (failed.state.kind !== 'failed') throw new Error('unreachable');
    expect(failed.state.error.code).toBe('ssh.hostkey-changed');
    expect(failed.state.error.details?.hostKeyChanged).toEqual({
      server: `127.0.0.1:${h.port}`,
      presented: { keyType: 'ssh-ed25519', fingerprint: h.sshd.hostKey.fingerprint },
      recorded: [{ keyType: 'ssh-ed25519', fingerprint: expect.stringMatching(/^SHA256:/), file: join(d.dataDir, 'known_hosts'), line: 1 }],
    });
    expect(await call(d, 'prompts:list', {})).toEqual([]);
    expect(h.sshd.log().slice(logBefore)).not.toMatch(AUTH_ATTEMPT);
  });

  it('shows an auth failure with its hint, and Retry works once the key is installed', async () => {
    // As on a cloud VM: sshd reads the user's own ~/.ssh/authorized_keys, where "Install on host" writes.
    const h = await host({ auth: { publickey: true, password: true }, extraConfig: ['Match all', 'AuthorizedKeysFile .ssh/authorized_keys'] });
    const d = await desktop({ knownHostsFiles: [h.knownHostsPath] });
    const generated = await call(d, 'keys:generate', { name: 'laptop', type: 'ed25519' });
    expect(generated.publicKey).toMatch(/^ssh-ed25519 /);
    await call(d, 'hosts:save', { originalName: null, host: { name: 'vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'vault', name: 'laptop' }, jupyter: { stopOnDisconnect: true } } });

    await call(d, 'sessions:launch', { host: 'vm', openBrowser: false });
    // The key is refused, so the server falls back to a password: cancel it.
    const passwordPrompt = await d.waitForPrompt('vm');
    expect(passwordPrompt.detail).toMatchObject({ kind: 'password', retry: false, canRemember: true });
    await call(d, 'prompts:cancel', { id: passwordPrompt.id });
    const failed = await d.waitForSession('vm', ['failed']);
    if (failed.state.kind !== 'failed') throw new Error('unreachable');
    expect(failed.state.error).toMatchObject({ code: 'ssh.auth-failed', hint: expect.stringContaining('authorized_keys') });

    // "Install on host" over the password login, then Retry.
    expect(await call(d, 'keys:install', { name: 'laptop', host: '127.0.0.1', port: h.port, user: h.user.name, password: h.password! })).toEqual({ added: true });
    await call(d, 'keys:copy-public', { name: 'laptop' });
    expect(d.clipboard).toEqual([generated.publicKey]);
    await call(d, 'sessions:retry', { host: 'vm' });
    await d.waitForSession('vm', ['ready']);
    expect(await call(d, 'prompts:list', {})).toEqual([]);
  });

  it('cancelling the host key question fails with the fingerprint, and nothing is trusted', async () => {
    const h = await host();
    const d = await desktop();
    authorize(h, h.clientKey.publicLine);
    await call(d, 'hosts:save', { originalName: null, host: { name: 'vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'path', path: h.clientKey.privatePath } } });
    await call(d, 'sessions:launch', { host: 'vm' });
    const prompt = await d.waitForPrompt('vm');
    d.service.cancelAllPrompts();
    const failed = await d.waitForSession('vm', ['failed']);
    if (failed.state.kind !== 'failed') throw new Error('unreachable');
    expect(failed.state.error).toMatchObject({ code: 'ssh.hostkey-unknown', message: expect.stringContaining(h.sshd.hostKey.fingerprint) });
    await expect(call(d, 'prompts:answer', { id: prompt.id, answer: { kind: 'host-key', trust: 'once' } })).rejects.toMatchObject({ code: 'prompts.gone' });
    expect(h.sshd.log()).not.toMatch(/Accepted/);
  });

  it('keeps the notebook on the same local port when sshd restarts', async () => {
    const h = await host();
    const d = await desktop({ knownHostsFiles: [h.knownHostsPath] });
    authorize(h, h.clientKey.publicLine);
    await call(d, 'settings:update', { patch: { keepaliveSeconds: 1 } });
    await call(d, 'hosts:save', { originalName: null, host: { name: 'vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'path', path: h.clientKey.privatePath }, jupyter: { stopOnDisconnect: true } } });
    await call(d, 'sessions:launch', { host: 'vm', openBrowser: false });
    const ready = await d.waitForSession('vm', ['ready']);
    if (ready.state.kind !== 'ready' || !ready.state.notebook) throw new Error('unreachable');
    const port = ready.state.notebook.localPort;

    await h.sshd.restart();
    const reconnecting = await d.waitForSession('vm', ['reconnecting']);
    if (reconnecting.state.kind !== 'reconnecting') throw new Error('unreachable');
    expect(reconnecting.state.retryAt).toBeGreaterThan(Date.now() - 60_000);
    const back = await d.waitForSession('vm', ['ready']);
    if (back.state.kind !== 'ready' || !back.state.notebook) throw new Error('unreachable');
    expect(back.state).toMatchObject({ reconnected: true, notebook: { localPort: port } });
    expect((await fetch(`http://127.0.0.1:${port}/api/status`)).status).toBe(403);
  });

  it('a connection the notebook\'s own forward cannot carry goes to the host\'s log, and the forward goes on', async () => {
    const h = await host();
    const d = await desktop({ knownHostsFiles: [h.knownHostsPath] });
    authorize(h, h.clientKey.publicLine);
    await call(d, 'hosts:save', { originalName: null, host: { name: 'vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'path', path: h.clientKey.privatePath }, jupyter: { stopOnDisconnect: true } } });
    await call(d, 'sessions:launch', { host: 'vm', openBrowser: false });
    const ready = await d.waitForSession('vm', ['ready']);
    if (ready.state.kind !== 'ready' || !ready.state.notebook) throw new Error('unreachable');
    const { serverPid, localPort, remotePort } = ready.state.notebook;

    // Jupyter gone behind the forward's back: the next connection through it cannot be carried.
    process.kill(serverPid, 'SIGKILL');
    await waitFor('Jupyter to be gone', () => !listProcesses().some((p) => p.pid === serverPid));
    await fetch(`http://127.0.0.1:${localPort}/api/status`, { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    const logged = await waitFor('the failed connection in the log', async () => (await call(d, 'logs:recent', {})).find((line) => line.scope === 'vm' && line.message.includes(`Nothing is listening on 127.0.0.1:${remotePort}`)));
    expect(logged.level).toBe('warn');
    // Still listening (a refused port would be an 'error'): each client gets a clean close.
    expect(await outcomeOf(localPort, '', 10_000)).toBe('closed');
  });

  it('a session stopped while reconnecting says its Jupyter server was left running, and where', async () => {
    const h = await host();
    const d = await desktop({ knownHostsFiles: [h.knownHostsPath] });
    authorize(h, h.clientKey.publicLine);
    await call(d, 'settings:update', { patch: { keepaliveSeconds: 1 } });
    await call(d, 'hosts:save', { originalName: null, host: { name: 'vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'path', path: h.clientKey.privatePath }, jupyter: { stopOnDisconnect: true } } });
    await call(d, 'sessions:launch', { host: 'vm', openBrowser: false });
    const ready = await d.waitForSession('vm', ['ready']);
    if (ready.state.kind !== 'ready' || !ready.state.notebook) throw new Error('unreachable');
    const { serverPid, remotePort } = ready.state.notebook;

    await h.sshd.stop();
    await d.waitForSession('vm', ['reconnecting']);
    await call(d, 'sessions:disconnect', { host: 'vm' });
    expect(d.session('vm')?.state).toEqual({ kind: 'closed', leftRunning: { server: `127.0.0.1:${h.port}`, pid: serverPid, remotePort, rootDir: h.user.home, reason: 'unreachable' } });
    const notice = d.events.find((e) => e.event === 'app:notice')?.payload as { notice: { title: string; body: string } } | undefined;
    expect(notice?.notice.title).toBe('Jupyter was left running');
    expect(notice?.notice.body).toContain(`pid ${serverPid}`);
    expect(listProcesses().some((p) => p.pid === serverPid)).toBe(true);
    process.kill(serverPid, 'SIGTERM');
    await waitFor('the left-over Jupyter to exit', () => !listProcesses().some((p) => p.pid === serverPid));
  });

  it('password mode: the password is kept in the vault, the browser gets Jupyter\'s login page and no token', async () => {
    const h = await host();
    const d = await desktop({ knownHostsFiles: [h.knownHostsPath] });
    authorize(h, h.clientKey.publicLine);
    const base = { name: 'vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'path', path: h.clientKey.privatePath } } as const;
    // The editor asks the remote what it has, through the same connection path.
    const probe = await call(d, 'hosts:probe', { host: base });
    expect(probe.flavours).toEqual(expect.arrayContaining(['notebook']));
    expect(probe.versions.notebook).toMatch(/^6\./);

    const saved = await call(d, 'hosts:save', { originalName: null, host: { ...base, jupyter: { auth: 'password', stopOnDisconnect: true } }, notebookPassword: 'correct horse' });
    expect(saved.jupyter).toMatchObject({ auth: 'password', passwordSaved: true });
    let landed: { url: string; body: string } | null = null;
    d.onOpen = async (target) => {
      const response = await followHandoff(target);
      landed = { url: response.url, body: await response.text() };
    };
    await call(d, 'sessions:launch', { host: 'vm' });
    await d.waitForSession('vm', ['ready']);
    await waitFor('the browser to land', () => landed !== null);
    expect(landed!.url).not.toContain('token=');
    expect(landed!.body).toMatch(/type="password"/);
    expect(d.allEventText()).not.toContain('correct horse');
    expect(readFileSync(join(d.dataDir, 'vault.json'), 'utf8')).not.toContain('correct horse');
  });

  it('a key passphrase asked at launch: Disconnect while asked closes cleanly; "remember" keeps it for next time', async () => {
    const h = await host();
    const d = await desktop({ knownHostsFiles: [h.knownHostsPath] });
    const key = await call(d, 'keys:generate', { name: 'locked', type: 'ed25519', passphrase: 'letmein' });
    authorize(h, key.publicKey);
    await call(d, 'hosts:save', { originalName: null, host: { name: 'vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'vault', name: 'locked' }, jupyter: { stopOnDisconnect: true } } });

    await call(d, 'sessions:launch', { host: 'vm', openBrowser: false });
    const first = await d.waitForPrompt('vm');
    expect(first.detail).toEqual({ kind: 'passphrase', keyLabel: 'locked', retry: false, canRemember: true });
    expect(d.session('vm')?.state).toEqual({ kind: 'awaiting-user', promptId: first.id });
    await call(d, 'sessions:disconnect', { host: 'vm' });
    expect(d.session('vm')?.state).toEqual({ kind: 'closed', leftRunning: null });
    expect(await call(d, 'prompts:list', {})).toEqual([]);

    await call(d, 'sessions:launch', { host: 'vm', openBrowser: false });
    const wrong = await d.waitForPrompt('vm');
    await call(d, 'prompts:answer', { id: wrong.id, answer: { kind: 'secret', value: 'nope', remember: true } });
    const retry = await waitFor('the passphrase asked again', async () => (await call(d, 'prompts:list', {})).find((p) => p.id !== wrong.id));
    expect(retry.detail).toMatchObject({ kind: 'passphrase', retry: true });
    await call(d, 'prompts:answer', { id: retry.id, answer: { kind: 'secret', value: 'letmein', remember: true } });
    await d.waitForSession('vm', ['ready']);
    await call(d, 'sessions:disconnect', { host: 'vm' });

    // Remembered in the keychain-protected vault, only the one that worked: no question this time.
    await call(d, 'sessions:launch', { host: 'vm', openBrowser: false });
    await d.waitForSession('vm', ['ready']);
    expect(d.events.filter((e) => e.event === 'prompts:changed' && (e.payload as { prompts: unknown[] }).prompts.length > 0)).toHaveLength(3);
  });

  it('previews and imports hosts from ~/.ssh/config, keeping hosts already saved', async () => {
    const d = await desktop();
    writeFileSync(join(d.home, '.ssh', 'config'), ['Host gpu', '  HostName 203.0.113.7', '  User ubuntu', '', 'Host lab', '  HostName lab.example.com', '  Port 2222', '', 'Host *', '  ServerAliveInterval 30', ''].join('\n'));
    await call(d, 'hosts:save', { originalName: null, host: { name: 'lab', host: '198.51.100.1' } });
    const preview = await call(d, 'hosts:preview-import', { source: 'ssh-config', path: null });
    expect(preview.path).toBe(join(d.home, '.ssh', 'config'));
    expect(preview.candidates.map((c) => [c.host.name, c.host.host, c.host.user, c.exists])).toEqual([
      ['gpu', '203.0.113.7', 'ubuntu', false],
      ['lab', 'lab.example.com', null, true],
    ]);
    expect(await call(d, 'hosts:import', { source: 'ssh-config', path: null, names: ['gpu', 'lab'] })).toEqual({ added: ['gpu'], existing: ['lab'] });
    expect((await call(d, 'hosts:list', {})).map((x) => `${x.name}=${x.host}`)).toEqual(['lab=198.51.100.1', 'gpu=203.0.113.7']);
  });
});
