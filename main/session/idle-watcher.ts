/**
 * Idle auto-stop, carried out: polls Jupyter's /api/status and /api/kernels through the
 * session's local forward (the token goes in a header, never in a URL or a log line),
 * feeds each answer to the decision in idle-stop-state.ts, tells the host what it decided
 * (a warning with the stop time for a count-down, its cancellation), and when the time
 * comes stops the VM through the function it was given, once.
 */
import { KERNELS_PATH, parseActivity, STATUS_PATH, type JupyterActivity } from '../jupyter/activity';
import { toErrorInfo, type PortholeErrorInfo } from '../shared/errors';
import { observe, type IdleSettings, type IdleState } from './idle-stop-state';

export type IdleEvent =
  /** `at`: when it was decided, on the watcher's clock (stopAt - at is the count-down). */
  | { readonly kind: 'idle-warning'; readonly idleSince: number; readonly stopAt: number; readonly at: number }
  | { readonly kind: 'idle-cancelled' }
  | { readonly kind: 'idle-stopping'; readonly idleSince: number }
  | { readonly kind: 'idle-stopped' }
  | { readonly kind: 'idle-stop-failed'; readonly error: PortholeErrorInfo };

/** Where the notebook's API answers now (through the local forward), and its token; null while it does not. */
export type JupyterApi = () => { readonly baseUrl: string; readonly token: string } | null;

export interface IdleWatcherOptions {
  readonly settings: IdleSettings;
  readonly api: JupyterApi;
  /** Stops (AWS) or deallocates (Azure) the VM; called at most once. */
  readonly stopMachine: () => Promise<void>;
  readonly onEvent: (event: IdleEvent) => void;
  /** Between polls (default 30 s; the decision's resolution). */
  readonly pollMs?: number;
  /** This computer's clock (tests drive it). */
  readonly now?: () => number;
}

export class IdleWatcher {
  private state: IdleState | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private disposed = false;
  private readonly now: () => number;

  constructor(private readonly options: IdleWatcherOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Polls every pollMs until disposed or the VM was stopped. */
  start(): void {
    if (this.disposed || this.timer !== null) return;
    const tick = () => {
      this.timer = setTimeout(() => void this.pollOnce().finally(() => !this.disposed && this.state?.kind !== 'stopping' && tick()), this.options.pollMs ?? 30_000);
      this.timer.unref();
    };
    tick();
  }

  /** Since when the notebook is idle, and when the VM stops if a warning is out (for the screens). */
  status(): { readonly idleSince: number | null; readonly stopAt: number | null } {
    const state = this.state;
    if (state === null) return { idleSince: null, stopAt: null };
    return { idleSince: state.idleSince, stopAt: state.kind === 'watching' ? state.warnedStopAt : null };
  }

  /** One poll and its decision; concurrent calls share one. */
  pollOnce(): Promise<void> {
    this.polling ??= this.poll().finally(() => (this.polling = null));
    return this.polling;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    if (this.disposed || this.state?.kind === 'stopping') return;
    const activity = await this.sample();
    // Unknown is not idle: a failed poll decides nothing.
    if (activity === null || this.disposed) return;
    const at = this.now();
    const { state, decision } = observe(this.state, { ...activity, at }, this.options.settings);
    this.state = state;
    switch (decision.kind) {
      case 'warn':
        this.options.onEvent({ kind: 'idle-warning', idleSince: decision.idleSince, stopAt: decision.stopAt, at });
        return;
      case 'cancel':
        this.options.onEvent({ kind: 'idle-cancelled' });
        return;
      case 'stop':
        this.dispose();
        this.options.onEvent({ kind: 'idle-stopping', idleSince: decision.idleSince });
        try {
          await this.options.stopMachine();
          this.options.onEvent({ kind: 'idle-stopped' });
        } catch (error) {
          this.options.onEvent({ kind: 'idle-stop-failed', error: toErrorInfo(error) });
        }
        return;
      case 'none':
        return;
    }
  }

  /** Both answers, or null when either could not be read (without the kernel list a busy kernel would look idle). */
  private async sample(): Promise<JupyterActivity | null> {
    const api = this.options.api();
    if (api === null) return null;
    const get = async (path: string): Promise<unknown> => {
      const response = await fetch(new URL(path, api.baseUrl), { headers: { Authorization: `token ${api.token}` }, signal: AbortSignal.timeout(10_000) });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      return response.json();
    };
    const [status, kernels] = await Promise.all([get(STATUS_PATH).catch(() => null), get(KERNELS_PATH).catch(() => null)]);
    return status === null || kernels === null ? null : parseActivity(status, kernels);
  }
}
