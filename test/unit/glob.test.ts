/** The one glob matcher (main/shared/glob.ts) behind known_hosts, ssh_config Host and Include. */
import { describe, expect, it } from 'vitest';
import { GlobPatternError, compileGlob, globMatches } from '../../main/shared/glob';

/**
 * `text` as a String object whose characters may be read by index (`text[i]`, how the glob
 * code walks a pattern) at most `budget` times in all, so a test bounds the work done on it
 * rather than the time, and work past the bound stops at once instead of running on.
 */
function readBudget(text: string, budget: number): { text: string; reads: () => number } {
  let reads = 0;
  const counted = new Proxy(new String(text), {
    get(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key) && ++reads > budget) throw new Error(`read more than ${budget} characters of a ${text.length}-character text`);
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { text: counted as unknown as string, reads: () => reads };
}

describe('globMatches: host patterns', () => {
  it.each([
    ['gpu-1', 'gpu-*', true],
    ['gpu-', 'gpu-*', true],
    ['gpu', 'gpu-*', false],
    ['gpu-1', 'gpu-?', true],
    ['gpu-12', 'gpu-?', false],
    ['a.example.com', '*.example.com', true],
    ['example.com', '*.example.com', false],
    ['abc', '*', true],
    ['', '*', true],
    ['', '', true],
    ['a', '', false],
    ['x*y', 'x*y', true],
    ['x*', '*\\*', false],
    ['[a]', '[a]', true],
    ['a', '[a]', false],
    ['abcabd', '*abd', true],
    ['mississippi', 'm*iss*pi', true],
    ['mississippi', 'm*iss*px', false],
  ])('%j against %j is %s', (text, pattern, expected) => {
    expect(globMatches(text, pattern)).toBe(expected);
  });

  it('compares ASCII letters regardless of case only when asked', () => {
    expect(globMatches('GPU-1', 'gpu-*')).toBe(false);
    expect(globMatches('GPU-1', 'gpu-*', { ignoreCase: true })).toBe(true);
    expect(globMatches('gpu-1', 'GPU-?', { ignoreCase: true })).toBe(true);
  });

  it('takes linear time on patterns that make backtracking matchers explode', () => {
    // A backtracking matcher takes exponential steps on these (the first took 42 s). Work
    // counted, not timed: the linear matcher reads each character of the text at most a few
    // times, and a matcher past that budget stops at once.
    const cases: [string, string][] = [
      [`${'a'.repeat(39)}b`, `${'a*'.repeat(10)}c`],
      ['a'.repeat(10_000), `${'*a'.repeat(500)}b`],
      ['a'.repeat(5_000), `${'?*'.repeat(1_000)}b`],
    ];
    for (const [text, pattern] of cases) {
      const counted = readBudget(text, 4 * text.length);
      expect(globMatches(counted.text, readBudget(pattern, 4 * pattern.length).text), pattern.slice(0, 20)).toBe(false);
      expect(counted.reads(), pattern.slice(0, 20)).toBeGreaterThanOrEqual(text.length);
    }
  });
});

describe('compileGlob with classes: Include file names', () => {
  it.each([
    ['conf-a', 'conf-[abc]', true],
    ['conf-d', 'conf-[abc]', false],
    ['conf-q', 'conf-[a-z]', true],
    ['conf-Q', 'conf-[a-z]', false],
    ['conf-q', 'conf-[!a-z]', false],
    ['conf-1', 'conf-[!a-z]', true],
    ['conf-1', 'conf-[^a-z]', true],
    ['conf-]', 'conf-[]]', true],
    ['conf-[', 'conf-[', true],
    ['conf--', 'conf-[a-]', true],
    ['x.conf', '*.[ch]onf', true],
  ])('%j against %j is %s', (text, pattern, expected) => {
    expect(compileGlob(pattern, { classes: true })(text)).toBe(expected);
  });

  it('compiles a pattern of thousands of unclosed "[" in linear time (each used to look for its "]" to the end)', () => {
    const brackets = '['.repeat(20_000);
    // Work counted, not timed: about one read per character, where looking from every "[" to
    // the end read 2 * 10^8 of them (the budget stops that at once).
    const pattern = readBudget(`config.d/*.con${brackets}f`, 4 * brackets.length);
    const matches = compileGlob(pattern.text, { classes: true });
    expect(pattern.reads()).toBeGreaterThanOrEqual(brackets.length);
    expect(matches(`config.d/a.con${brackets}f`)).toBe(true);
    expect(matches('config.d/a.conf')).toBe(false);
  });

  it('refuses a backwards range with a GlobPatternError naming it', () => {
    expect(() => compileGlob('conf[z-a]', { classes: true })).toThrow(GlobPatternError);
    expect(() => compileGlob('conf[z-a]', { classes: true })).toThrow(/z-a runs backwards/);
    // Without classes the same text is plain characters.
    expect(compileGlob('conf[z-a]')('conf[z-a]')).toBe(true);
  });
});
