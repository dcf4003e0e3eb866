import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hostsCommand, type HostsCommandDeps } from '../../main/cli/hosts-command';
import { ProfileStore } from '../../main/profiles/store';

let dir: string;
let home: string;
let stdout: string[];
let stderr: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-hosts-cli-'));
  home = join(dir, 'home');
  await mkdir(join(home, '.ssh'), { recursive: true });
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

const storeDir = () => join(dir, 'data');
const defaultDeps = (): HostsCommandDeps => ({ openProfileStore: () => ProfileStore.open(storeDir()), home });

/** `porthole hosts ...` in process, with commander's exits turned into exceptions. */
async function porthole(args: string[], deps: HostsCommandDeps = defaultDeps()): Promise<number> {
  process.exitCode = undefined;
  const program = new Command('porthole').addCommand(hostsCommand(deps));
  const quiet = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: (text) => stdout.push(text), writeErr: (text) => stderr.push(text) });
    command.commands.forEach(quiet);
  };
  quiet(program);
  await program.parseAsync(['node', 'porthole', 'hosts', ...args]);
  return Number(process.exitCode ?? 0);
}

const jsonLines = () =>
  stdout
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
const saved = async () => (await ProfileStore.open(storeDir())).list();

describe('porthole hosts add / list / remove', () => {
  it('adds a host with key, jump host, forwards and Jupyter options, and lists it', async () => {
    const code = await porthole([
      'add',
      'gpu',
      '--host',
      '203.0.113.7',
      '--user',
      'ubuntu',
      '-i',
      join(dir, 'gpu.pem'),
      '-J',
      'jump@bastion.example.com:2200,hop2',
      '-L',
      '8888:localhost:8888',
      '-L',
      '6006:localhost:6006',
      '-D',
      '1080',
      '--jupyter',
      'lab',
      '--conda',
      'torch',
      '--local-port',
      '18888',
      '--stop-on-disconnect',
    ]);
    expect(code).toBe(0);
    expect(stderr.join('')).toContain('Saved host "gpu" (ubuntu@203.0.113.7).');
    expect(await saved()).toEqual([
      {
        name: 'gpu',
        host: '203.0.113.7',
        port: 22,
        user: 'ubuntu',
        key: { kind: 'path', path: join(dir, 'gpu.pem') },
        jumpHosts: [
          { host: 'bastion.example.com', port: 2200, user: 'jump' },
          { host: 'hop2', port: 22 },
        ],
        forwards: [
          { kind: 'local', bindHost: '127.0.0.1', bindPort: 8888, remoteHost: 'localhost', remotePort: 8888 },
          { kind: 'local', bindHost: '127.0.0.1', bindPort: 6006, remoteHost: 'localhost', remotePort: 6006 },
          { kind: 'dynamic', bindHost: '127.0.0.1', bindPort: 1080 },
        ],
        jupyter: { flavour: 'lab', env: { kind: 'conda', name: 'torch' }, auth: 'token', localPort: 18888, stopOnDisconnect: true },
      },
    ]);

    stdout = [];
    expect(await porthole(['list'])).toBe(0);
    expect(stdout.join('')).toBe(`gpu  ubuntu@203.0.113.7  via jump@bastion.example.com:2200,hop2  key ${join(dir, 'gpu.pem')}  -L 8888:localhost:8888  -L 6006:localhost:6006  -D 1080\n`);
  });

  it('prints JSON with --json', async () => {
    expect(await porthole(['add', 'vm', '--host', 'vm.example.com', '--port', '2222', '--key', 'seminar', '--json'])).toBe(0);
    expect(jsonLines()).toEqual([{ event: 'added', profile: expect.objectContaining({ name: 'vm', port: 2222, key: { kind: 'vault', name: 'seminar' } }) }]);
    stdout = [];
    expect(await porthole(['list', '--json'])).toBe(0);
    expect(jsonLines()).toEqual([{ event: 'hosts', hosts: [expect.objectContaining({ name: 'vm', host: 'vm.example.com' })] }]);
  });

  it('says how to add a host when there are none', async () => {
    expect(await porthole(['list'])).toBe(0);
    expect(stdout.join('')).toBe('');
    expect(stderr.join('')).toContain('No saved hosts yet. Add one with: porthole hosts add');
  });

  it('refuses a taken name with exit code 1 and the error code', async () => {
    await porthole(['add', 'vm', '--host', 'a.example.com']);
    stderr = [];
    expect(await porthole(['add', 'VM', '--host', 'b.example.com'])).toBe(1);
    expect(stderr.join('')).toContain('porthole: A host profile named "VM" already exists.');
    expect(stderr.join('')).toContain('(profiles.name-taken)');
    expect(await porthole(['add', 'VM', '--host', 'b.example.com', '--json'])).toBe(1);
    expect(jsonLines()).toEqual([expect.objectContaining({ event: 'error', code: 'profiles.name-taken' })]);
    expect((await saved()).map((p) => p.host)).toEqual(['a.example.com']);
  });

  it.each([
    [['--host', 'ubuntu@1.2.3.4'], 'profiles.invalid'],
    [['--host', 'vm.example.com', '--port', 'ssh'], 'profiles.invalid'],
    [['--host', 'vm.example.com', '-L', '8888'], 'tunnel.bad-spec'],
    [['--host', 'vm.example.com', '-J', 'user@'], 'profiles.invalid'],
  ])('rejects bad input %j with %s and saves nothing', async (args, code) => {
    expect(await porthole(['add', 'bad', ...args, '--json'])).toBe(1);
    expect(jsonLines()).toEqual([expect.objectContaining({ event: 'error', code })]);
    expect(existsSync(join(storeDir(), 'profiles.json'))).toBe(false);
  });

  it('adds an EC2 instance as a cloud host, with no address of its own, and lists it', async () => {
    expect(await porthole(['add', 'gpu', '--aws', 'i-0123456789abcdef0', '--region', 'eu-central-1', '--profile', 'course', '--user', 'ubuntu', '--key', 'course', '--stop-vm-on-disconnect', '--idle-stop', '60'])).toBe(0);
    expect(stderr.join('')).toContain('Saved host "gpu" (ubuntu@AWS i-0123456789abcdef0 (eu-central-1)).');
    const [profile] = await saved();
    expect(profile).not.toHaveProperty('host');
    expect(profile!.cloud).toEqual({ provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', profile: 'course', stopVmOnDisconnect: true, idleStopMinutes: 60 });
    stdout = [];
    expect(await porthole(['list'])).toBe(0);
    expect(stdout.join('')).toBe('gpu  ubuntu@AWS i-0123456789abcdef0 (eu-central-1)  stops the VM on disconnect  stops the VM after 60 idle minutes  key course (vault)\n');
  });

  it('adds an Azure VM as a cloud host from RESOURCE-GROUP/VM-NAME and its subscription', async () => {
    expect(await porthole(['add', 'dsvm', '--azure', 'course/dsvm-03', '--subscription', '00000000-0000-0000-0000-000000000000', '--user', 'azureuser', '--json'])).toBe(0);
    expect(jsonLines()).toEqual([{ event: 'added', profile: expect.objectContaining({ name: 'dsvm', cloud: { provider: 'azure', subscriptionId: '00000000-0000-0000-0000-000000000000', resourceGroup: 'course', vmName: 'dsvm-03', stopVmOnDisconnect: false } }) }]);
  });

  it.each([
    [[], /Say where the host is: --host HOST, or --aws INSTANCE-ID/],
    [['--aws', 'i-0123456789abcdef0'], /--aws needs --region/],
    [['--aws', 'vm-1', '--region', 'eu-central-1'], /the instance id "vm-1" is not an EC2 instance id/],
    [['--azure', 'just-a-name', '--subscription', '00000000-0000-0000-0000-000000000000'], /--azure "just-a-name" is not RESOURCE-GROUP\/VM-NAME/],
    [['--azure', 'rg/vm'], /--azure needs --subscription/],
    [['--host', 'vm.example.com', '--region', 'eu-central-1'], /--region belongs to --aws/],
    [['--aws', 'i-0123456789abcdef0', '--region', 'eu-central-1', '--subscription', 'x'], /--subscription belongs to --azure/],
    [['--host', 'vm.example.com', '--stop-vm-on-disconnect'], /--stop-vm-on-disconnect belongs to a cloud host/],
    [['--aws', 'i-0123456789abcdef0', '--region', 'eu-central-1', '--idle-stop', '2'], /--idle-stop "2" is not a number of minutes from 5 to 1440/],
  ])('explains a cloud host given wrongly (%j) and saves nothing', async (args, message) => {
    expect(await porthole(['add', 'bad', ...args, '--json'])).toBe(1);
    expect(jsonLines()).toEqual([expect.objectContaining({ event: 'error', code: 'profiles.invalid', message: expect.stringMatching(message) })]);
    expect(existsSync(join(storeDir(), 'profiles.json'))).toBe(false);
  });

  it('refuses --host together with --aws', async () => {
    await expect(porthole(['add', 'x', '--host', 'h', '--aws', 'i-0123456789abcdef0'])).rejects.toMatchObject({ code: 'commander.conflictingOption' });
  });

  it('refuses --key together with -i', async () => {
    await expect(porthole(['add', 'x', '--host', 'h', '--key', 'k', '-i', 'file'])).rejects.toMatchObject({ code: 'commander.conflictingOption' });
  });

  it('removes a host, and fails on one that does not exist', async () => {
    await porthole(['add', 'vm', '--host', 'a.example.com']);
    expect(await porthole(['remove', 'vm'])).toBe(0);
    expect(stderr.join('')).toContain('Removed host "vm".');
    expect(await saved()).toEqual([]);
    expect(await porthole(['remove', 'vm', '--json'])).toBe(1);
    expect(jsonLines()).toEqual([expect.objectContaining({ event: 'error', code: 'profiles.not-found' })]);
  });

  it('passes on what the store has to say about a damaged file', async () => {
    await mkdir(storeDir(), { recursive: true });
    await writeFile(join(storeDir(), 'profiles.json'), '{"version": 2, "profiles": [');
    expect(await porthole(['list', '--json'])).toBe(0);
    const [warning, hosts] = jsonLines();
    expect(warning).toMatchObject({ event: 'warning', code: 'profiles.file-damaged', keptAt: expect.stringContaining('profiles.json.corrupt-') });
    expect(await readFile(warning!['keptAt'] as string, 'utf8')).toBe('{"version": 2, "profiles": [');
    expect(hosts).toEqual({ event: 'hosts', hosts: [] });
  });
});

describe('porthole hosts import-ssh-config', () => {
  const config = (marker: string) => `Host gpu
    HostName 198.51.100.9
    User ubuntu
Host db
    HostName db.internal
    ProxyJump gpu
    LocalForward 5432 localhost:5432
Match exec "touch ${marker}"
    User hacked
Host *
    ServerAliveInterval 30
`;

  it('imports new hosts, leaves existing ones alone and reports them, and never runs Match exec', async () => {
    const marker = join(dir, 'MARKER');
    await porthole(['add', 'gpu', '--host', 'old.example.com']);
    const file = join(dir, 'ssh_config');
    await writeFile(file, config(marker));
    stdout = [];
    expect(await porthole(['import-ssh-config', file, '--json'])).toBe(0);
    const [event] = jsonLines();
    expect(event).toMatchObject({
      event: 'imported',
      source: file,
      dryRun: false,
      added: [{ name: 'db', host: 'db.internal', jumpHosts: [{ host: '198.51.100.9', port: 22, user: 'ubuntu' }] }],
      skipped: expect.arrayContaining([
        { host: 'gpu', reason: 'A host profile named "gpu" already exists; it was left as it is.' },
        { host: `Match exec "touch ${marker}"`, reason: expect.stringMatching(/never runs commands/) },
        { host: '*', reason: expect.stringMatching(/pattern/) },
      ]),
    });
    expect(existsSync(marker)).toBe(false);
    expect((await saved()).map((p) => [p.name, p.host])).toEqual([
      ['gpu', 'old.example.com'],
      ['db', 'db.internal'],
    ]);
  });

  it('reads ~/.ssh/config when no file is given, and prints a human summary', async () => {
    await writeFile(join(home, '.ssh', 'config'), config(join(dir, 'MARKER')));
    expect(await porthole(['import-ssh-config'])).toBe(0);
    const text = stderr.join('');
    expect(text).toContain(`Imported 2 hosts from ${join(home, '.ssh', 'config')}: gpu, db.`);
    expect(text).toMatch(/Skipped 2:\n {2}Match exec .*\n {2}\*: /);
    expect((await saved()).map((p) => p.name)).toEqual(['gpu', 'db']);
  });

  it('saves nothing with --dry-run', async () => {
    const file = join(dir, 'ssh_config');
    await writeFile(file, config(join(dir, 'MARKER')));
    expect(await porthole(['import-ssh-config', file, '--dry-run'])).toBe(0);
    expect(stderr.join('')).toContain('Would import 2 hosts');
    expect(await saved()).toEqual([]);
  });

  it('fails clearly when the file cannot be read', async () => {
    expect(await porthole(['import-ssh-config', join(dir, 'missing'), '--json'])).toBe(1);
    expect(jsonLines()).toEqual([expect.objectContaining({ event: 'error', code: 'profiles.import-unreadable' })]);
  });
});

describe('porthole hosts import-putty', () => {
  const reg = [
    'Windows Registry Editor Version 5.00',
    '',
    '[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\Default%20Settings]',
    '"HostName"=""',
    '',
    '[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\My%20VM]',
    '"HostName"="203.0.113.7"',
    '"UserName"="ubuntu"',
    '"PortNumber"=dword:00000016',
    '"Protocol"="ssh"',
    '"PublicKeyFile"="C:\\\\Users\\\\me\\\\vm.ppk"',
    '"PortForwardings"="L8888=localhost:8888"',
    '',
    '[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\router]',
    '"HostName"="192.168.1.1"',
    '"Protocol"="telnet"',
    '',
  ].join('\r\n');

  it('imports a UTF-16 .reg export', async () => {
    const file = join(dir, 'putty.reg');
    await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(reg, 'utf16le')]));
    expect(await porthole(['import-putty', file, '--json'])).toBe(0);
    expect(jsonLines()).toEqual([
      expect.objectContaining({
        event: 'imported',
        added: [expect.objectContaining({ name: 'My VM', user: 'ubuntu', key: { kind: 'path', path: 'C:\\Users\\me\\vm.ppk' } })],
        skipped: [expect.objectContaining({ host: 'Default Settings' }), expect.objectContaining({ host: 'router', reason: expect.stringMatching(/telnet/) })],
      }),
    ]);
    expect((await saved()).map((p) => p.name)).toEqual(['My VM']);
  });

  it('reads the registry when no file is given', async () => {
    const deps = { ...defaultDeps(), readPuttySessions: async () => (await import('../../main/profiles/putty-import')).parsePuttyReg(reg) };
    expect(await porthole(['import-putty'], deps)).toBe(0);
    expect(stderr.join('')).toContain('Imported 1 host from the Windows registry: My VM.');
  });

  it('explains that the registry exists only on Windows', async () => {
    expect(await porthole(['import-putty', '--json'])).toBe(1);
    expect(jsonLines()).toEqual([expect.objectContaining({ event: 'error', code: 'profiles.putty-unavailable' })]);
  });
});

describe('porthole hosts --help', () => {
  it.each([
    [[], ['add', 'list', 'remove', 'import-ssh-config', 'import-putty']],
    [['add'], ['--host <host>', '--user <user>', '--key <name>', '-i, --identity <file>', '-J, --jump <hops>', '-L, --local <spec>', '--json']],
    [['list'], ['--json']],
    [['remove'], ['<name>', '--json']],
    [['import-ssh-config'], ['[file]', '--dry-run', '--json']],
    [['import-putty'], ['[regfile]', '--dry-run', '--json']],
  ])('hosts %j --help describes its options', async (sub, expected) => {
    const error = await porthole([...sub, '--help']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommanderError);
    expect(error).toMatchObject({ code: 'commander.helpDisplayed' });
    const help = stdout.join('');
    expect(help).toContain(`Usage: porthole hosts${sub.length > 0 ? ` ${sub[0]}` : ''}`);
    for (const text of expected) expect(help).toContain(text);
  });
});
