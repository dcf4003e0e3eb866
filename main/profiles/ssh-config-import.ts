/**
 * Import from ~/.ssh/config: one profile per concrete `Host` alias, with the settings
 * OpenSSH would use for it (first value wins; IdentityFile and forwards add up; `Host *`
 * and other patterns contribute to every alias they match).
 *
 * Reading a config must never run anything. `Match exec` and `ProxyCommand` are shell
 * commands: Porthole never evaluates the one (the whole Match block is left out, and
 * reported) and never runs the other (a host that needs it is skipped, and reported).
 * The ssh-config package is used only to split single lines into keyword and values
 * (quotes, `=`); its `compute()`, which would run `Match exec`, is never called.
 *
 * What ssh-config does not do, done here: `Include` (relative to ~/.ssh, globs, depth and
 * loop guard, in-block includes), `~` and the common %-tokens, ProxyJump chains resolved
 * through the hops' own Host blocks.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { isAbsolute, join, parse as parsePath, resolve } from 'node:path';
import { parse as parseConfigText } from 'ssh-config';
import { PortholeError } from '../shared/errors';
import { GlobPatternError, compileGlob, globMatches } from '../shared/glob';
import { dynamicForward, listensBeyondLoopback, localForward, parseHop, remoteForward, type Parsed } from './endpoints';
import { ImportCollector, type ImportResult } from './import-result';
import type { JumpHost, ProfileForward, ProfileInput } from './schema';

export interface SshConfigImportOptions {
  /** The home folder: where `~` points, and where relative Includes start (`<home>/.ssh`). */
  readonly home: string;
  /** The local user name for `%u` (default: the current user). */
  readonly localUser?: string;
}

/** OpenSSH's own limit on nested Includes (READCONF_MAX_DEPTH). */
const MAX_INCLUDE_DEPTH = 16;
const MAX_JUMP_NESTING = 8;

/** A Host block's patterns, or a Match block (never evaluated, so never applies). */
type Condition = { readonly kind: 'host'; readonly patterns: readonly string[] } | { readonly kind: 'never' };

interface Directive {
  readonly key: string;
  readonly args: readonly string[];
  /** All must hold: the enclosing blocks, through every Include level. */
  readonly conditions: readonly Condition[];
}

interface HostLine {
  readonly patterns: readonly string[];
  readonly conditions: readonly Condition[];
}

/** Settings that need a word of warning when they apply to an imported host. */
const NOT_IMPORTED: Readonly<Record<string, string>> = {
  certificatefile: 'CertificateFile was not imported: Porthole logs in with plain keys, not certificates.',
  localcommand: 'LocalCommand was not imported: Porthole never runs commands from ssh_config.',
  knownhostscommand: 'KnownHostsCommand was not imported: Porthole never runs commands from ssh_config.',
  remotecommand: 'RemoteCommand was not imported: Porthole starts Jupyter itself.',
};

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

// ---------------------------------------------------------------------------------------
// Reading: lines -> directives with the conditions they apply under

class ConfigReader {
  readonly directives: Directive[] = [];
  readonly hostLines: HostLine[] = [];

  constructor(
    private readonly home: string,
    private readonly collector: ImportCollector,
  ) {}

  async readText(text: string, file: string, outer: readonly Condition[], depth: number, chain: readonly string[]): Promise<void> {
    let block: Condition | null = null;
    const lines = text.split(/\r?\n|\r/);
    for (const [index, line] of lines.entries()) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const where = `${file}:${index + 1}`;
      const parsed = splitLine(line);
      if (!parsed.ok) {
        this.collector.warn(where, `The line "${trimmed}" could not be read (${parsed.problem}) and was ignored.`);
        // A broken Host or Match line still ends the block before it: its settings must not
        // leak into that block, so they go into one that never applies.
        if (/^(host|match)\b/i.test(trimmed)) {
          block = { kind: 'never' };
          this.collector.skip(trimmed, 'This line could not be read, so the settings under it were not applied.');
        }
        continue;
      }
      const { key, args } = parsed.value;
      const here = block === null ? outer : [...outer, block];
      switch (key) {
        case 'host':
          block = { kind: 'host', patterns: args };
          this.hostLines.push({ patterns: args, conditions: outer });
          break;
        case 'match':
          block = this.matchBlock(args, trimmed);
          break;
        case 'include':
          await this.include(args, here, depth, chain, where);
          break;
        default:
          this.directives.push({ key, args, conditions: here });
      }
    }
  }

  /** `Match all` is `Host *`; any other Match is left out (and `exec` is never run). */
  private matchBlock(args: readonly string[], line: string): Condition {
    if (args.length === 1 && args[0]!.toLowerCase() === 'all') return { kind: 'host', patterns: ['*'] };
    const runsCommand = args.some((arg) => arg.toLowerCase() === 'exec');
    this.collector.skip(
      line,
      runsCommand
        ? 'Match exec would run a command; Porthole never runs commands from ssh_config, so the settings in this block were not applied.'
        : 'Porthole does not evaluate Match blocks, so the settings in this block were not applied.',
    );
    return { kind: 'never' };
  }

  private async include(patterns: readonly string[], conditions: readonly Condition[], depth: number, chain: readonly string[], where: string): Promise<void> {
    if (depth + 1 > MAX_INCLUDE_DEPTH) {
      this.collector.warn(where, `Includes are nested more than ${MAX_INCLUDE_DEPTH} deep; the deeper ones were ignored.`);
      return;
    }
    for (const pattern of patterns) {
      let files: string[];
      try {
        files = await expandGlob(this.includePath(pattern));
      } catch (error) {
        if (!(error instanceof GlobPatternError)) throw error;
        this.collector.warn(where, `Include ${pattern} is not a valid pattern (${error.problem}); it was ignored.`);
        continue;
      }
      if (files.length === 0) this.collector.warn(where, `Include ${pattern} matched no file.`);
      for (const file of files) {
        const real = await realpath(file).catch(() => file);
        if (chain.includes(real)) {
          this.collector.warn(where, `Include ${pattern} leads back to ${file}, which is already being read; it was not read again.`);
          continue;
        }
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (error) {
          this.collector.warn(where, `Include ${file} could not be read (${(error as Error).message}).`);
          continue;
        }
        await this.readText(text, file, conditions, depth + 1, [...chain, real]);
      }
    }
  }

  /** `~/x` from home; relative paths from ~/.ssh, as OpenSSH reads the user's config. */
  private includePath(pattern: string): string {
    if (pattern === '~' || pattern.startsWith('~/')) return join(this.home, pattern.slice(1));
    return isAbsolute(pattern) ? pattern : join(this.home, '.ssh', pattern);
  }
}

/** One line through the ssh-config parser: the keyword (lower case) and its arguments. */
function splitLine(line: string): Parsed<{ key: string; args: string[] }> {
  let node;
  try {
    node = parseConfigText(line)[0];
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
  if (node === undefined || !('param' in node) || node.param === '') return { ok: false, problem: 'no keyword' };
  const value = node.value;
  const args = Array.isArray(value) ? value.map((part) => part.val) : node.quoted ? [value] : value.split(/\s+/).filter((part) => part !== '');
  if (args.length === 0) return { ok: false, problem: `${node.param} has no value` };
  return { ok: true, value: { key: node.param.toLowerCase(), args } };
}

// ---------------------------------------------------------------------------------------
// Evaluating: the settings OpenSSH would use for one host name

interface HostSettings {
  hostName?: string;
  user?: string;
  port?: string;
  proxy?: { readonly kind: 'jump' | 'command' | 'none'; readonly value: string };
  readonly identityFiles: string[];
  readonly forwards: { readonly key: string; readonly args: readonly string[] }[];
  readonly notImported: Set<string>;
}

function settingsFor(directives: readonly Directive[], name: string): HostSettings {
  const settings: HostSettings = { identityFiles: [], forwards: [], notImported: new Set() };
  for (const directive of directives) {
    if (!directive.conditions.every((condition) => conditionHolds(condition, name))) continue;
    const value = directive.args.join(' ');
    switch (directive.key) {
      case 'hostname':
        settings.hostName ??= value;
        break;
      case 'user':
        settings.user ??= value;
        break;
      case 'port':
        settings.port ??= value;
        break;
      // OpenSSH: whichever of ProxyJump and ProxyCommand comes first wins; "none" turns both off.
      case 'proxyjump':
        settings.proxy ??= { kind: value.toLowerCase() === 'none' ? 'none' : 'jump', value };
        break;
      case 'proxycommand':
        settings.proxy ??= { kind: value.toLowerCase() === 'none' ? 'none' : 'command', value };
        break;
      case 'identityfile':
        settings.identityFiles.push(value);
        break;
      case 'localforward':
      case 'remoteforward':
      case 'dynamicforward':
        settings.forwards.push({ key: directive.key, args: directive.args });
        break;
      default:
        if (directive.key in NOT_IMPORTED) settings.notImported.add(directive.key);
    }
  }
  return settings;
}

/**
 * OpenSSH's Host matching: globs compared regardless of (ASCII) case, any positive match, no
 * negated match. The matcher is the shared linear one: hostile patterns cannot hang an import.
 */
function conditionHolds(condition: Condition, name: string): boolean {
  if (condition.kind === 'never') return false;
  let matched = false;
  for (const pattern of condition.patterns) {
    if (pattern.startsWith('!')) {
      if (globMatches(name, pattern.slice(1), { ignoreCase: true })) return false;
    } else if (globMatches(name, pattern, { ignoreCase: true })) {
      matched = true;
    }
  }
  return matched;
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
    for (const line of this.reader.hostLines) {
      for (const pattern of line.patterns) {
        if (pattern.startsWith('!')) continue;
        if (isPattern(pattern)) {
          this.collector.skip(pattern, 'This is a pattern, not one host; its settings were applied to the imported hosts it matches.');
        } else if (line.conditions.some((condition) => condition.kind === 'never')) {
          this.collector.skip(pattern, 'It is declared in a file included from a Match block, which Porthole does not evaluate.');
        } else if (!aliases.some((alias) => alias.toLowerCase() === pattern.toLowerCase())) {
          aliases.push(pattern);
        }
      }
    }
    for (const alias of aliases) {
      const profile = this.build(alias);
      if (profile !== undefined) this.collector.add(profile);
    }
  }

  private build(alias: string): ProfileInput | undefined {
    const settings = settingsFor(this.reader.directives, alias);
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
  private keyFor(alias: string, settings: HostSettings, host: string, user: string | undefined): string | undefined {
    const files = settings.identityFiles.filter((file) => file.toLowerCase() !== 'none');
    const first = files[0];
    if (first === undefined) return undefined;
    if (files.length > 1) this.collector.warn(alias, `It lists ${files.length} IdentityFiles; Porthole uses the first, ${first}.`);
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
    for (const [index, part] of parts.entries()) {
      const hop = parseHop(part);
      if (!hop.ok) return hop;
      const settings = settingsFor(this.reader.directives, hop.value.host);
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

  private forwards(alias: string, settings: HostSettings): ProfileForward[] {
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
  const unknown: string[] = [];
  const expanded = text.replace(/%(.)/g, (whole, token: string) => {
    if (token === '%') return '%';
    const value = values[token];
    if (value !== undefined) return value;
    if (!unknown.includes(whole)) unknown.push(whole);
    return whole;
  });
  return { text: expanded, unknown };
}

/** The files a glob names, sorted as glob(3) returns them; `*` does not match a leading dot. */
async function expandGlob(pattern: string): Promise<string[]> {
  if (!/[*?[]/.test(pattern)) return (await isFile(pattern)) ? [pattern] : [];
  const { root } = parsePath(pattern);
  const segments = pattern.slice(root.length).split(/[\\/]+/).filter((segment) => segment !== '');
  let paths = [root];
  for (const segment of segments) {
    const next: string[] = [];
    for (const base of paths) {
      if (!/[*?[]/.test(segment)) {
        next.push(join(base, segment));
        continue;
      }
      const matcher = segmentMatcher(segment);
      const names = await readdir(base).catch(() => [] as string[]);
      for (const name of names.sort()) if (matcher(name)) next.push(join(base, name));
    }
    paths = next;
  }
  const files: string[] = [];
  for (const path of paths) if (await isFile(path)) files.push(path);
  return files;
}

/** glob(3) on one path segment (with bracket classes); `*` and `?` do not match a leading dot. */
function segmentMatcher(segment: string): (name: string) => boolean {
  const matches = compileGlob(segment, { classes: true });
  return (name) => (!name.startsWith('.') || segment.startsWith('.')) && matches(name);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function localUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? process.env['USERNAME'] ?? '';
  }
}
