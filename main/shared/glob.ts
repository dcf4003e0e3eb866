/**
 * The one glob matcher: OpenSSH's host patterns (known_hosts, ssh_config `Host`) and, with
 * `classes`, the file-name patterns of ssh_config `Include` (glob(3): `[a-z]`, `[!x]`).
 *
 * `*` matches any run of characters, `?` exactly one. Matching is greedy with a single
 * backtrack point (the last `*`), so it takes at worst O(text × pattern) steps: OpenSSH's
 * recursive match_pattern and a regex with `.*` per star are exponential on patterns such
 * as `a*a*a*a*...c`. Negation (`!pattern`) is a list-level rule and stays with the callers.
 */

export interface GlobOptions {
  /** Compare ASCII letters regardless of case, as OpenSSH lowercases host names. */
  readonly ignoreCase?: boolean;
  /** Understand bracket classes `[abc]`, `[a-z]`, `[!a-z]` / `[^a-z]` (file globs); otherwise `[` is literal. */
  readonly classes?: boolean;
}

/** A pattern that cannot be matched, such as the reversed range in `conf[z-a]`. */
export class GlobPatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly problem: string,
  ) {
    super(`${pattern}: ${problem}`);
    this.name = 'GlobPatternError';
  }
}

type Token =
  | { readonly kind: 'star' }
  | { readonly kind: 'one' }
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'class'; readonly negated: boolean; readonly ranges: readonly (readonly [string, string])[] };

/** ASCII-only lowercasing, like C's tolower(): Unicode case mapping could change lengths. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Compiles `pattern` once for many names; throws GlobPatternError for an unusable class. */
export function compileGlob(pattern: string, options: GlobOptions = {}): (text: string) => boolean {
  const fold = options.ignoreCase ? asciiLower : (text: string) => text;
  const tokens = tokenize(fold(pattern), options.classes === true, pattern);
  return (text) => matchTokens(tokens, fold(text));
}

/** True when all of `text` matches `pattern`. */
export function globMatches(text: string, pattern: string, options: GlobOptions = {}): boolean {
  return compileGlob(pattern, options)(text);
}

function tokenize(pattern: string, classes: boolean, original: string): Token[] {
  const tokens: Token[] = [];
  // A class can only end at a `]`; with none left, every later `[` is literal without looking
  // (looking from each of 10 000 `[` to the end was quadratic: seconds on one Include line).
  const lastClose = pattern.lastIndexOf(']');
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*') {
      // Runs of stars match what one star matches; folding them keeps the token list short.
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (char === '?') {
      tokens.push({ kind: 'one' });
    } else if (char === '[' && classes) {
      const parsed = i < lastClose ? parseClass(pattern, i, original) : null;
      if (parsed === null) tokens.push({ kind: 'char', char });
      else {
        tokens.push(parsed.token);
        i = parsed.end;
      }
    } else {
      tokens.push({ kind: 'char', char });
    }
  }
  return tokens;
}

/** A bracket class starting at `open`, or null when it is never closed (then `[` is literal, as in glob(3)). */
function parseClass(pattern: string, open: number, original: string): { token: Token; end: number } | null {
  let i = open + 1;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  const ranges: [string, string][] = [];
  // A ']' right after the opening (and its negation) is a member, not the end.
  for (let first = true; i < pattern.length; first = false) {
    const char = pattern[i]!;
    if (char === ']' && !first) return { token: { kind: 'class', negated, ranges }, end: i };
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      const to = pattern[i + 2]!;
      if (to < char) throw new GlobPatternError(original, `the range ${char}-${to} runs backwards`);
      ranges.push([char, to]);
      i += 3;
    } else {
      ranges.push([char, char]);
      i += 1;
    }
  }
  return null;
}

function tokenMatches(token: Token, char: string): boolean {
  switch (token.kind) {
    case 'one':
      return true;
    case 'char':
      return token.char === char;
    case 'class':
      return token.ranges.some(([from, to]) => char >= from && char <= to) !== token.negated;
    case 'star':
      return false;
  }
}

function matchTokens(tokens: readonly Token[], text: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const token = tokens[p];
    if (token?.kind === 'star') {
      starP = p++;
      starT = t;
    } else if (token !== undefined && tokenMatches(token, text[t]!)) {
      t++;
      p++;
    } else if (starP !== -1) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (tokens[p]?.kind === 'star') p++;
  return p === tokens.length;
}
