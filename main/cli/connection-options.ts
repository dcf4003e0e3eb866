/** The SSH options `forward` and `notebook` share, and the connection they describe. */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { Option, type Command } from 'commander';
import { dataDir } from '../shared/data-dir';
import { PortholeError } from '../shared/errors';
import { defaultAgent, type AuthPrompter, type Identity } from '../ssh/auth';
import { SshConnection, type SshEndpoint } from '../ssh/connection';
import type { Profile } from '../profiles';
import type { ResolvedAddress } from '../session/cloud-link';
import { currentCloudAddress, isCloudProfile, type CloudProfile } from './cloud-target';
import { openKeyStore, openProfileStore } from './stores';
import { defaultKnownHostsFiles, HostKeyStore } from '../ssh/host-keys';
import { parseDestination, parseJumpList } from './destination';
import type { Reporter } from './reporter';
import { terminalPrompter } from './terminal-prompter';

export interface ConnectionCliOptions {
  identity: string[];
  key?: string;
  jump?: string;
  knownHosts: string[];
  acceptNewHostKey: boolean;
  keepalive: number;
  keepaliveCount: number;
  agent: boolean;
  json: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
export const positiveInt = (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`expected a whole number, got "${value}"`);
  return number;
};

export function addConnectionOptions(command: Command): Command {
  return command
    .option('-i, --identity <file>', 'private key file (repeatable; default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa)', collect, [])
    .option('--key <name>', 'a key imported into Porthole (see porthole keys list)')
    .option('-J, --jump <hops>', 'jump hosts, comma-separated: user@hop1,user@hop2:2222')
    .option('--known-hosts <file>', 'known_hosts file to trust instead of ~/.ssh/known_hosts (repeatable)', collect, [])
    .option('--accept-new-host-key', 'trust a host key never seen before (like StrictHostKeyChecking=accept-new); changed keys are always refused', false)
    .addOption(new Option('--keepalive <seconds>', 'seconds between keepalives').default(10).argParser(positiveInt))
    .addOption(new Option('--keepalive-count <n>', 'unanswered keepalives before the link counts as dead').default(2).argParser(positiveInt))
    .option('--no-agent', 'do not use ssh-agent / Pageant')
    .option('--json', 'print one JSON object per line on stdout', false);
}

export interface ResolvedTarget {
  readonly target: SshEndpoint;
  readonly jumps: SshEndpoint[];
  /** The saved host profile named on the command line, if any. */
  readonly profile: Profile | null;
}

/**
 * `user@host[:port]`, or the name of a saved host profile (its host, port, user and jump
 * hosts; flags on the command line win). A cloud host is where `cloudAddress` says: by
 * default where its machine runs now (it is not started; `porthole up` does that).
 */
export async function resolveTarget(
  destination: string,
  options: Pick<ConnectionCliOptions, 'jump'>,
  cloudAddress: (profile: CloudProfile) => Promise<ResolvedAddress> = currentCloudAddress,
): Promise<ResolvedTarget> {
  const profile = destination.includes('@') ? null : ((await openProfileStore().catch(() => null))?.get(destination) ?? null);
  const localUser = parseDestination('x').username;
  const at: ResolvedAddress | null = isCloudProfile(profile) ? await cloudAddress(profile) : profile?.host !== undefined ? { host: profile.host } : null;
  const target: SshEndpoint = profile && at ? { ...at, port: profile.port, username: profile.user ?? localUser } : parseDestination(destination);
  return { target, jumps: jumpsFor(profile, options, target.username), profile };
}

/** The jump hosts: -J on the command line, else the saved host's; a hop without a user logs in as `username`. */
export function jumpsFor(profile: Profile | null, options: Pick<ConnectionCliOptions, 'jump'>, username: string): SshEndpoint[] {
  return options.jump
    ? parseJumpList(options.jump, username)
    : (profile?.jumpHosts ?? []).map((hop) => ({ host: hop.host, port: hop.port, username: hop.user ?? username }));
}

export async function connectionFromCli(resolved: ResolvedTarget, options: ConnectionCliOptions, reporter: Reporter): Promise<SshConnection> {
  const prompter = terminalPrompter({ acceptNewHostKey: options.acceptNewHostKey, interactive: Boolean(process.stdin.isTTY), say: reporter.say, emit: (event, human) => reporter.emit(event, human) });
  const { target, jumps, profile } = resolved;
  return new SshConnection({
    target,
    jumps,
    identities: await identities(options, profile, prompter),
    agent: options.agent ? defaultAgent() : null,
    password: true,
    keyboardInteractive: true,
    hostKeys: new HostKeyStore({
      knownHostsFiles: options.knownHosts.length > 0 ? options.knownHosts : defaultKnownHostsFiles(),
      trustStorePath: join(dataDir(), 'known_hosts'),
    }),
    prompter,
    keepaliveIntervalMs: options.keepalive * 1000,
    keepaliveCountMax: options.keepaliveCount,
  });
}

/** -i files, else --key (or the profile's key), else the usual ~/.ssh/id_* files. */
async function identities(options: ConnectionCliOptions, profile: Profile | null, prompter: AuthPrompter): Promise<Identity[]> {
  const files = options.identity;
  const keyName = options.key ?? (profile?.key?.kind === 'vault' ? profile.key.name : undefined);
  if (files.length === 0 && keyName !== undefined) {
    const store = await openKeyStore();
    return [{ label: keyName, data: await store.privateKeyForLogin(keyName, (label, retry) => prompter.passphrase(label, retry)) }];
  }
  if (files.length === 0 && profile?.key?.kind === 'path') return identitiesFromFiles([profile.key.path]);
  if (files.length === 0 && profile?.key?.kind === 'agent') return [];
  return identitiesFromFiles(files);
}

async function identitiesFromFiles(files: readonly string[]): Promise<Identity[]> {
  if (files.length > 0) {
    return Promise.all(
      files.map(async (file) => {
        try {
          return { label: basename(file), data: await readFile(file) };
        } catch (error) {
          throw new PortholeError({ code: 'ssh.key-unreadable', message: `Cannot read the key file ${file}: ${(error as Error).message}.`, hint: 'Check the path.', retryable: false }, { cause: error });
        }
      }),
    );
  }
  const defaults = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(homedir(), '.ssh', name)).filter((file) => existsSync(file));
  return Promise.all(defaults.map(async (file) => ({ label: basename(file), data: await readFile(file), optional: true })));
}

/** Resolves with the name of the first SIGINT or SIGTERM. Install it first thing: a signal before it would kill the process. */
export function stopSignal(): Promise<'SIGINT' | 'SIGTERM'> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}
