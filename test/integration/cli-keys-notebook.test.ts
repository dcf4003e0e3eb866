/**
 * Issue-level flow for keys: a PuTTY .ppk v3 with a passphrase is imported once into the
 * vault (its key in a real Secret Service), then `porthole notebook --key NAME`, and a
 * saved host by name, reach a working notebook without the file or the passphrase.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeyring, type TestKeyring } from '../env/keyring';
import { startTestHost, type TestHost } from '../env/host';
import { listProcesses, run, runChecked } from '../env/processes';
import { makeDir } from '../env/run-dir';

const BIN = resolve(__dirname, '../../bin/porthole.js');

let keyring: TestKeyring;
let host: TestHost;
let home: string;
beforeAll(async () => {
  keyring = await startKeyring();
  host = await startTestHost();
  home = makeDir('porthole-home');
});
afterAll(async () => {
  await host?.stop();
  await keyring?.stop();
});

function porthole(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...keyring.env, PORTHOLE_HOME: home };
  delete env['SSH_AUTH_SOCK'];
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input ?? '');
  return new Promise((done) => child.once('exit', (code) => done({ code, stdout, stderr })));
}

/** Runs `porthole notebook ...` until ready, then SIGTERM; returns the ready line. */
async function notebookReady(args: string[]): Promise<Record<string, unknown>> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...keyring.env, PORTHOLE_HOME: home };
  delete env['SSH_AUTH_SOCK'];
  const child = spawn(process.execPath, [BIN, 'notebook', ...args, '--no-open', '--json', '--stop-on-exit'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const first = await new Promise<string>((done) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (buffer.includes('\n')) done(buffer.split('\n')[0]!);
    });
    child.once('exit', () => done(buffer || JSON.stringify({ event: 'exited', stderr })));
  });
  const line = JSON.parse(first) as Record<string, unknown>;
  child.kill('SIGTERM');
  expect(await new Promise((done) => child.once('exit', done))).toBe(0);
  return line;
}

describe('keys in the vault, used by notebook', () => {
  it('imports a passphrase-protected .ppk v3 once, then logs in with --key and by saved host name', async () => {
    const dir = makeDir('ppk');
    const ppk = join(dir, 'azure-vm.ppk');
    const passphraseFile = join(dir, 'pass');
    appendFileSync(passphraseFile, 'seminar passphrase\n');
    await runChecked('puttygen', ['-t', 'ed25519', '-C', 'student@seminar', '-o', ppk, '--new-passphrase', passphraseFile, '--ppk-param', 'version=3,kdf=argon2id']);
    expect(readFileSync(ppk, 'utf8')).toMatch(/^PuTTY-User-Key-File-3: ssh-ed25519/);
    const publicLine = (await runChecked('puttygen', [ppk, '-O', 'public-openssh', '--old-passphrase', passphraseFile])).trim();
    appendFileSync(join(dirname(host.sshd.configPath), 'authorized_keys'), `${publicLine}\n`);

    const imported = await porthole(['keys', 'import', ppk, '--name', 'seminar', '--passphrase-stdin', '--json'], 'seminar passphrase\n');
    expect(imported.code).toBe(0);
    const listed = await porthole(['keys', 'list', '--json']);
    expect(listed.stdout).toContain('"seminar"');
    expect(listed.stdout).not.toMatch(/PRIVATE KEY|PuTTY-User-Key/);

    // The vault holds the key encrypted: neither the key nor the passphrase is readable in it.
    const vaultBytes = readdirSync(home).map((f) => readFileSync(join(home, f))).reduce((a, b) => Buffer.concat([a, b]), Buffer.alloc(0));
    expect(vaultBytes.includes(Buffer.from('seminar passphrase'))).toBe(false);
    expect(vaultBytes.includes(Buffer.from('PRIVATE KEY'))).toBe(false);
    // The vault key really lives in the Secret Service.
    // (one entry per vault key, named vault-key-<key id>)
    const found = await run('secret-tool', ['search', '--all', 'service', 'Porthole'], { env: { ...process.env, ...keyring.env } });
    expect({ code: found.code, output: found.stdout + found.stderr }).toMatchObject({ code: 0, output: expect.stringMatching(/username = vault-key-[0-9a-f]+/) });

    const byKey = await notebookReady([`${host.user.name}@127.0.0.1:${host.port}`, '--key', 'seminar', '--known-hosts', host.knownHostsPath]);
    expect(byKey).toMatchObject({ event: 'ready', flavour: 'notebook' });
    expect(listProcesses().some((p) => p.pid === byKey['serverPid'])).toBe(false);

    const added = await porthole(['hosts', 'add', 'seminar-vm', '--host', '127.0.0.1', '--port', String(host.port), '--user', host.user.name, '--key', 'seminar']);
    expect(added.code, added.stderr).toBe(0);
    const byName = await notebookReady(['seminar-vm', '--known-hosts', host.knownHostsPath]);
    expect(byName).toMatchObject({ event: 'ready', reused: false });
  });
});
