/**
 * When to tell every session "check your link now": the machine woke, the screen was
 * unlocked, or the network came back. Sleep and unlock usually fire together, and a flaky
 * network flips back and forth, so triggers close together are coalesced into one resume.
 * Timers are injected so this is unit-tested with fake time and no Electron.
 */

export interface ResumeTriggers {
  /** A wake or unlock event, or anything else that means "the world may have changed". */
  poke(): void;
  dispose(): void;
}

export interface ResumeTriggerOptions {
  /** Called once per burst of triggers. */
  readonly resume: () => void;
  /** Whether the machine has a network connection (Electron's net.isOnline in the app). */
  readonly isOnline: () => boolean;
  /** How often to look at isOnline; an offline -> online edge is a trigger. */
  readonly pollMs?: number;
  /** Triggers within this window of the last resume are folded into it. */
  readonly coalesceMs?: number;
  readonly now?: () => number;
  readonly setInterval?: (fn: () => void, ms: number) => unknown;
  readonly clearInterval?: (handle: unknown) => void;
}

export function createResumeTriggers(options: ResumeTriggerOptions): ResumeTriggers {
  const pollMs = options.pollMs ?? 3000;
  const coalesceMs = options.coalesceMs ?? 2000;
  const now = options.now ?? Date.now;
  const every = options.setInterval ?? ((fn: () => void, ms: number) => setInterval(fn, ms).unref());
  const stop = options.clearInterval ?? ((handle: unknown) => clearInterval(handle as NodeJS.Timeout));

  let lastResume = Number.NEGATIVE_INFINITY;
  let online = options.isOnline();
  const poke = (): void => {
    const at = now();
    if (at - lastResume < coalesceMs) return;
    lastResume = at;
    options.resume();
  };
  const timer = every(() => {
    const current = options.isOnline();
    if (current && !online) poke();
    online = current;
  }, pollMs);
  return { poke, dispose: () => stop(timer) };
}
