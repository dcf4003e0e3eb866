import { describe, expect, it } from 'vitest';
import { parseActivity, type JupyterActivity } from '../../main/jupyter/activity';
import { idleSettings, observe, type ActivitySample, type IdleDecision, type IdleState } from '../../main/session/idle-stop-state';

/**
 * Answers recorded from Debian 12's notebook 6.4.12 and jupyter_server 1.23.3 (one kernel
 * just started, no browser attached), and jupyter_server 2.x's documented shape, which
 * writes `+00:00` where the older ones write `Z`.
 */
const RECORDED = {
  notebook6: {
    status: { connections: 0, kernels: 1, last_activity: '2026-12-06T13:08:08.536736Z', started: '2026-12-06T13:08:05.146602Z' },
    kernels: [{ id: '102c7001-e8f9-42f8-bc5c-e68e698394a5', name: 'python3', last_activity: '2026-12-06T13:08:08.536736Z', execution_state: 'starting', connections: 0 }],
  },
  server1: {
    status: { connections: 0, kernels: 1, last_activity: '2026-12-06T13:08:16.936139Z', started: '2026-12-06T13:08:12.259041Z' },
    kernels: [{ id: '9c8b202b-6b97-4bd6-abb1-08401c93b8db', name: 'python3', last_activity: '2026-12-06T13:08:16.936139Z', execution_state: 'starting', connections: 0 }],
  },
  server2: {
    status: { connections: 2, kernels: 2, last_activity: '2026-12-06T14:00:00.000001+00:00', started: '2026-12-06T13:00:00+00:00' },
    kernels: [
      { id: 'a', name: 'python3', last_activity: '2026-12-06T14:00:00.000001+00:00', execution_state: 'busy', connections: 1 },
      { id: 'b', name: 'ir', last_activity: '2026-12-06T13:30:00+00:00', execution_state: 'idle', connections: 1 },
    ],
  },
};

describe("Jupyter's activity answers", () => {
  it('reads notebook 6 and jupyter_server 1.x as recorded', () => {
    expect(parseActivity(RECORDED.notebook6.status, RECORDED.notebook6.kernels)).toEqual({ lastActivity: Date.parse('2026-12-06T13:08:08.536Z'), busyKernels: 0, connections: 0, kernels: 1 });
    expect(parseActivity(RECORDED.server1.status, RECORDED.server1.kernels)).toEqual({ lastActivity: Date.parse('2026-12-06T13:08:16.936Z'), busyKernels: 0, connections: 0, kernels: 1 });
  });

  it('reads jupyter_server 2.x: busy kernels, connections, and +00:00 times', () => {
    expect(parseActivity(RECORDED.server2.status, RECORDED.server2.kernels)).toEqual({ lastActivity: Date.parse('2026-12-06T14:00:00.000Z'), busyKernels: 1, connections: 2, kernels: 2 });
  });

  it('takes a missing field as nothing to report, and a zone-less time as UTC', () => {
    expect(parseActivity({}, [])).toEqual({ lastActivity: null, busyKernels: 0, connections: 0, kernels: 0 });
    expect(parseActivity(null, 'nonsense')).toEqual({ lastActivity: null, busyKernels: 0, connections: 0, kernels: 0 });
    // An older server: no last_activity per kernel, no connections anywhere.
    expect(parseActivity({ last_activity: '2026-12-06T13:00:00.5' }, [{ id: 'k', execution_state: 'busy' }, 42])).toEqual({ lastActivity: Date.parse('2026-12-06T13:00:00.500Z'), busyKernels: 1, connections: 0, kernels: 1 });
    expect(parseActivity({ last_activity: 'yesterday', connections: -3, kernels: 'two' }, [])).toEqual({ lastActivity: null, busyKernels: 0, connections: 0, kernels: 0 });
  });
});

describe('idle auto-stop decisions (controllable clock)', () => {
  const MIN = 60_000;
  const settings = idleSettings(30); // stop after 30 idle minutes, warn 5 minutes ahead
  const quiet: JupyterActivity = { lastActivity: 1_000, busyKernels: 0, connections: 0, kernels: 1 };

  /** Samples at the given minutes; returns every decision. */
  function run(samples: readonly (Partial<JupyterActivity> & { minute: number })[], from: IdleState | null = null): { decisions: IdleDecision['kind'][]; state: IdleState | null; all: IdleDecision[] } {
    let state = from;
    const all: IdleDecision[] = [];
    for (const { minute, ...activity } of samples) {
      const sample: ActivitySample = { ...quiet, ...activity, at: minute * MIN };
      const result = observe(state, sample, settings);
      state = result.state;
      all.push(result.decision);
    }
    return { decisions: all.map((d) => d.kind), state, all };
  }

  it('warns 5 minutes before the limit with the stop time, then stops at the limit', () => {
    const { decisions, all, state } = run([{ minute: 0 }, { minute: 10 }, { minute: 24 }, { minute: 25 }, { minute: 27 }, { minute: 30 }]);
    expect(decisions).toEqual(['none', 'none', 'none', 'warn', 'none', 'stop']);
    expect(all[3]).toEqual({ kind: 'warn', idleSince: 0, stopAt: 30 * MIN });
    expect(all[5]).toEqual({ kind: 'stop', idleSince: 0 });
    expect(state).toEqual({ kind: 'stopping', idleSince: 0 });
  });

  it('a poll that comes late still warns before it stops only if there is time; past the limit it stops', () => {
    expect(run([{ minute: 0 }, { minute: 31 }]).decisions).toEqual(['none', 'stop']);
  });

  it.each<[string, Partial<JupyterActivity>, Partial<JupyterActivity>]>([
    ['a kernel runs a cell', { busyKernels: 1 }, {}],
    ['a notebook tab is attached', { connections: 1 }, {}],
    ["Jupyter's last activity moved (a cell ran and finished between polls)", { lastActivity: 2_000 }, { lastActivity: 2_000 }],
  ])('activity cancels a warning: %s; the idle time starts over', (_label, activity, after) => {
    const { decisions, all } = run([{ minute: 0 }, { minute: 26 }, { minute: 28, ...activity }, { minute: 30, ...after }, { minute: 53, ...after }, { minute: 58, ...after }]);
    expect(decisions).toEqual(['none', 'warn', 'cancel', 'none', 'warn', 'stop']);
    expect(all[4]).toEqual({ kind: 'warn', idleSince: 28 * MIN, stopAt: 58 * MIN });
  });

  it('activity without a warning out resets quietly', () => {
    expect(run([{ minute: 0 }, { minute: 20, busyKernels: 1 }, { minute: 30 }, { minute: 44 }, { minute: 45 }]).decisions).toEqual(['none', 'none', 'none', 'none', 'warn']);
  });

  it("compares Jupyter's times only with each other: a VM clock hours off changes nothing", () => {
    const skewed = { lastActivity: Date.UTC(2001, 0, 1) };
    expect(run([{ minute: 0, ...skewed }, { minute: 25, ...skewed }, { minute: 30, ...skewed }]).decisions).toEqual(['none', 'warn', 'stop']);
  });

  it('once stopping, nothing changes it', () => {
    const { state } = run([{ minute: 0 }, { minute: 30 }]);
    expect(run([{ minute: 31, busyKernels: 3 }], state)).toMatchObject({ decisions: ['none'], state: { kind: 'stopping' } });
  });

  it('short limits warn halfway', () => {
    expect(idleSettings(5)).toEqual({ idleMs: 5 * MIN, warnBeforeMs: 2.5 * MIN });
    expect(idleSettings(60)).toEqual({ idleMs: 60 * MIN, warnBeforeMs: 5 * MIN });
  });
});
