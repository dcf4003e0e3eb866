/**
 * Reading ~/.ssh/config for the import: lines split into keyword and values (the ssh-config
 * package, one line at a time; its compute(), which would run `Match exec`, is never
 * called), Host and Match blocks turned into conditions, and Includes followed (relative to
 * ~/.ssh, globs, depth and loop guard, in-block includes), each file read once per import.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, parse as parsePath } from 'node:path';
import { parse as parseConfigText } from 'ssh-config';
import { GlobPatternError, compileGlob } from '../shared/glob';
import type { Parsed } from './endpoints';
import type { ImportCollector } from './import-result';
import { hostCondition, NEVER, SettingsIndex, type Condition } from './ssh-config-settings';

/** OpenSSH's own limit on nested Includes (READCONF_MAX_DEPTH). */
const MAX_INCLUDE_DEPTH = 16;
/**
 * Files read through Include in one import. OpenSSH has no such limit, but a file that
 * includes another many times over (each of which does the same) multiplies the work at
 * every level; no real configuration comes near this.
 */
const MAX_INCLUDED_FILES = 256;
/**
 * Hosts times blocks is the work of an import (ssh-config-settings.ts). Both are capped far
 * above any real configuration, and what is left out is reported.
 */
const MAX_BLOCKS = 10_000;
/** Blocks under patterns are looked at for every host (the others only for their own names). */
const MAX_PATTERN_BLOCKS = 500;

/** A Host line as written, and the blocks it is inside of (through Includes). */
export interface HostLine {
  readonly patterns: readonly string[];
  readonly conditions: readonly Condition[];
}

/** Reads a config and what it includes into settings (by the blocks they apply under) and Host lines. */
export class ConfigReader {
  readonly settings = new SettingsIndex();
  readonly hostLines: HostLine[] = [];
  /** Every Include of the same pattern or file within one import is read from disk once. */
  private readonly globs = new Map<string, Promise<string[]>>();
  private readonly files = new Map<string, Promise<{ real: string; text: string } | { error: Error }>>();
  private includedFiles = 0;
  private blocks = 0;
  private patternBlocks = 0;
  /** Set once MAX_BLOCKS is reached: nothing more is read. */
  private full = false;

  constructor(
    private readonly home: string,
    private readonly collector: ImportCollector,
  ) {}

  async readText(text: string, file: string, outer: readonly Condition[], depth: number, chain: readonly string[]): Promise<void> {
    // The conditions in force, one array per block, so a block's settings share it (see SettingsIndex).
    let here = outer;
    const lines = text.split(/\r?\n|\r/);
    for (const [index, line] of lines.entries()) {
      if (this.full) return;
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const where = `${file}:${index + 1}`;
      if (/^(host|match)\b/i.test(trimmed) && ++this.blocks > MAX_BLOCKS) {
        this.full = true;
        this.collector.warn(where, `The configuration has more than ${MAX_BLOCKS} Host and Match blocks; Porthole read the first ${MAX_BLOCKS} and ignored the rest.`);
        return;
      }
      const parsed = splitLine(line);
      if (!parsed.ok) {
        this.collector.warn(where, `The line "${trimmed}" could not be read (${parsed.problem}) and was ignored.`);
        // A broken Host or Match line still ends the block before it: its settings must not
        // leak into that block, so they go into one that never applies.
        if (/^(host|match)\b/i.test(trimmed)) {
          here = [...outer, NEVER];
          this.collector.skip(trimmed, 'This line could not be read, so the settings under it were not applied.');
        }
        continue;
      }
      const { key, args } = parsed.value;
      switch (key) {
        case 'host':
          here = [...outer, this.limitPatterns(hostCondition(args), where)];
          this.hostLines.push({ patterns: args, conditions: outer });
          break;
        case 'match':
          here = [...outer, this.limitPatterns(this.matchBlock(args, trimmed), where)];
          break;
        case 'include':
          await this.include(args, here, depth, chain, where);
          break;
        default:
          this.settings.add(here, key, args);
      }
    }
  }

  /** Beyond MAX_PATTERN_BLOCKS, a block under patterns no longer applies (and that is reported once). */
  private limitPatterns(condition: Condition, where: string): Condition {
    if (condition.kind !== 'host' || !condition.wildcard || ++this.patternBlocks <= MAX_PATTERN_BLOCKS) return condition;
    if (this.patternBlocks === MAX_PATTERN_BLOCKS + 1) {
      this.collector.warn(where, `The configuration has more than ${MAX_PATTERN_BLOCKS} Host blocks with patterns (such as "Host *"); the settings of the later ones were not applied.`);
    }
    return NEVER;
  }

  /** `Match all` is `Host *`; any other Match is left out (and `exec` is never run). */
  private matchBlock(args: readonly string[], line: string): Condition {
    if (args.length === 1 && args[0]!.toLowerCase() === 'all') return hostCondition(['*']);
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
        files = await this.expand(this.includePath(pattern));
      } catch (error) {
        if (!(error instanceof GlobPatternError)) throw error;
        this.collector.warn(where, `Include ${pattern} is not a valid pattern (${error.problem}); it was ignored.`);
        continue;
      }
      if (files.length === 0) this.collector.warn(where, `Include ${pattern} matched no file.`);
      for (const file of files) {
        const read = await this.read(file);
        if ('error' in read) {
          this.collector.warn(where, `Include ${file} could not be read (${read.error.message}).`);
          continue;
        }
        if (chain.includes(read.real)) {
          this.collector.warn(where, `Include ${pattern} leads back to ${file}, which is already being read; it was not read again.`);
          continue;
        }
        if (++this.includedFiles > MAX_INCLUDED_FILES) {
          if (this.includedFiles === MAX_INCLUDED_FILES + 1) this.collector.warn(where, `More than ${MAX_INCLUDED_FILES} files were included in all; the rest were not read.`);
          return;
        }
        await this.readText(read.text, file, conditions, depth + 1, [...chain, read.real]);
      }
    }
  }

  private expand(pattern: string): Promise<string[]> {
    let files = this.globs.get(pattern);
    if (files === undefined) {
      files = expandGlob(pattern);
      this.globs.set(pattern, files);
    }
    return files;
  }

  private read(file: string): Promise<{ real: string; text: string } | { error: Error }> {
    let read = this.files.get(file);
    if (read === undefined) {
      read = (async () => {
        try {
          const text = await readFile(file, 'utf8');
          return { real: await realpath(file).catch(() => file), text };
        } catch (error) {
          return { error: error as Error };
        }
      })();
      this.files.set(file, read);
    }
    return read;
  }

  /** `~/x` from home; relative paths from ~/.ssh, as OpenSSH reads the user's config. */
  private includePath(pattern: string): string {
    if (pattern === '~' || pattern.startsWith('~/')) return join(this.home, pattern.slice(1));
    return isAbsolute(pattern) ? pattern : join(this.home, '.ssh', pattern);
  }
}

export type ConfigLine = Parsed<{ key: string; args: string[] }>;

/** One line split into its keyword (lower case) and its arguments, as the ssh-config package splits it. */
export function splitLine(line: string): ConfigLine {
  return splitPlainLine(line) ?? splitLineByPackage(line);
}

/** The ssh-config package's parser on one line: the reference for splitPlainLine. */
export function splitLineByPackage(line: string): ConfigLine {
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

/** The package's directives whose values it splits at blanks and `=` (its RE_MULTI_VALUE_DIRECTIVE). */
const MULTI_VALUE = /^(?:GlobalKnownHostsFile|Host|IPQoS|SendEnv|UserKnownHostsFile|ProxyCommand|KnownHostsCommand|Match|CanonicalDomains|Include)$/i;

/**
 * The package's split of a line without quotes, backslashes or `#`, done with a few string
 * operations: the package reads a character at a time, which made reading a large config
 * most of an import. undefined leaves the line to the package (quotes, Match criteria, and
 * what the package treats specially). test/unit/ssh-config-lines.test.ts checks the two agree.
 */
function splitPlainLine(line: string): ConfigLine | undefined {
  if (/["\\#\r\n]/.test(line)) return undefined;
  const start = line.length - line.trimStart().length;
  // The package's keyword runs to a space, tab or `=`; other blanks inside it are its business.
  const param = /^[^ \t=]*/.exec(line.slice(start))![0];
  if (param === '' || /\s/.test(param) || /^match$/i.test(param)) return undefined;
  const value = line.slice(start + param.length).replace(/^\s*=?\s*/, '');
  const words = (text: string) => text.split(/\s+/).filter((part) => part !== '');
  let args: string[];
  if (MULTI_VALUE.test(param)) {
    const parts = value.split(/[ \t=]/).filter((part) => part !== '');
    if (parts.length === 0) return undefined;
    // One value comes back from the package as a string, which is split at any blank.
    args = parts.length === 1 ? words(parts[0]!) : parts;
  } else {
    args = words(value);
  }
  if (args.length === 0) return { ok: false, problem: `${param} has no value` };
  return { ok: true, value: { key: param.toLowerCase(), args } };
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
