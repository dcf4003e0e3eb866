/** The one glob matcher (main/shared/glob.ts) behind known_hosts, ssh_config Host and Include. */
import { describe, expect, it } from 'vitest';
import { GlobPatternError, compileGlob, globMatches } from '../../main/shared/glob';

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
    const cases: [string, string][] = [
      [`${'a'.repeat(39)}b`, `${'a*'.repeat(10)}c`],
      ['a'.repeat(10_000), `${'*a'.repeat(500)}b`],
      ['a'.repeat(5_000), `${'?*'.repeat(1_000)}b`],
    ];
    for (const [text, pattern] of cases) {
      const started = performance.now();
      expect(globMatches(text, pattern)).toBe(false);
      expect(performance.now() - started, pattern.slice(0, 20)).toBeLessThan(1_000);
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
    const pattern = `config.d/*.con${'['.repeat(20_000)}f`;
    const started = performance.now();
    const matches = compileGlob(pattern, { classes: true });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(matches(`config.d/a.con${'['.repeat(20_000)}f`)).toBe(true);
    expect(matches('config.d/a.conf')).toBe(false);
  });

  it('refuses a backwards range with a GlobPatternError naming it', () => {
    expect(() => compileGlob('conf[z-a]', { classes: true })).toThrow(GlobPatternError);
    expect(() => compileGlob('conf[z-a]', { classes: true })).toThrow(/z-a runs backwards/);
    // Without classes the same text is plain characters.
    expect(compileGlob('conf[z-a]')('conf[z-a]')).toBe(true);
  });
});
