/**
 * scripts/ensure-electron.mjs, the step `npm start` runs before electron-vite: offline it
 * must say one clear line and exit non-zero, never hang, and with the binary present it
 * must stay silent. The offline case is made certain by a mirror on a closed local port,
 * so the test means the same on a machine with internet.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const repo = resolve(__dirname, '../..');
const script = join(repo, 'scripts/ensure-electron.mjs');
const realElectron = dirname(require.resolve('electron/package.json'));
const OFFLINE_LINE =
  /^Porthole: the Electron runtime could not be downloaded \(no internet\?\)\. Connect once and run npm start again, or set ELECTRON_MIRROR to a reachable mirror, or ELECTRON_EXEC_PATH to an Electron 45 binary\.( \(.+\))?$/;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'porthole-ensure-electron-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of the electron package without its binary; its installer still finds @electron/get. */
function electronWithoutBinary(): string {
  const dir = join(tempDir(), 'electron');
  mkdirSync(dir);
  for (const file of ['package.json', 'install.js', 'checksums.json']) copyFileSync(join(realElectron, file), join(dir, file));
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(env: NodeJS.ProcessEnv): Promise<Run> {
  const base = { ...process.env };
  delete base['ELECTRON_EXEC_PATH'];
  delete base['ELECTRON_OVERRIDE_DIST_PATH'];
  return new Promise((done) => {
    // Time-bound: a hung installer must fail this test, not the whole run.
    execFile(process.execPath, [script], { env: { ...base, ...env }, timeout: 20_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? null : 0;
      done({ code, signal: (error?.signal as NodeJS.Signals | undefined) ?? null, stdout, stderr });
    });
  });
}

function listen(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  return new Promise((done) => {
    const server = createServer(onConnection);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      done({ server, port: typeof address === 'object' && address !== null ? address.port : 0 });
    });
  });
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const { server, port } = await listen(() => undefined);
  await new Promise((done) => server.close(done));
  return port;
}

describe('ensure-electron (npm start)', () => {
  it('offline: prints the one line on stderr and exits 1', async () => {
    const port = await closedPort();
    const result = await run({
      PORTHOLE_ELECTRON_DIR: electronWithoutBinary(),
      ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
      electron_config_cache: tempDir(),
    });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(OFFLINE_LINE);
  }, 30_000);

  it('gives up with the same line when the download never answers', async () => {
    const sockets: Socket[] = [];
    const { server, port } = await listen((socket) => sockets.push(socket));
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      server.close();
    });
    const result = await run({
      PORTHOLE_ELECTRON_DIR: electronWithoutBinary(),
      ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
      electron_config_cache: tempDir(),
      PORTHOLE_ELECTRON_INSTALL_TIMEOUT_MS: '1500',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(OFFLINE_LINE);
    expect(result.stderr).toContain('no answer after 2 s');
  }, 30_000);

  it('does nothing, silently, when the binary is there', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'path.txt'), 'electron');
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    const result = await run({ PORTHOLE_ELECTRON_DIR: dir });
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('trusts ELECTRON_EXEC_PATH, and says so when it points nowhere', async () => {
    const dir = tempDir();
    const binary = join(dir, 'my-electron');
    writeFileSync(binary, '');
    await expect(run({ PORTHOLE_ELECTRON_DIR: electronWithoutBinary(), ELECTRON_EXEC_PATH: binary })).resolves.toMatchObject({ code: 0, stderr: '' });
    const missing = await run({ PORTHOLE_ELECTRON_DIR: electronWithoutBinary(), ELECTRON_EXEC_PATH: join(dir, 'nope') });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Porthole: ELECTRON_EXEC_PATH is set to .*nope, which does not exist\./)]);
  });
});
