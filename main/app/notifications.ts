/**
 * Which OS notifications a change of session snapshots deserves: a notebook became ready,
 * a connection was lost, came back, or failed; and for a cloud host, its VM did not start,
 * idle auto-stop warned (with its count-down), was called off, or the VM was stopped.
 * Computed from the previous and the next snapshot so an unchanged (or merely re-sent)
 * snapshot never notifies twice. Whether to show them at all (the setting, a focused
 * window) is the shell's call.
 */
import type { CloudSessionView, NoticeView, SessionStateView, SessionView } from '../ipc/contract';
import type { IdleEvent } from '../session/idle-watcher';
import { usd } from './money';

export interface SessionNotification {
  readonly title: string;
  readonly body: string;
  readonly host: string;
}

/** `now`: this computer's clock, for the idle count-down's minutes. */
export function notificationsFor(previous: readonly SessionView[], next: readonly SessionView[], now: number = Date.now()): SessionNotification[] {
  const before = new Map(previous.map((session) => [session.host, session]));
  const out: SessionNotification[] = [];
  for (const session of next) {
    const earlier = before.get(session.host) ?? null;
    const note = transition(earlier?.state ?? null, session);
    if (note !== null) out.push(note);
    if (session.cloud !== null) out.push(...cloudTransitions(earlier?.cloud ?? null, session.cloud, session.host, now));
  }
  return out;
}

function transition(previous: SessionStateView | null, session: SessionView): SessionNotification | null {
  const { host, state } = session;
  if (previous?.kind === state.kind) return null;
  switch (state.kind) {
    case 'ready': {
      const back = previous?.kind === 'reconnecting' || state.reconnected;
      if (back) return { host, title: `${host} reconnected`, body: 'The connection is back; your notebook and forwards work again.' };
      if (session.mode === 'notebook' && state.notebook !== null) {
        return { host, title: `Jupyter is ready on ${host}`, body: `Your notebook is at ${state.notebook.url}.` };
      }
      return { host, title: `Connected to ${host}`, body: `${state.forwards.length === 1 ? 'The forward is' : 'The forwards are'} up.` };
    }
    case 'reconnecting':
      // Only a link that was up can be "lost"; a retry while still connecting is not news.
      if (previous?.kind !== 'ready') return null;
      return { host, title: `Connection to ${host} lost`, body: `${state.error.message} Porthole is reconnecting.` };
    case 'failed': {
      const body = state.error.hint ? `${state.error.message} ${state.error.hint}` : state.error.message;
      // The VM never came up: say so in those words, not as a connection failure.
      if (previous?.kind === 'starting-vm') return { host, title: `The VM of ${host} did not start`, body };
      if (previous?.kind === 'waiting-for-ssh') return { host, title: `The VM of ${host} runs, but SSH did not answer`, body };
      return { host, title: `${host} failed`, body };
    }
    default:
      return null;
  }
}

/** Idle auto-stop and Porthole stopping the VM, as they change between two snapshots. */
function cloudTransitions(previous: CloudSessionView | null, cloud: CloudSessionView, host: string, now: number): SessionNotification[] {
  const out: SessionNotification[] = [];
  const warnedBefore = previous?.idle?.stopAt ?? null;
  const warnedNow = cloud.idle?.stopAt ?? null;
  if (warnedNow !== null && warnedNow !== warnedBefore) {
    const minutes = Math.max(1, Math.round((warnedNow - now) / 60_000));
    out.push({
      host,
      title: `${host} will be stopped in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      body: 'Jupyter on this VM has been idle. Run something (or open the notebook) to keep it; otherwise Porthole disconnects and stops the VM so it stops costing money.',
    });
  } else if (warnedNow === null && warnedBefore !== null && cloud.vmStop.kind === 'none') {
    out.push({ host, title: `${host} stays on`, body: 'Jupyter is in use again; the idle stop is off.' });
  }
  const stop = cloud.vmStop;
  if (stop.kind !== (previous?.vmStop.kind ?? 'none')) {
    const verb = cloud.provider === 'aws' ? 'stop' : 'deallocate';
    const spent = cloud.costSoFar === null ? '' : ` It ran for about ${usd(cloud.costSoFar)} this time.`;
    if (stop.kind === 'stopped') {
      out.push({
        host,
        title: stop.reason === 'idle' ? `${host} was stopped` : `The VM of ${host} is stopping`,
        body: `${stop.reason === 'idle' ? 'Jupyter was idle, so Porthole disconnected and asked' : 'You disconnected, so Porthole asked'} ${cloud.provider === 'aws' ? 'AWS' : 'Azure'} to ${verb} the VM; it no longer costs compute once stopped.${spent}`,
      });
    } else if (stop.kind === 'failed') {
      out.push({ host, title: `The VM of ${host} could not be stopped`, body: `${stop.error.message} The VM keeps running (and costing money) until you stop it in the cloud console.` });
    }
  }
  return out;
}

/**
 * What idle auto-stop tells the user: the warning (its `stopAt` drives a count-down where
 * the shell can show one), the all-clear, and the outcome. null: nothing worth a notice.
 */
export function idleNotice(host: string, event: IdleEvent): Omit<NoticeView, 'id'> | null {
  switch (event.kind) {
    case 'idle-warning': {
      const minutes = Math.max(1, Math.round((event.stopAt - event.at) / 60_000));
      return { level: 'warning', host, title: `${host} will be stopped in ${minutes} minute${minutes === 1 ? '' : 's'}`, body: 'Jupyter on this VM has been idle. Run something (or open the notebook) to keep it; otherwise Porthole disconnects and stops the VM so it stops costing money.' };
    }
    case 'idle-cancelled':
      return { level: 'info', host, title: `${host} stays on`, body: 'Jupyter is in use again; the idle stop is off.' };
    case 'idle-stopped':
      return { level: 'info', host, title: `${host} was stopped`, body: 'Jupyter was idle, so Porthole disconnected and asked the cloud to stop the VM. Launch it again when you need it.' };
    case 'idle-stop-failed':
      return { level: 'error', host, title: `${host} could not be stopped`, body: `${event.error.message} The VM keeps running (and costing money) until you stop it in the cloud console.` };
    case 'idle-stopping':
      return null;
  }
}
