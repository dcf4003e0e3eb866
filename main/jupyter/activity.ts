/**
 * What a Jupyter server says about its own activity, read from two of its REST answers:
 *  - GET /api/status -> {started, last_activity, kernels, connections}; last_activity is the
 *    latest of the server's start, any kernel message and any tracked API request;
 *  - GET /api/kernels -> [{id, name, last_activity, execution_state, connections}].
 * The same shapes in notebook 6, jupyter_server 1.x and 2.x; older servers leave fields
 * out, and a missing field counts as "nothing to report", never as an error.
 *
 * Pure: the fetching is the idle watcher's (main/session/idle-watcher.ts).
 */

export interface JupyterActivity {
  /** The latest activity the server reports (epoch ms, the server's clock); null when none. */
  readonly lastActivity: number | null;
  /** Kernels running a cell right now (execution_state "busy"). */
  readonly busyKernels: number;
  /** Open kernel connections (browser tabs with a notebook attached, consoles). */
  readonly connections: number;
  readonly kernels: number;
}

/**
 * The request paths. Listing kernels is itself an API request that Jupyter counts as
 * activity unless told not to (`no_track_activity`, notebook >= 5.6 and every
 * jupyter_server): without it the watcher would keep the VM awake forever. /api/status
 * is never tracked.
 */
export const STATUS_PATH = 'api/status';
export const KERNELS_PATH = 'api/kernels?no_track_activity=1';

/** Jupyter writes UTC without a zone in some versions; Date.parse would read that as local time. */
function parseTime(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const time = Date.parse(zoned);
  return Number.isFinite(time) ? time : null;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function latest(times: readonly (number | null)[]): number | null {
  const known = times.filter((time): time is number => time !== null);
  return known.length === 0 ? null : Math.max(...known);
}

/** Both answers (already JSON-decoded) as one reading; `kernels` may be null when that request failed. */
export function parseActivity(status: unknown, kernels: unknown): JupyterActivity {
  const s = typeof status === 'object' && status !== null ? (status as Record<string, unknown>) : {};
  const list = Array.isArray(kernels) ? kernels.filter((k): k is Record<string, unknown> => typeof k === 'object' && k !== null) : [];
  return {
    lastActivity: latest([parseTime(s['last_activity']), ...list.map((k) => parseTime(k['last_activity']))]),
    busyKernels: list.filter((k) => k['execution_state'] === 'busy').length,
    // /api/status sums the kernels' connections; take the larger, in case one of them lacks the field.
    connections: Math.max(count(s['connections']), list.reduce((sum, k) => sum + count(k['connections']), 0)),
    kernels: Math.max(count(s['kernels']), list.length),
  };
}
