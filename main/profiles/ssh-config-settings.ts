/**
 * Which ~/.ssh/config settings apply to one host name, as OpenSSH decides it: the blocks
 * whose conditions hold for the name, in file order, the first value winning (IdentityFile
 * and forwards add up).
 *
 * An import asks this for every host, so the work is hosts times blocks, and a hostile or
 * machine-written config can have thousands of both. Three things keep it small:
 *  - settings are summed up per group (a block's lines read in a row) as they are read, so a
 *    host takes a group in one step, however many lines it has;
 *  - a group under a Host line of plain names (`Host gpu gpu.example.com`) is filed under
 *    those names and looked at only for them; only groups under patterns (`Host *`,
 *    `Host *.corp`) are looked at for every host;
 *  - patterns are compiled once, lowercased, and a plain name is a string comparison.
 */
import { asciiLower, compileGlob } from '../shared/glob';

/** One pattern of a Host line, compiled once for every name it is matched against. */
interface HostPattern {
  readonly negated: boolean;
  /** Takes the name lowercased (ASCII), as the pattern was. */
  readonly matches: (folded: string) => boolean;
}

/**
 * A Host block's patterns, or a Match block (never evaluated, so never applies). `names`:
 * when every positive pattern is a plain name, those names lowercased (the block can hold
 * for no other name); null when a pattern has wildcards.
 */
export type Condition =
  | { readonly kind: 'host'; readonly patterns: readonly HostPattern[]; readonly names: ReadonlySet<string> | null; readonly wildcard: boolean }
  | { readonly kind: 'never' };

export const NEVER: Condition = { kind: 'never' };

/** A Host line's condition (`Match all` is `Host *`). */
export function hostCondition(patterns: readonly string[]): Condition {
  const names = new Set<string>();
  let wildcard = false;
  const compiled = patterns.map((pattern) => {
    const negated = pattern.startsWith('!');
    const folded = asciiLower(negated ? pattern.slice(1) : pattern);
    const plain = !/[*?]/.test(folded);
    if (!negated && plain) names.add(folded);
    if (!negated && !plain) wildcard = true;
    return { negated, matches: plain ? (name: string) => name === folded : compileGlob(folded) };
  });
  return { kind: 'host', patterns: compiled, names: wildcard ? null : names, wildcard };
}

/** Settings that need a word of warning when they apply to an imported host. */
export const NOT_IMPORTED: Readonly<Record<string, string>> = {
  certificatefile: 'CertificateFile was not imported: Porthole logs in with plain keys, not certificates.',
  localcommand: 'LocalCommand was not imported: Porthole never runs commands from ssh_config.',
  knownhostscommand: 'KnownHostsCommand was not imported: Porthole never runs commands from ssh_config.',
  remotecommand: 'RemoteCommand was not imported: Porthole starts Jupyter itself.',
};

/**
 * Settings as OpenSSH would use them. The same shape sums up one group of settings and the
 * result for one host name.
 */
export interface Settings {
  hostName?: string;
  user?: string;
  port?: string;
  proxy?: { readonly kind: 'jump' | 'command' | 'none'; readonly value: string };
  /** The first IdentityFile that is not "none" (the one Porthole uses), and how many there are. */
  identityFile?: string;
  identityFileCount: number;
  /** Kept up to one past what a profile takes, so the profile check still says "too many". */
  readonly forwards: { readonly key: string; readonly args: readonly string[] }[];
  readonly notImported: Set<string>;
}

/** One more than the profile schema allows: enough for its error, never thousands per host. */
const FORWARDS_KEPT = 257;

const noSettings = (): Settings => ({ identityFileCount: 0, forwards: [], notImported: new Set() });

/** Settings read in a row under the same conditions (all must hold: the enclosing blocks, through every Include level). */
interface Group {
  readonly conditions: readonly Condition[];
  readonly settings: Settings;
}

export class SettingsIndex {
  private readonly groups: Group[] = [];
  /** Groups (by position) that only plain names can match, filed under each name. */
  private readonly byName = new Map<string, number[]>();
  /** Groups (by position) that any name may match. */
  private readonly forAnyName: number[] = [];

  /** Adds one setting line read under `conditions` (the same array for a whole block). */
  add(conditions: readonly Condition[], key: string, args: readonly string[]): void {
    let group = this.groups.at(-1);
    if (group?.conditions !== conditions) {
      group = { conditions, settings: noSettings() };
      this.file(this.groups.push(group) - 1, conditions);
    }
    applySetting(group.settings, key, args);
  }

  /** The settings OpenSSH would use for `name`. */
  settingsFor(name: string): Settings {
    const folded = asciiLower(name);
    const settings = noSettings();
    const own = this.byName.get(folded) ?? [];
    // Both lists are in file order: merge them, so the first value still wins.
    for (let a = 0, b = 0; a < this.forAnyName.length || b < own.length; ) {
      const next = b >= own.length || (a < this.forAnyName.length && this.forAnyName[a]! < own[b]!) ? this.forAnyName[a++]! : own[b++]!;
      const group = this.groups[next]!;
      if (group.conditions.every((condition) => conditionHolds(condition, folded))) mergeSettings(settings, group.settings);
    }
    return settings;
  }

  private file(position: number, conditions: readonly Condition[]): void {
    if (conditions.some((condition) => condition.kind === 'never')) return;
    // Any enclosing block of plain names limits the group to those names.
    const limited = conditions.find((condition) => condition.kind === 'host' && condition.names !== null);
    if (limited === undefined || limited.kind !== 'host' || limited.names === null) {
      this.forAnyName.push(position);
      return;
    }
    for (const name of limited.names) {
      const positions = this.byName.get(name);
      if (positions === undefined) this.byName.set(name, [position]);
      else positions.push(position);
    }
  }
}

/**
 * OpenSSH's Host matching: globs compared regardless of (ASCII) case, any positive match, no
 * negated match. `folded` is the name lowercased. The matcher is the shared linear one:
 * hostile patterns cannot hang an import.
 */
function conditionHolds(condition: Condition, folded: string): boolean {
  if (condition.kind === 'never') return false;
  let matched = false;
  for (const pattern of condition.patterns) {
    if (pattern.negated) {
      if (pattern.matches(folded)) return false;
    } else if (!matched && pattern.matches(folded)) {
      matched = true;
    }
  }
  return matched;
}

/** `later` applies after what `settings` already has. */
function mergeSettings(settings: Settings, later: Settings): void {
  settings.hostName ??= later.hostName;
  settings.user ??= later.user;
  settings.port ??= later.port;
  settings.proxy ??= later.proxy;
  settings.identityFile ??= later.identityFile;
  settings.identityFileCount += later.identityFileCount;
  for (const forward of later.forwards) {
    if (settings.forwards.length >= FORWARDS_KEPT) break;
    settings.forwards.push(forward);
  }
  for (const key of later.notImported) settings.notImported.add(key);
}

function applySetting(settings: Settings, key: string, args: readonly string[]): void {
  const value = args.join(' ');
  switch (key) {
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
      if (value.toLowerCase() === 'none') break;
      settings.identityFile ??= value;
      settings.identityFileCount += 1;
      break;
    case 'localforward':
    case 'remoteforward':
    case 'dynamicforward':
      if (settings.forwards.length < FORWARDS_KEPT) settings.forwards.push({ key, args });
      break;
    default:
      if (Object.hasOwn(NOT_IMPORTED, key)) settings.notImported.add(key);
  }
}
