/**
 * What every fuzzer shares: hostile mutations (oversized numbers, oversized lengths,
 * repetition) on top of each fuzzer's own, and a per-input bound on CPU time. Seeded through
 * test/support/prng.ts, so a failure replays.
 */
import { expect } from 'vitest';

export type Random = () => number;

const int = (rnd: Random, max: number) => Math.floor(rnd() * max);

/** Numbers far outside any field's range: huge digit runs, exponents, negative and hex forms. */
export function oversizedNumber(rnd: Random): string {
  switch (int(rnd, 6)) {
    case 0:
      return '9'.repeat(20 + int(rnd, 5_000));
    case 1:
      return `1e${300 + int(rnd, 100_000)}`;
    case 2:
      return `-${'9'.repeat(20 + int(rnd, 400))}`;
    case 3:
      return `0x${'f'.repeat(16 + int(rnd, 4_000))}`;
    case 4:
      return String(2 ** 53 + int(rnd, 1_000));
    default:
      return `${'0'.repeat(int(rnd, 2_000))}${int(rnd, 65_536 * 4)}`;
  }
}

/** Inputs past this size are left as they are: bigger proves nothing more and only costs time. */
const MAX_INPUT = 2_000_000;

/** One hostile change to `text`: a number swapped for an oversized one, a field grown huge, a piece repeated. */
export function hostileMutation(rnd: Random, text: string): string {
  if (text.length > MAX_INPUT) return text;
  const at = int(rnd, text.length + 1);
  switch (int(rnd, 5)) {
    case 0: {
      // Replace the first number at or after `at` (or insert one) with an oversized one.
      const match = /\d+/.exec(text.slice(at));
      if (match === null) return text.slice(0, at) + oversizedNumber(rnd) + text.slice(at);
      const start = at + match.index;
      return text.slice(0, start) + oversizedNumber(rnd) + text.slice(start + match[0].length);
    }
    case 1:
      // An oversized length: one character or a short run, thousands of times.
      return text.slice(0, at) + (text[at] ?? 'A').repeat(1_000 + int(rnd, 100_000)) + text.slice(at);
    case 2: {
      // Repetition: a slice of the input (a line, a block) repeated many times.
      const length = 1 + int(rnd, Math.min(400, Math.max(1, text.length - at)));
      const piece = text.slice(at, at + length) || text;
      const times = 2 + int(rnd, Math.max(2, Math.floor(200_000 / Math.max(1, piece.length))));
      return text.slice(0, at) + piece.repeat(times) + text.slice(at);
    }
    case 3: {
      // Whole lines repeated: many hosts, many sessions, many entries.
      const lines = text.split('\n');
      const line = lines[int(rnd, lines.length)] ?? '';
      // Bounded so stacked mutations stay around a megabyte, the size of a real (huge) file.
      const times = Math.max(2, Math.min(100 + int(rnd, 5_000), Math.floor(1_000_000 / (line.length + 1))));
      return [...lines, ...Array.from({ length: times }, () => line)].join('\n');
    }
    default:
      // Metacharacters repeated: stars, brackets, quotes, backslashes, percent signs.
      return text.slice(0, at) + ['*', '?', '[', '{', '"', '\\', '%', ',', '!', '['.repeat(2) + 'a-'].at(int(rnd, 10))!.repeat(10 + int(rnd, 20_000)) + text.slice(at);
  }
}

/**
 * CPU time this process has used so far, in ms: every thread of it (the key worker's,
 * libuv's file-system threads), not other processes.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1_000;
}

/**
 * Times each input of one fuzzer. `run` measures one input; `finish` prints the count and
 * the slowest input once, and fails naming the input if any took longer than `boundMs`.
 *
 * The bound is on the CPU time the input cost, not on wall time: on a loaded machine (CI's
 * two cores running two test files, Chromium and Jupyter at once) a 50 ms input can wait
 * seconds for a core, while a parser that really backtracks or loops burns its CPU time
 * wherever it runs. Inputs run one at a time, so the process's CPU time across one input is
 * that input's (plus a little of the test runner's own, well inside the bound).
 */
export class InputTimer {
  #count = 0;
  #slowestMs = 0;
  #slowestWallMs = 0;
  #slowestLabel = '';
  readonly #overBound: string[] = [];

  constructor(
    readonly name: string,
    readonly boundMs = 1_000,
  ) {}

  /** `boundMs` overrides the bound for this input (for work a file may legitimately ask for, such as a KDF within Porthole's caps). */
  async run<T>(label: string | (() => string), input: () => T | Promise<T>, boundMs = this.boundMs): Promise<T> {
    const started = { cpu: cpuMs(), wall: performance.now() };
    try {
      return await input();
    } finally {
      this.#record(label, started, boundMs);
    }
  }

  runSync<T>(label: string | (() => string), input: () => T): T {
    const started = { cpu: cpuMs(), wall: performance.now() };
    try {
      return input();
    } finally {
      this.#record(label, started, this.boundMs);
    }
  }

  #record(label: string | (() => string), started: { cpu: number; wall: number }, boundMs: number): void {
    const ms = cpuMs() - started.cpu;
    const wallMs = performance.now() - started.wall;
    this.#count += 1;
    const name = () => (typeof label === 'string' ? label : label()).slice(0, 300);
    if (ms > this.#slowestMs) {
      this.#slowestMs = ms;
      this.#slowestWallMs = wallMs;
      this.#slowestLabel = name();
    }
    if (ms > boundMs) this.#overBound.push(`${name()} took ${Math.round(ms)} ms of CPU (bound ${boundMs} ms; ${Math.round(wallMs)} ms wall)`);
  }

  get count(): number {
    return this.#count;
  }

  finish(): void {
    console.log(`fuzz ${this.name}: ${this.#count} inputs, slowest ${this.#slowestMs.toFixed(1)} ms CPU, ${this.#slowestWallMs.toFixed(1)} ms wall (${this.#slowestLabel.slice(0, 80)})`);
    expect(this.#overBound, `inputs over their CPU-time bound in ${this.name}`).toEqual([]);
  }
}

/** Generic text damage for line-based formats, with the hostile mutations among them. */
export function mutateText(rnd: Random, text: string, alphabet: readonly string[]): string {
  const at = int(rnd, text.length + 1);
  switch (int(rnd, 7)) {
    case 0:
    case 1:
      return hostileMutation(rnd, text);
    case 2:
      return text.slice(0, at) + text.slice(at + 1 + int(rnd, 40));
    case 3:
      return text.slice(0, at) + alphabet[int(rnd, alphabet.length)]! + text.slice(at);
    case 4:
      return text.slice(0, at);
    case 5: {
      const lines = text.split('\n');
      const a = int(rnd, lines.length);
      const b = int(rnd, lines.length);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    default: {
      const length = 1 + int(rnd, 60);
      return text.slice(0, at) + text.slice(at, at + length) + text.slice(at);
    }
  }
}

/** One to `max` mutations stacked. */
export function mutateTextStacked(rnd: Random, text: string, alphabet: readonly string[], max = 3): string {
  let result = text;
  for (let n = 1 + int(rnd, max); n > 0; n--) result = mutateText(rnd, result, alphabet);
  return result;
}
