/**
 * `porthole hosts`: the saved host profiles from the command line — add, list, remove, and
 * import from ~/.ssh/config or PuTTY. With --json each command prints one JSON object per
 * line on stdout; otherwise `list` prints the hosts on stdout and everything else is short
 * human lines on stderr. Imports never replace a profile that already exists: they report it.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { PortholeError } from '../shared/errors';
import {
  importSshConfig,
  parseHop,
  parsePuttyReg,
  readPuttySessionsLive,
  type ImportResult,
  type JumpHost,
  type KeyRef,
  type CloudLinkInput,
  type Profile,
  type ProfileInput,
  type ProfileStore,
} from '../profiles';
import { describeLink } from '../session/cloud-link';
import { formatForward, parseDynamicForward, parseLocalForward, parseRemoteForward } from '../tunnels/forward-spec';
import { runReported, type Reporter } from './reporter';

export interface HostsCommandDeps {
  readonly openProfileStore: () => Promise<ProfileStore>;
  /** Where `~` is for the ssh_config import (default: the user's home folder). */
  readonly home?: string;
  /** Reads PuTTY's sessions from the registry (default: reg.exe on Windows, an error elsewhere). */
  readonly readPuttySessions?: () => Promise<ImportResult>;
}

interface AddOptions {
  host?: string;
  aws?: string;
  region?: string;
  profile?: string;
  vaultCredential?: string;
  azure?: string;
  subscription?: string;
  tenant?: string;
  stopVmOnDisconnect?: boolean;
  idleStop?: string;
  user?: string;
  port?: string;
  key?: string;
  identity?: string;
  agent?: boolean;
  jump?: string;
  local: string[];
  remote: string[];
  dynamic: string[];
  jupyter?: 'lab' | 'notebook' | 'server' | 'auto';
  conda?: string;
  python?: string;
  rootDir?: string;
  auth?: 'token' | 'password';
  localPort?: string;
  stopOnDisconnect?: boolean;
  hub?: string;
  json: boolean;
}

interface JsonOption {
  json: boolean;
}

interface ImportOptions extends JsonOption {
  dryRun: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function hostsCommand(deps: HostsCommandDeps): Command {
  const hosts = new Command('hosts').description('Manage saved host profiles: add, list, remove, and import from ~/.ssh/config or PuTTY.');

  hosts
    .command('add')
    .description('Save a host profile.')
    .argument('<name>', 'a name for the host, e.g. gpu-box (unique, any case)')
    .addOption(new Option('--host <host>', 'host name or IP address of the VM').conflicts(['aws', 'azure']))
    .addOption(new Option('--aws <instance-id>', 'a cloud host: this EC2 instance (its address is asked at every connect)').conflicts(['azure']))
    .option('--region <region>', 'with --aws: the instance\'s region, e.g. eu-central-1')
    .addOption(new Option('--profile <name>', 'with --aws: the AWS CLI profile to use (default: the AWS CLI\'s default chain)').conflicts(['vaultCredential']))
    .option('--vault-credential <name>', 'with --aws: access keys kept in Porthole\'s vault under this name')
    .option('--azure <group/vm>', 'a cloud host: this Azure VM, as RESOURCE-GROUP/VM-NAME')
    .option('--subscription <id>', 'with --azure: the subscription id of the VM')
    .option('--tenant <id>', 'with --azure: the tenant (directory) id, when your login has several')
    .option('--stop-vm-on-disconnect', 'a cloud host: stop (AWS) or deallocate (Azure) the VM when Porthole disconnects')
    .option('--idle-stop <minutes>', 'a cloud host: stop the VM after this many minutes without Jupyter activity (5-1440)')
    .option('--user <user>', 'login user, e.g. ubuntu or azureuser')
    .option('--port <port>', 'SSH port (default 22)')
    .addOption(new Option('--key <name>', "log in with this key from Porthole's vault").conflicts(['identity', 'agent']))
    .addOption(new Option('-i, --identity <file>', 'log in with this private key file').conflicts(['agent']))
    .option('--agent', 'log in with ssh-agent / Pageant only')
    .option('-J, --jump <hops>', 'jump hosts, comma-separated: user@hop1,hop2:2222')
    .option('-L, --local <spec>', 'local forward [bind:]LPORT:RHOST:RPORT (repeatable)', collect, [])
    .option('-R, --remote <spec>', 'remote forward [bind:]RPORT:LHOST:LPORT (repeatable)', collect, [])
    .option('-D, --dynamic <spec>', 'SOCKS5 proxy on [bind:]PORT (repeatable)', collect, [])
    .addOption(new Option('--jupyter <flavour>', 'which Jupyter to start').choices(['lab', 'notebook', 'server', 'auto']))
    .addOption(new Option('--conda <env>', 'start Jupyter in this conda environment').conflicts(['python']))
    .option('--python <path>', 'start Jupyter with this Python')
    .option('--root-dir <dir>', "Jupyter's root folder on the VM")
    .addOption(new Option('--auth <mode>', 'how to log in to Jupyter').choices(['token', 'password']))
    .option('--local-port <port>', 'preferred local port for Jupyter')
    .option('--stop-on-disconnect', 'stop Jupyter when Porthole disconnects')
    .addOption(new Option('--hub <scheme:port>', "open the JupyterHub already running on the VM instead of starting Jupyter: https:8000 (Azure's Data Science VM), http:80 (The Littlest JupyterHub)").conflicts(['jupyter', 'conda', 'python', 'auth']))
    .option('--json', 'print one JSON object per line on stdout', false)
    .action(async (name: string, options: AddOptions) => {
      await runReported(options.json, async (reporter) => {
        const input = profileFromOptions(name, options);
        const store = await openStore(deps, reporter);
        const profile = await store.add(input);
        reporter.emit({ event: 'added', profile }, `Saved host "${profile.name}" (${destination(profile)}).`);
      });
    });

  hosts
    .command('list')
    .description('List the saved host profiles.')
    .option('--json', 'print one JSON object on stdout', false)
    .action(async (options: JsonOption) => {
      await runReported(options.json, async (reporter) => {
        const store = await openStore(deps, reporter);
        const profiles = store.list();
        if (reporter.json) {
          reporter.emit({ event: 'hosts', hosts: profiles });
          return;
        }
        if (profiles.length === 0) {
          reporter.say('No saved hosts yet. Add one with: porthole hosts add NAME --host HOST --user USER (or --aws INSTANCE-ID --region REGION for an EC2 instance)');
          return;
        }
        process.stdout.write(formatList(profiles));
      });
    });

  hosts
    .command('remove')
    .description('Delete a saved host profile.')
    .argument('<name>', 'the profile to delete')
    .option('--json', 'print one JSON object per line on stdout', false)
    .action(async (name: string, options: JsonOption) => {
      await runReported(options.json, async (reporter) => {
        const store = await openStore(deps, reporter);
        const removed = await store.remove(name);
        reporter.emit({ event: 'removed', name: removed.name }, `Removed host "${removed.name}".`);
      });
    });

  hosts
    .command('import-ssh-config')
    .description('Import the hosts in an OpenSSH config file (never runs Match exec or ProxyCommand).')
    .argument('[file]', 'the config file (default: ~/.ssh/config)')
    .option('--dry-run', 'show what would be imported without saving', false)
    .option('--json', 'print one JSON object per line on stdout', false)
    .action(async (file: string | undefined, options: ImportOptions) => {
      await runReported(options.json, async (reporter) => {
        const home = deps.home ?? homedir();
        const path = file === undefined ? join(home, '.ssh', 'config') : resolve(file);
        const store = await openStore(deps, reporter);
        const result = await importSshConfig(path, { home });
        await saveImport(store, result, path, options, reporter);
      });
    });

  hosts
    .command('import-putty')
    .description("Import PuTTY's saved sessions from a .reg export, or (on Windows, without a file) from the registry.")
    .argument('[regfile]', 'a .reg export of HKCU\\Software\\SimonTatham\\PuTTY\\Sessions')
    .option('--dry-run', 'show what would be imported without saving', false)
    .option('--json', 'print one JSON object per line on stdout', false)
    .action(async (file: string | undefined, options: ImportOptions) => {
      await runReported(options.json, async (reporter) => {
        const store = await openStore(deps, reporter);
        const result = file === undefined ? await (deps.readPuttySessions ?? readPuttySessionsLive)() : parsePuttyReg(await readImportFile(resolve(file)));
        await saveImport(store, result, file === undefined ? 'the Windows registry' : resolve(file), options, reporter);
      });
    });

  return hosts;
}

/** Opens the store and passes on what it has to say (a damaged file kept aside, read-only mode). */
async function openStore(deps: HostsCommandDeps, reporter: Reporter): Promise<ProfileStore> {
  const store = await deps.openProfileStore();
  for (const notice of store.notices) {
    reporter.emit(
      { event: 'warning', code: notice.code, message: notice.message, ...(notice.hint ? { hint: notice.hint } : {}), ...(notice.keptAt ? { keptAt: notice.keptAt } : {}) },
      `porthole: warning: ${notice.message}${notice.hint ? `\n  ${notice.hint}` : ''}`,
    );
  }
  return store;
}

async function saveImport(store: ProfileStore, result: ImportResult, source: string, options: ImportOptions, reporter: Reporter): Promise<void> {
  let added: Profile[];
  let existing: string[];
  if (options.dryRun) {
    added = result.profiles.filter((profile) => store.get(profile.name) === undefined);
    existing = result.profiles.filter((profile) => store.get(profile.name) !== undefined).map((profile) => profile.name);
  } else {
    ({ added, existing } = await store.addMany(result.profiles));
  }
  const skipped = [...result.skipped, ...existing.map((name) => ({ host: name, reason: `A host profile named "${name}" already exists; it was left as it is.` }))];
  const verb = options.dryRun ? 'Would import' : 'Imported';
  const lines = [
    added.length === 0 ? `${options.dryRun ? 'Would import' : 'Imported'} no hosts from ${source}.` : `${verb} ${added.length} host${added.length === 1 ? '' : 's'} from ${source}: ${added.map((p) => p.name).join(', ')}.`,
    ...(skipped.length === 0 ? [] : [`Skipped ${skipped.length}:`, ...skipped.map((s) => `  ${s.host}: ${s.reason}`)]),
    ...(result.warnings.length === 0 ? [] : ['Warnings:', ...result.warnings.map((w) => `  ${w.host}: ${w.message}`)]),
  ];
  reporter.emit({ event: 'imported', source, dryRun: options.dryRun, added, skipped, warnings: result.warnings }, lines.join('\n'));
}

async function readImportFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new PortholeError(
      { code: 'profiles.import-unreadable', message: `Porthole cannot read ${path}: ${(error as Error).message}.`, hint: 'Check the path of the exported .reg file.', retryable: false },
      { cause: error },
    );
  }
}

// ---------------------------------------------------------------------------------------
// `hosts add` options -> a profile (the store validates the result)

function profileFromOptions(name: string, options: AddOptions): ProfileInput {
  const key: KeyRef | undefined =
    options.key !== undefined ? { kind: 'vault', name: options.key } : options.identity !== undefined ? { kind: 'path', path: resolve(options.identity) } : options.agent ? { kind: 'agent' } : undefined;
  const env = options.conda !== undefined ? { kind: 'conda' as const, name: options.conda } : options.python !== undefined ? { kind: 'python' as const, path: options.python } : undefined;
  const localPort = options.localPort === undefined ? undefined : portOption('--local-port', options.localPort);
  const cloud = cloudOption(options);
  if (cloud === undefined && options.host === undefined) {
    throw new PortholeError({ code: 'profiles.invalid', message: 'Say where the host is: --host HOST, or --aws INSTANCE-ID / --azure GROUP/VM for a cloud VM.', hint: 'For example: porthole hosts add gpu --host 203.0.113.7 --user ubuntu, or porthole hosts add gpu --aws i-0123456789abcdef0 --region eu-central-1.', retryable: false });
  }
  return {
    name,
    ...(cloud === undefined ? { host: options.host } : { cloud }),
    ...(options.port === undefined ? {} : { port: portOption('--port', options.port) }),
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(key === undefined ? {} : { key }),
    jumpHosts: options.jump === undefined ? [] : jumpOption(options.jump),
    forwards: [...options.local.map(parseLocalForward), ...options.remote.map(parseRemoteForward), ...options.dynamic.map(parseDynamicForward)],
    jupyter: {
      ...(options.jupyter === undefined ? {} : { flavour: options.jupyter }),
      ...(env === undefined ? {} : { env }),
      ...(options.rootDir === undefined ? {} : { rootDir: options.rootDir }),
      ...(options.auth === undefined ? {} : { auth: options.auth }),
      ...(localPort === undefined ? {} : { localPort }),
      ...(options.stopOnDisconnect ? { stopOnDisconnect: true } : {}),
      ...(options.hub === undefined ? {} : { hub: hubOption(options.hub) }),
    },
  };
}

/** `https:8000`, `http:80`: the hub the VM runs. */
function hubOption(text: string): { scheme: 'http' | 'https'; port: number } {
  const match = /^(https?):(\d{1,5})$/.exec(text.trim());
  if (match === null) {
    throw new PortholeError({ code: 'profiles.invalid', message: `--hub "${text}" is not SCHEME:PORT.`, hint: "Write the hub's scheme and port: https:8000 for Azure's Data Science VM, http:80 for The Littlest JupyterHub.", retryable: false });
  }
  return { scheme: match[1] as 'http' | 'https', port: portOption('--hub', match[2]!) };
}

/** --aws / --azure and their companions -> a cloud link; a companion without its cloud is an error. */
function cloudOption(options: AddOptions): CloudLinkInput | undefined {
  const misplaced = (flags: [string, unknown][], cloud: string) => {
    const given = flags.filter(([, value]) => value !== undefined).map(([flag]) => flag);
    if (given.length > 0) throw new PortholeError({ code: 'profiles.invalid', message: `${given.join(', ')} ${given.length === 1 ? 'belongs' : 'belong'} to ${cloud}.`, hint: `Add ${cloud} to link the host to that cloud VM, or leave ${given.length === 1 ? 'it' : 'them'} out.`, retryable: false });
  };
  const awsOnly: [string, unknown][] = [['--region', options.region], ['--profile', options.profile], ['--vault-credential', options.vaultCredential]];
  const azureOnly: [string, unknown][] = [['--subscription', options.subscription], ['--tenant', options.tenant]];
  const safetyFlags: [string, unknown][] = [['--stop-vm-on-disconnect', options.stopVmOnDisconnect], ['--idle-stop', options.idleStop]];
  if (options.aws === undefined) misplaced(awsOnly, '--aws');
  if (options.azure === undefined) misplaced(azureOnly, '--azure');
  if (options.aws === undefined && options.azure === undefined) {
    misplaced(safetyFlags, 'a cloud host (--aws or --azure)');
    return undefined;
  }
  const safety = {
    ...(options.stopVmOnDisconnect ? { stopVmOnDisconnect: true } : {}),
    ...(options.idleStop === undefined ? {} : { idleStopMinutes: minutesOption(options.idleStop) }),
  };
  if (options.aws !== undefined) {
    if (options.region === undefined) throw new PortholeError({ code: 'profiles.invalid', message: '--aws needs --region: EC2 instance ids are per region.', hint: 'Add the region the instance runs in, e.g. --region eu-central-1.', retryable: false });
    return {
      provider: 'aws',
      instanceId: options.aws,
      region: options.region,
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.vaultCredential === undefined ? {} : { vaultCredential: options.vaultCredential }),
      ...safety,
    };
  }
  const [resourceGroup, vmName, ...rest] = (options.azure ?? '').split('/');
  if (resourceGroup === undefined || vmName === undefined || rest.length > 0 || resourceGroup === '' || vmName === '') {
    throw new PortholeError({ code: 'profiles.invalid', message: `--azure "${options.azure ?? ''}" is not RESOURCE-GROUP/VM-NAME.`, hint: 'Write the resource group and the VM name with a slash, e.g. --azure seminar/vm3.', retryable: false });
  }
  if (options.subscription === undefined) throw new PortholeError({ code: 'profiles.invalid', message: '--azure needs --subscription: resource groups are per subscription.', hint: 'Add the subscription id (az account show --query id).', retryable: false });
  return { provider: 'azure', subscriptionId: options.subscription, resourceGroup, vmName, ...(options.tenant === undefined ? {} : { tenantId: options.tenant }), ...safety };
}

function minutesOption(text: string): number {
  const minutes = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (minutes >= 5 && minutes <= 1440) return minutes;
  throw new PortholeError({ code: 'profiles.invalid', message: `--idle-stop "${text}" is not a number of minutes from 5 to 1440.`, hint: 'Give whole minutes, e.g. --idle-stop 60.', retryable: false });
}

function portOption(flag: string, text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (port >= 1 && port <= 65_535) return port;
  throw new PortholeError({ code: 'profiles.invalid', message: `${flag} "${text}" is not a port number.`, hint: 'Give a whole number from 1 to 65535, e.g. 22.', retryable: false });
}

function jumpOption(text: string): JumpHost[] {
  return text.split(',').map((part) => {
    const hop = parseHop(part);
    if (!hop.ok) {
      throw new PortholeError({ code: 'profiles.invalid', message: `-J ${text}: ${hop.problem}.`, hint: 'Write the jump hosts as user@hop1,hop2:2222.', retryable: false });
    }
    return { host: hop.value.host, port: hop.value.port ?? 22, ...(hop.value.user === undefined ? {} : { user: hop.value.user }) };
  });
}

// ---------------------------------------------------------------------------------------
// Human output

function destination(profile: Profile): string {
  if (profile.cloud !== undefined) return `${profile.user === undefined ? '' : `${profile.user}@`}${describeLink(profile.cloud)}${profile.port === 22 ? '' : `, port ${profile.port}`}`;
  const host = profile.host === undefined ? '' : profile.host.includes(':') ? `[${profile.host}]` : profile.host;
  return `${profile.user === undefined ? '' : `${profile.user}@`}${host}${profile.port === 22 ? '' : `:${profile.port}`}`;
}

function formatList(profiles: readonly Profile[]): string {
  const width = Math.max(...profiles.map((p) => p.name.length));
  return profiles
    .map((profile) => {
      const details = [
        ...(profile.jumpHosts.length === 0 ? [] : [`via ${profile.jumpHosts.map((hop) => `${hop.user === undefined ? '' : `${hop.user}@`}${hop.host}${hop.port === 22 ? '' : `:${hop.port}`}`).join(',')}`]),
        ...(profile.cloud?.stopVmOnDisconnect ? ['stops the VM on disconnect'] : []),
        ...(profile.cloud?.idleStopMinutes === undefined ? [] : [`stops the VM after ${profile.cloud.idleStopMinutes} idle minutes`]),
        ...(profile.key === undefined ? [] : [profile.key.kind === 'vault' ? `key ${profile.key.name} (vault)` : profile.key.kind === 'path' ? `key ${profile.key.path}` : 'agent only']),
        ...profile.forwards.map((forward) => `${forward.kind === 'local' ? '-L' : forward.kind === 'remote' ? '-R' : '-D'} ${formatForward(forward)}`),
      ];
      return `${profile.name.padEnd(width)}  ${destination(profile)}${details.length === 0 ? '' : `  ${details.join('  ')}`}\n`;
    })
    .join('');
}
