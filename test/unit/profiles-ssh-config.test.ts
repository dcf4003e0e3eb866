import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../main/profiles/import-result';
import type { Profile } from '../../main/profiles/schema';
import { importSshConfig } from '../../main/profiles/ssh-config-import';

let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'porthole-sshconfig-'));
  await mkdir(join(home, '.ssh'));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

async function write(relative: string, text: string): Promise<string> {
  const path = join(home, relative);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return path;
}

const load = (path: string) => importSshConfig(path, { home, localUser: 'alice' });
const profile = (result: ImportResult, name: string): Profile => {
  const found = result.profiles.find((p) => p.name === name);
  if (!found) throw new Error(`no profile ${name} in ${result.profiles.map((p) => p.name).join(', ')}`);
  return found;
};
const skipReason = (result: ImportResult, host: string) => result.skipped.find((s) => s.host === host)?.reason;
const warningsFor = (result: ImportResult, host: string) => result.warnings.filter((w) => w.host === host).map((w) => w.message);

describe('importSshConfig: a realistic ~/.ssh/config', () => {
  let result: ImportResult;
  let markerExec: string;
  let markerProxy: string;

  beforeEach(async () => {
    markerExec = join(home, 'MATCH-EXEC-RAN');
    markerProxy = join(home, 'PROXYCOMMAND-RAN');
    await write(
      '.ssh/config',
      `# Work and seminar machines
Include config.d/*.conf

Host gpu
    HostName 203.0.113.7
    User ubuntu
    IdentityFile ~/.ssh/gpu.pem
    LocalForward 8888 localhost:8888
    LocalForward 127.0.0.1:6006 localhost:6006
    DynamicForward 1080
    RemoteForward 2222 localhost:22

Host bastion
    HostName bastion.example.com
    User jump
    Port 2200

Host internal-db
    HostName 10.0.0.5
    ProxyJump bastion,admin@hop2.example.com:2222

Host deep
    HostName 10.0.0.9
    ProxyJump internal-hop

Host internal-hop
    HostName 10.0.0.8
    ProxyJump bastion

Host legacy
    HostName legacy.example.com
    ProxyCommand sh -c "touch ${markerProxy}; nc %h %p"

Host web1 web2
    User deploy

Host *.corp !skip.corp
    User corpuser

Match exec "touch ${markerExec}"
    User hacked
    HostName evil.example.com

Host *
    User defaultuser
    IdentityFile ~/.ssh/id_ed25519
    ServerAliveInterval 30
`,
    );
    await write(
      '.ssh/config.d/10-azure.conf',
      `Host azure-vm
    HostName vm.westeurope.cloudapp.azure.com
    User azureuser
    IdentityFile %d/.ssh/azure_%u_%h.pem
`,
    );
    await write('.ssh/config.d/20-loop.conf', 'Include config.d/20-loop.conf\nHost aws-box\n    HostName ec2-3-120-1-2.eu-central-1.compute.amazonaws.com\n    User ec2-user\n');
    await write('.ssh/config.d/.hidden.conf', 'Host hidden-host\n    HostName hidden.example.com\n');
    await write('.ssh/config.d/notes.txt', 'Host not-a-conf\n');
    result = await load(join(home, '.ssh', 'config'));
  });

  it('never runs Match exec or ProxyCommand', () => {
    expect(existsSync(markerExec)).toBe(false);
    expect(existsSync(markerProxy)).toBe(false);
    expect(result.profiles.some((p) => p.user === 'hacked' || p.host === 'evil.example.com')).toBe(false);
  });

  it('reports the Match exec block and the ProxyCommand host as skipped, saying why', () => {
    expect(skipReason(result, `Match exec "touch ${markerExec}"`)).toMatch(/Match exec would run a command; Porthole never runs commands/);
    expect(skipReason(result, 'legacy')).toMatch(/ProxyCommand .* which Porthole never runs; use ProxyJump/);
    expect(result.profiles.map((p) => p.name)).not.toContain('legacy');
  });

  it('skips wildcard patterns but applies their settings to the hosts they match', () => {
    expect(skipReason(result, '*')).toMatch(/pattern, not one host/);
    expect(skipReason(result, '*.corp')).toMatch(/pattern/);
    expect(result.skipped.some((s) => s.host === '!skip.corp')).toBe(false);
    expect(profile(result, 'bastion').user).toBe('jump');
    expect(profile(result, 'internal-db').user).toBe('defaultuser');
  });

  it('imports every concrete alias, with Include globs read in sorted order and hidden files left out', () => {
    expect(result.profiles.map((p) => p.name)).toEqual(['azure-vm', 'aws-box', 'gpu', 'bastion', 'internal-db', 'deep', 'internal-hop', 'web1', 'web2']);
  });

  it('takes HostName, User, Port and the first IdentityFile, with ~ expanded', () => {
    expect(profile(result, 'gpu')).toMatchObject({ host: '203.0.113.7', port: 22, user: 'ubuntu', key: { kind: 'path', path: join(home, '.ssh', 'gpu.pem') } });
    expect(warningsFor(result, 'gpu')).toContainEqual(expect.stringMatching(/2 IdentityFiles; Porthole uses the first/));
    expect(profile(result, 'bastion')).toMatchObject({ host: 'bastion.example.com', port: 2200 });
    expect(profile(result, 'web2')).toMatchObject({ host: 'web2', user: 'deploy', key: { kind: 'path', path: join(home, '.ssh', 'id_ed25519') } });
  });

  it('fills in %d, %u and %h in IdentityFile', () => {
    expect(profile(result, 'azure-vm').key).toEqual({ kind: 'path', path: join(home, '.ssh', 'azure_alice_vm.westeurope.cloudapp.azure.com.pem') });
  });

  it('turns LocalForward, RemoteForward and DynamicForward into forwards on loopback, in config order', () => {
    expect(profile(result, 'gpu').forwards).toEqual([
      { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'localhost', remotePort: 8888 },
      { kind: 'local', bindHost: '127.0.0.1', bindPort: 6006, remoteHost: 'localhost', remotePort: 6006 },
      { kind: 'dynamic', bindHost: '127.0.0.1', bindPort: 1080 },
      { kind: 'remote', bindHost: '127.0.0.1', bindPort: 2222, localHost: 'localhost', localPort: 22 },
    ]);
  });

  it("resolves ProxyJump chains through the hops' own Host blocks", () => {
    expect(profile(result, 'internal-db').jumpHosts).toEqual([
      { host: 'bastion.example.com', port: 2200, user: 'jump' },
      { host: 'hop2.example.com', port: 2222, user: 'admin' },
    ]);
    // The first hop's own ProxyJump goes in front of it, as ssh -J does.
    expect(profile(result, 'deep').jumpHosts).toEqual([
      { host: 'bastion.example.com', port: 2200, user: 'jump' },
      { host: '10.0.0.8', port: 22, user: 'defaultuser' },
    ]);
  });

  it('reads an Include loop once and says so', () => {
    expect(result.warnings.some((w) => /leads back to .*20-loop\.conf, which is already being read/.test(w.message))).toBe(true);
  });
});

describe('importSshConfig: the finer points', () => {
  it('applies an Include inside a Host block only to that host, and resolves ~ and ~/.ssh-relative paths', async () => {
    await write('.ssh/jump-settings.conf', 'User jumpuser\nPort 2022\n');
    await write('other/extra.conf', 'Host extra\n    HostName extra.example.com\n');
    const path = await write('elsewhere/my-config', 'Include ~/other/*.conf\nHost jumpbox\n    Include jump-settings.conf\nHost plain\n    HostName plain.example.com\n');
    const result = await load(path);
    expect(profile(result, 'jumpbox')).toMatchObject({ host: 'jumpbox', user: 'jumpuser', port: 2022 });
    expect(profile(result, 'plain')).toMatchObject({ host: 'plain.example.com', port: 22 });
    expect(profile(result, 'plain').user).toBeUndefined();
    expect(profile(result, 'extra').host).toBe('extra.example.com');
  });

  it('lets the first value win, as OpenSSH does, and honours ProxyJump none', async () => {
    // Without "ProxyJump none" for the bastion, `Host *` would send it through itself (ssh loops too).
    const path = await write(
      '.ssh/config',
      'Host direct bastion.example.com\n    ProxyJump none\nHost *\n    ProxyJump bastion.example.com\n    User first\n    User second\nHost late\n    User too-late\n',
    );
    const result = await load(path);
    expect(profile(result, 'direct').jumpHosts).toEqual([]);
    expect(profile(result, 'late')).toMatchObject({ user: 'first', jumpHosts: [{ host: 'bastion.example.com', port: 22, user: 'first' }] });
  });

  it('fills in %h in HostName and warns about tokens it does not know', async () => {
    const path = await write('.ssh/config', 'Host build\n    HostName %h.ci.example.com\n    IdentityFile ~/.ssh/%C.key\n');
    const result = await load(path);
    expect(profile(result, 'build')).toMatchObject({ host: 'build.ci.example.com', key: { kind: 'path', path: join(home, '.ssh', '%C.key') } });
    expect(warningsFor(result, 'build')).toContainEqual(expect.stringMatching(/uses %C, which Porthole does not fill in/));
  });

  it('imports the host but reports forwards it cannot use', async () => {
    const path = await write(
      '.ssh/config',
      'Host vm\n    HostName vm.example.com\n    LocalForward 8888\n    RemoteForward 1080\n    LocalForward 9999 /run/jupyter.sock\n    LocalForward *:8080 localhost:80\n    DynamicForward 127.0.0.1:99999\n',
    );
    const result = await load(path);
    expect(profile(result, 'vm').forwards).toEqual([{ kind: 'local', bindHost: '0.0.0.0', bindPort: 8080, remoteHost: 'localhost', remotePort: 80 }]);
    const warnings = warningsFor(result, 'vm');
    expect(warnings).toContainEqual(expect.stringMatching(/^LocalForward 8888 was not imported: it needs a port and a host:port/));
    expect(warnings).toContainEqual(expect.stringMatching(/^RemoteForward 1080 was not imported: .*SOCKS proxy on the server/));
    expect(warnings).toContainEqual(expect.stringMatching(/Unix socket path/));
    expect(warnings).toContainEqual(expect.stringMatching(/LocalForward \*:8080 localhost:80 listens on 0\.0\.0\.0/));
    expect(warnings).toContainEqual(expect.stringMatching(/"99999" in "127.0.0.1:99999" is not a port number/));
  });

  it('skips hosts whose settings are invalid, with the reason', async () => {
    const path = await write('.ssh/config', 'Host badport\n    Port ssh\nHost badjump\n    ProxyJump user@:22\nHost ok\n    HostName ok.example.com\n');
    const result = await load(path);
    expect(skipReason(result, 'badport')).toMatch(/port: the port must be a number/);
    expect(skipReason(result, 'badjump')).toMatch(/ProxyJump could not be used/);
    expect(result.profiles.map((p) => p.name)).toEqual(['ok']);
  });

  it('skips a ProxyJump loop (also one through Host *) and a hop that needs ProxyCommand', async () => {
    const path = await write('.ssh/config', 'Host a\n    ProxyJump b\nHost b\n    ProxyJump a\nHost c\n    ProxyJump d\nHost d\n    ProxyCommand nc %h %p\nHost e\nHost *\n    ProxyJump hop.example.com\n');
    const result = await load(path);
    expect(skipReason(result, 'a')).toMatch(/a loop/);
    expect(skipReason(result, 'e')).toMatch(/lead back to hop\.example\.com \(a loop\)/);
    expect(skipReason(result, 'c')).toMatch(/jump host d itself needs ProxyCommand/);
  });

  it('ignores unreadable lines without letting their settings leak into the block before', async () => {
    const path = await write('.ssh/config', 'Host good\n    HostName good.example.com\nHost\n    User leaked\nIdentityFile "unterminated\n');
    const result = await load(path);
    expect(profile(result, 'good').user).toBeUndefined();
    expect(result.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/The line "Host" could not be read/));
    expect(result.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/The line "IdentityFile "unterminated" could not be read/));
  });

  it('stops Includes nested deeper than OpenSSH allows', async () => {
    for (let i = 0; i < 20; i++) await write(`.ssh/nest-${i}.conf`, `Include nest-${i + 1}.conf\nHost level-${i}\n`);
    const result = await load(await write('.ssh/config', 'Include nest-0.conf\n'));
    expect(result.profiles.map((p) => p.name)).toContain('level-14');
    expect(result.profiles.map((p) => p.name)).not.toContain('level-16');
    expect(result.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/nested more than 16 deep/));
  });

  it('warns when an Include matches nothing, and about settings it leaves out', async () => {
    const path = await write('.ssh/config', 'Include missing/*.conf\nHost vm\n    CertificateFile ~/.ssh/id-cert.pub\n    RemoteCommand jupyter lab\n');
    const result = await load(path);
    expect(result.warnings.map((w) => w.message)).toContainEqual('Include missing/*.conf matched no file.');
    expect(warningsFor(result, 'vm')).toEqual([expect.stringMatching(/^CertificateFile was not imported/), expect.stringMatching(/^RemoteCommand was not imported/)]);
  });

  it('warns on the line of an Include whose pattern is not valid, and imports the rest', async () => {
    await write('.ssh/conf-a', 'Host from-a\n');
    const path = await write('.ssh/config', 'Include conf[z-a]\nInclude conf-[a]\nHost vm\n');
    const result = await load(path);
    expect(result.profiles.map((p) => p.name).sort()).toEqual(['from-a', 'vm']);
    expect(result.warnings).toContainEqual({ host: `${path}:1`, message: expect.stringMatching(/^Include conf\[z-a\] is not a valid pattern .*z-a.*; it was ignored\.$/) });
  });

  it('matches a Host pattern full of stars against a long alias without backtracking', async () => {
    // A regex with .* per star took 42 s on this, far past the test's time limit; the linear
    // matcher answers at once (its step count is bounded in glob.test.ts). No clock is read.
    const alias = `${'a'.repeat(39)}b`;
    const path = await write('.ssh/config', `Host ${'a*'.repeat(10)}c\n    User star\nHost ${alias}\n    HostName 192.0.2.1\n`);
    const result = await load(path);
    expect(profile(result, alias).user).not.toBe('star');
  });

  it('fails with profiles.import-unreadable when the file is missing', async () => {
    await expect(load(join(home, '.ssh', 'nope'))).rejects.toMatchObject({ code: 'profiles.import-unreadable' });
  });
});
