/**
 * One command to a working notebook, against a real sshd and Debian's real Jupyter:
 * cold start, reuse, finding Jupyter where users keep it, surviving SSH drops, and stopping.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NotebookSession } from '../../main/session/notebook-session';
import { startTestHost, type TestHost } from '../env/host';
import { listProcesses } from '../env/processes';
import { connectSsh, exec, keyLogin } from '../env/ssh-client';
import { waitFor } from '../env/wait';
import { asUser, makeVenvScript, notebookSession } from './support/notebook';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function host(options?: Parameters<typeof startTestHost>[0]): Promise<TestHost> {
  const h = await startTestHost(options);
  cleanups.push(() => h.stop());
  return h;
}
function session(h: TestHost, options?: Parameters<typeof notebookSession>[1]): NotebookSession {
  const s = notebookSession(h, options);
  cleanups.push(() => s.stop());
  return s;
}
async function status(url: string, token: string | null): Promise<number> {
  const response = await fetch(new URL('api/status', url.replace(/(tree|lab)$/, '')), { headers: token ? { Authorization: `token ${token}` } : {}, signal: AbortSignal.timeout(5_000) });
  return response.status;
}
const jupyterPids = (h: TestHost) => listProcesses().filter((p) => p.uid === h.user.uid && /jupyter-(notebook|server|lab)/.test(p.cmdline));

describe('notebook sessions', () => {
  it('cold start, then a warm start attaches to the same server', async () => {
    const h = await host();
    const cold = session(h, { stopServerOnClose: false });
    const first = await cold.start();
    expect(first).toMatchObject({ reused: false, flavour: 'notebook', version: expect.stringMatching(/^6\./) });
    expect(await status(first.url, cold.token)).toBe(200);
    expect(await status(first.url, null)).toBe(403);
    await cold.stop();

    const warm = session(h);
    const second = await warm.start();
    expect(second).toMatchObject({ reused: true, serverPid: first.serverPid, remotePort: first.remotePort });
    expect(warm.token).toBe(cold.token);
  });

  it('is not confused by a noisy login shell', async () => {
    const h = await host();
    const setup = await connectSsh(keyLogin(h));
    await asUser(setup, `for f in ~/.bashrc ~/.profile ~/.bash_profile; do printf 'echo "Welcome to the Deep Learning AMI"\\necho "@@PH@@ chosen /bin"\\necho jupyter\\n' >> $f; done`);
    setup.end();
    const s = session(h);
    const notebook = await s.start();
    expect(await status(notebook.url, s.token)).toBe(200);
  });

  it('finds Jupyter in a venv that is not on PATH, given its python', async () => {
    const h = await host();
    const setup = await connectSsh(keyLogin(h));
    await asUser(setup, makeVenvScript('$HOME/projects/venv'));
    setup.end();
    const s = session(h, { env: { kind: 'python', path: `${h.user.home}/projects/venv/bin/python3` } });
    const notebook = await s.start();
    expect(await status(notebook.url, s.token)).toBe(200);
    const server = jupyterPids(h).find((p) => p.pid === notebook.serverPid);
    expect(server?.cmdline).toContain(`${h.user.home}/projects/venv/bin/python3`);
  });

  it('finds Jupyter in a conda-like environment under ~/miniconda3/envs by name', async () => {
    const h = await host();
    const setup = await connectSsh(keyLogin(h));
    await asUser(setup, `mkdir -p $HOME/miniconda3/envs\n${makeVenvScript('$HOME/miniconda3/envs/datasci')}`);
    setup.end();
    const s = session(h, { env: { kind: 'conda', name: 'datasci' } });
    const notebook = await s.start();
    expect(await status(notebook.url, s.token)).toBe(200);
    expect(jupyterPids(h).find((p) => p.pid === notebook.serverPid)?.cmdline).toContain('miniconda3/envs/datasci/bin/python3');
  });

  it('says jupyter.not-found, naming where it looked, when the chosen environment has no Jupyter', async () => {
    const h = await host();
    const conda = session(h, { env: { kind: 'conda', name: 'missing-env' } });
    await expect(conda.start()).rejects.toMatchObject({ code: 'jupyter.not-found', message: expect.stringContaining('conda environment "missing-env"') });
    const python = session(h, { env: { kind: 'python', path: '/opt/nowhere/bin/python3' } });
    const error = await python.start().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'jupyter.not-found', message: expect.stringContaining('/opt/nowhere/bin') });
    expect((error as { hint: string }).hint).toMatch(/pip install/);
  });

  it('still starts when the remote port is taken, and reads the real port back', async () => {
    const h = await host();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(8888, '127.0.0.1', resolve)).catch(() => undefined);
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));
    const s = session(h);
    const notebook = await s.start();
    expect(notebook.remotePort).not.toBe(8888);
    expect(await status(notebook.url, s.token)).toBe(200);
  });

  it('keeps Jupyter running through an SSH drop and serves again on the same local URL', async () => {
    const h = await host();
    const s = session(h);
    const notebook = await s.start();
    await h.sshd.stop();
    await waitFor('the session to notice', () => s.snapshot().kind === 'reconnecting');
    expect(jupyterPids(h).map((p) => p.pid)).toContain(notebook.serverPid);
    await h.sshd.start();
    await waitFor('reconnected', () => s.snapshot().kind === 'ready', { timeoutMs: 20_000 });
    expect(s.snapshot()).toMatchObject({ kind: 'ready', reconnected: true, notebook: { url: notebook.url, serverPid: notebook.serverPid } });
    expect(await status(notebook.url, s.token)).toBe(200);
  });

  it('notices a server that died, and can restart it on the same local port', async () => {
    const h = await host();
    const s = session(h);
    const notebook = await s.start();
    const client = await connectSsh(keyLogin(h));
    await exec(client, `kill ${notebook.serverPid}`);
    client.end();
    await waitFor('server-stopped', () => s.snapshot().kind === 'server-stopped', { timeoutMs: 15_000 });
    const again = await s.restart();
    expect(again.serverPid).not.toBe(notebook.serverPid);
    expect(again.localPort).toBe(notebook.localPort);
    expect(await status(again.url, s.token)).toBe(200);
  });

  it('stops: the server is gone, no Porthole file is left, and the token never appeared in ps', async () => {
    const h = await host();
    const s = session(h, { stopServerOnClose: true });
    const seenArgs: string[] = [];
    const watcher = setInterval(() => seenArgs.push(...listProcesses().filter((p) => p.uid === h.user.uid).map((p) => p.cmdline)), 20);
    let notebook;
    try {
      notebook = await s.start();
      seenArgs.push(...listProcesses().filter((p) => p.uid === h.user.uid).map((p) => p.cmdline));
    } finally {
      clearInterval(watcher);
    }
    const token = s.token!;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(seenArgs.length).toBeGreaterThan(0);
    expect(seenArgs.join('\n')).not.toContain(token);
    await s.stop();
    expect(listProcesses().some((p) => p.pid === notebook.serverPid)).toBe(false);
    const client = await connectSsh(keyLogin(h));
    const files = await exec(client, 'ls -A "$HOME/.local/share/jupyter/runtime"');
    client.end();
    expect(files.stdout.split('\n').filter((f) => f.startsWith('porthole') || f.endsWith('.json'))).toEqual([]);
  });

  it('password mode: the password hash is never on a command line, Jupyter has it, and no config file is left', async () => {
    const h = await host();
    const s = session(h, { stopServerOnClose: true, password: 'a notebook password' });
    const seenArgs: string[] = [];
    const sample = () => seenArgs.push(...listProcesses().filter((p) => p.uid === h.user.uid).map((p) => p.cmdline));
    const watcher = setInterval(sample, 20);
    let notebook;
    try {
      notebook = await s.start();
      sample();
    } finally {
      clearInterval(watcher);
    }
    expect(seenArgs.some((args) => /jupyter-notebook/.test(args))).toBe(true);
    expect(seenArgs.join('\n')).not.toMatch(/argon2:|sha1:|password=|hashed_password/);
    const client = await connectSsh(keyLogin(h));
    const runtime = await exec(client, `cat "$HOME/.local/share/jupyter/runtime/nbserver-${notebook.serverPid}.json"; ls -A "$HOME/.local/share/jupyter/runtime"`);
    expect(runtime.stdout).toMatch(/"password": true/);
    expect(runtime.stdout).not.toMatch(/porthole-jupyter-config/);
    client.end();
    expect(await status(notebook.url, null)).toBe(403);
    await s.stop();
  });
});
