/**
 * Import from ~/.ssh/config: one profile per concrete `Host` alias, with the settings
 * OpenSSH would use for it (first value wins; IdentityFile and forwards add up; `Host *`
 * and other patterns contribute to every alias they match).
 *
 * Reading a config must never run anything. `Match exec` and `ProxyCommand` are shell
 * commands: Porthole never evaluates the one (the whole Match block is left out, and
 * reported) and never runs the other (a host that needs it is skipped, and reported).
 *
 * Reading the file and its Includes: ssh-config-reader.ts; which settings apply to a name:
 * ssh-config-settings.ts; here, profiles from them: `~` and the common %-tokens, ProxyJump
 * chains resolved through the hops' own Host blocks.
 */
import { readFile, realpath } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { PortholeError } from '../shared/errors';
import { dynamicForward, listensBeyondLoopback, localForward, parseHop, remoteForward, type Parsed } from './endpoints';
import { ImportCollector, type ImportResult } from './import-result';
import { ConfigReader } from './ssh-config-reader';
import { NOT_IMPORTED, type Settings } from './ssh-config-settings';
import type { JumpHost, ProfileForward, ProfileInput } from './schema';

export interface SshConfigImportOptions {
  /** The home folder: where `~` points, and where relative Includes start (`<home>/.ssh`). */
  readonly home: string;
  /** The local user name for `%u` (default: the current user). */
  readonly localUser?: string;
}

const MAX_JUMP_NESTING = 8;
/** The profile schema's own limit: a longer ProxyJump list is refused before any hop is looked up. */
const MAX_JUMP_HOSTS = 16;
/** Hosts times blocks is the work of an import (ssh-config-settings.ts): both are capped, and what is left out reported. */
const MAX_HOSTS = 1_000;

/** Reads `path` (and what it includes) and returns the profiles it describes. */
export async function importSshConfig(path: string, options: SshConfigImportOptions): Promise<ImportResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PortholeError(
      {
        code: 'profiles.import-unreadable',
        message: `Porthole cannot read the SSH config file ${path}: ${(error as Error).message}.`,
        hint: 'Check the path; the usual place is ~/.ssh/config.',
        retryable: false,
      },
      { cause: error },
    );
  }
  const collector = new ImportCollector();
  const reader = new ConfigReader(options.home, collector);
  await reader.readText(text, path, [], 0, [await realpath(path).catch(() => resolve(path))]);
  new ProfileBuilder(reader, collector, { home: options.home, localUser: options.localUser ?? localUserName() }).buildAll();
  return collector.result();
}

function isPattern(text: string): boolean {
  return /[*?]/.test(text) || text.startsWith('!');
}

// ---------------------------------------------------------------------------------------
// Building profiles

interface TokenContext {
  readonly home: string;
  readonly localUser: string;
}

class ProfileBuilder {
  constructor(
    private readonly reader: ConfigReader,
    private readonly collector: ImportCollector,
    private readonly context: TokenContext,
  ) {}

  buildAll(): void {
    const aliases: string[] = [];
    const seen = new Set<string>();
    for (const line of this.reader.hostLines) {
      for (const pattern of line.patterns) {
        if (pattern.startsWith('!')) continue;
        if (isPattern(pattern)) {
          this.collector.skip(pattern, 'This is a pattern, not one host; its settings were applied to the imported hosts it matches.');
        } else if (line.conditions.some((condition) => condition.kind === 'never')) {
          this.collector.skip(pattern, 'It is declared in a file included from a Match block, which Porthole does not evaluate.');
        } else if (!seen.has(pattern.toLowerCase())) {
          seen.add(pattern.toLowerCase());
          aliases.push(pattern);
        }
      }
    }
    if (aliases.length > MAX_HOSTS) {
      this.collector.warn(aliases[MAX_HOSTS]!, `The configuration names ${aliases.length} hosts; Porthole imported the first ${MAX_HOSTS}. Import the others from a smaller file.`);
      aliases.length = MAX_HOSTS;
    }
    for (const alias of aliases) {
      const profile = this.build(alias);
      if (profile !== undefined) this.collector.add(profile);
    }
  }

  private build(alias: string): ProfileInput | undefined {
    const settings = this.reader.settings.settingsFor(alias);
    if (settings.proxy?.kind === 'command') {
      this.collector.skip(alias, `It connects through ProxyCommand "${settings.proxy.value}", which Porthole never runs; use ProxyJump for a jump host.`);
      return undefined;
    }
    const host = expandHostName(settings.hostName ?? alias, alias);
    const user = settings.user === undefined ? undefined : this.expandUser(alias, settings.user);
    const jumps = settings.proxy?.kind === 'jump' ? this.resolveJumps(settings.proxy.value, new Set([alias.toLowerCase()]), 0) : { ok: true as const, value: [] };
    if (!jumps.ok) {
      this.collector.skip(alias, `Its ProxyJump could not be used: ${jumps.problem}.`);
      return undefined;
    }
    for (const key of settings.notImported) this.collector.warn(alias, NOT_IMPORTED[key]!);
    const key = this.keyFor(alias, settings, host, user);
    return {
      name: alias,
      host,
      ...(settings.port === undefined ? {} : { port: /^\d+$/.test(settings.port) ? Number(settings.port) : Number.NaN }),
      ...(user === undefined ? {} : { user }),
      ...(key === undefined ? {} : { key: { kind: 'path' as const, path: key } }),
      jumpHosts: jumps.value,
      forwards: this.forwards(alias, settings),
    };
  }

  private expandUser(alias: string, user: string): string | undefined {
    const expanded = expandTokens(user, { u: this.context.localUser });
    if (expanded.unknown.length === 0) return expanded.text;
    this.collector.warn(alias, `User ${user} uses ${expanded.unknown.join(', ')}, which Porthole does not fill in; the user was left out.`);
    return undefined;
  }

  /** The first IdentityFile, with `~` and %d %u %h %r %n %p %% filled in. */
  private keyFor(alias: string, settings: Settings, host: string, user: string | undefined): string | undefined {
    const first = settings.identityFile;
    if (first === undefined) return undefined;
    if (settings.identityFileCount > 1) this.collector.warn(alias, `It lists ${settings.identityFileCount} IdentityFiles; Porthole uses the first, ${first}.`);
    let path = first === '~' || first.startsWith('~/') ? join(this.context.home, first.slice(1)) : first;
    if (path.startsWith('~')) this.collector.warn(alias, `IdentityFile ${first} refers to another user's home folder; it was kept as written.`);
    const tokens: Record<string, string> = { d: this.context.home, u: this.context.localUser, h: host, n: alias, p: settings.port ?? '22' };
    if (user !== undefined) tokens['r'] = user;
    const expanded = expandTokens(path, tokens);
    path = expanded.text;
    if (expanded.unknown.length > 0) this.collector.warn(alias, `IdentityFile ${first} uses ${expanded.unknown.join(', ')}, which Porthole does not fill in; check the key path.`);
    if (!isAbsolute(path) && !path.startsWith('~')) {
      this.collector.warn(alias, `IdentityFile ${first} is a relative path; Porthole took it as relative to your home folder.`);
      path = join(this.context.home, path);
    }
    return path;
  }

  /**
   * `a,b,c` in travel order; each hop's User/Port/HostName come from its own Host block,
   * and the first hop's own ProxyJump goes in front of it (as `ssh -J` does).
   */
  private resolveJumps(value: string, visiting: ReadonlySet<string>, nesting: number): Parsed<JumpHost[]> {
    const hops: JumpHost[] = [];
    const parts = value.split(',').map((part) => part.trim());
    // Each hop is looked up in the whole config: refuse a list longer than a profile takes first.
    if (parts.length > MAX_JUMP_HOSTS) return { ok: false, problem: `it lists ${parts.length} jump hosts; Porthole takes at most ${MAX_JUMP_HOSTS}` };
    for (const [index, part] of parts.entries()) {
      const hop = parseHop(part);
      if (!hop.ok) return hop;
      const settings = this.reader.settings.settingsFor(hop.value.host);
      if (index === 0 && settings.proxy?.kind === 'command') return { ok: false, problem: `the jump host ${hop.value.host} itself needs ProxyCommand, which Porthole never runs` };
      if (index === 0 && settings.proxy?.kind === 'jump') {
        const name = hop.value.host.toLowerCase();
        if (visiting.has(name) || nesting >= MAX_JUMP_NESTING) return { ok: false, problem: `the jump hosts lead back to ${hop.value.host} (a loop)` };
        const before = this.resolveJumps(settings.proxy.value, new Set([...visiting, name]), nesting + 1);
        if (!before.ok) return before;
        hops.push(...before.value);
      }
      const portText = settings.port;
      const port = hop.value.port ?? (portText === undefined ? 22 : /^\d+$/.test(portText) ? Number(portText) : Number.NaN);
      const user = hop.value.user ?? settings.user;
      hops.push({
        host: expandHostName(settings.hostName ?? hop.value.host, hop.value.host),
        port,
        ...(user === undefined ? {} : { user: expandTokens(user, { u: this.context.localUser }).text }),
      });
    }
    return { ok: true, value: hops };
  }

  private forwards(alias: string, settings: Settings): ProfileForward[] {
    const forwards: ProfileForward[] = [];
    for (const { key, args } of settings.forwards) {
      const written = `${KEYWORD[key]} ${args.join(' ')}`;
      const parsed = forwardFrom(key, args);
      if (!parsed.ok) {
        this.collector.warn(alias, `${written} was not imported: ${parsed.problem}.`);
        continue;
      }
      if (listensBeyondLoopback(parsed.value)) {
        this.collector.warn(alias, `${written} listens on ${parsed.value.bindHost}, so other computers on your network can use it.`);
      }
      forwards.push(parsed.value);
    }
    return forwards;
  }
}

const KEYWORD: Readonly<Record<string, string>> = { localforward: 'LocalForward', remoteforward: 'RemoteForward', dynamicforward: 'DynamicForward' };

function forwardFrom(key: string, args: readonly string[]): Parsed<ProfileForward> {
  const [first, second, ...rest] = args;
  if (first === undefined) return { ok: false, problem: 'it has no value' };
  if (key === 'dynamicforward') return second === undefined ? dynamicForward(first) : { ok: false, problem: 'DynamicForward takes one [address:]port' };
  if (second === undefined) {
    return { ok: false, problem: key === 'remoteforward' ? 'a RemoteForward with only a port is a SOCKS proxy on the server, which Porthole does not offer' : 'it needs a port and a host:port' };
  }
  if (rest.length > 0) return { ok: false, problem: 'it has more than two parts' };
  return key === 'localforward' ? localForward(first, second) : remoteForward(first, second);
}

/** HostName takes only %h (the alias) and %%. */
function expandHostName(hostName: string, alias: string): string {
  return expandTokens(hostName, { h: alias }).text;
}

/** Fills in %x tokens from `values` (and %% as %); the tokens it does not know are listed. */
function expandTokens(text: string, values: Readonly<Record<string, string>>): { text: string; unknown: string[] } {
  const unknown = new Set<string>();
  const expanded = text.replace(/%(.)/g, (whole, token: string) => {
    if (token === '%') return '%';
    const value = Object.hasOwn(values, token) ? values[token] : undefined;
    if (value !== undefined) return value;
    unknown.add(whole);
    return whole;
  });
  return { text: expanded, unknown: [...unknown] };
}

function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? process.env['USERNAME'] ?? '';
  }
}
