import { describe, expect, it } from 'vitest';
import { createResumeTriggers } from '../../main/app/resume-triggers';

function harness(initiallyOnline: boolean) {
  let now = 0;
  let online = initiallyOnline;
  let tick: (() => void) | null = null;
  let resumes = 0;
  const triggers = createResumeTriggers({
    resume: () => resumes++,
    isOnline: () => online,
    coalesceMs: 2000,
    now: () => now,
    setInterval: (fn) => ((tick = fn), 'timer'),
    clearInterval: () => (tick = null),
  });
  return {
    triggers,
    advance: (ms: number) => (now += ms),
    setOnline: (value: boolean) => ((online = value), tick?.()),
    get resumes() {
      return resumes;
    },
    get polling() {
      return tick !== null;
    },
  };
}

describe('resume triggers', () => {
  it('resumes on a wake event', () => {
    const h = harness(true);
    h.triggers.poke();
    expect(h.resumes).toBe(1);
  });

  it('folds resume and unlock arriving together into one', () => {
    const h = harness(true);
    h.triggers.poke();
    h.advance(500);
    h.triggers.poke();
    expect(h.resumes).toBe(1);
    h.advance(2000);
    h.triggers.poke();
    expect(h.resumes).toBe(2);
  });

  it('resumes when the network comes back, not while it stays up or down', () => {
    const h = harness(true);
    h.setOnline(true);
    expect(h.resumes).toBe(0);
    h.setOnline(false);
    h.setOnline(false);
    expect(h.resumes).toBe(0);
    h.setOnline(true);
    expect(h.resumes).toBe(1);
  });

  it('resumes when it starts offline and the network arrives', () => {
    const h = harness(false);
    h.setOnline(true);
    expect(h.resumes).toBe(1);
  });

  it('stops polling when disposed', () => {
    const h = harness(true);
    h.triggers.dispose();
    expect(h.polling).toBe(false);
  });
});
