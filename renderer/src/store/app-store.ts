/**
 * The renderer's only state from main: the last snapshot of each list, replaced whole when
 * main pushes an event. Screens read it through `useSyncExternalStore`, so nothing here
 * derives or caches engine state of its own.
 */
import type { AppInfo, HostView, KeyView, LogLineView, NoticeView, PortholeApi, PromptView, SessionView, SettingsView, StartedMachineView } from '../../../main/ipc/contract';

export interface AppSnapshot {
  /** Null until the first answer arrives, so screens can tell "loading" from "empty". */
  readonly appInfo: AppInfo | null;
  readonly hosts: readonly HostView[] | null;
  readonly keys: readonly KeyView[] | null;
  readonly sessions: readonly SessionView[];
  readonly prompts: readonly PromptView[];
  readonly settings: SettingsView | null;
  readonly logs: readonly LogLineView[];
  readonly notices: readonly NoticeView[];
  /** Cloud VMs Porthole started that still run (the cost warning). */
  readonly startedMachines: readonly StartedMachineView[];
  /** A list main failed to give, said once in the footer. */
  readonly loadError: string | null;
}

const EMPTY: AppSnapshot = {
  appInfo: null,
  hosts: null,
  keys: null,
  sessions: [],
  prompts: [],
  settings: null,
  logs: [],
  notices: [],
  startedMachines: [],
  loadError: null,
};

/** The log view keeps this many lines; main keeps the full log. */
const LOG_LIMIT = 2000;
/** Toasts shown at once; older ones give way. */
const NOTICE_LIMIT = 4;

export interface AppStore {
  getSnapshot(): AppSnapshot;
  subscribe(listener: () => void): () => void;
  dismissNotice(id: string): void;
  /** A toast the window raises itself ("Public key copied"). */
  notify(notice: Omit<NoticeView, 'id' | 'host'> & { host?: string }): void;
  /** Subscribes to main's events, then fetches every list once. Returns the unsubscribe. */
  start(): () => void;
}

export function createAppStore(api: PortholeApi): AppStore {
  let snapshot = EMPTY;
  const listeners = new Set<() => void>();
  let localNotices = 0;

  const update = (patch: Partial<AppSnapshot>): void => {
    snapshot = { ...snapshot, ...patch };
    for (const listener of [...listeners]) listener();
  };
  const failed = (what: string, message: string): void => {
    if (snapshot.loadError === null) update({ loadError: `Could not load ${what}: ${message}` });
  };

  const fetchAll = (): void => {
    void api.app.getInfo({}).then((r) => (r.ok ? update({ appInfo: r.value }) : failed('app info', r.error.message)));
    void api.hosts.list({}).then((r) => (r.ok ? update({ hosts: r.value }) : failed('your hosts', r.error.message)));
    void api.keys.list({}).then((r) => (r.ok ? update({ keys: r.value }) : failed('your keys', r.error.message)));
    void api.sessions.list({}).then((r) => (r.ok ? update({ sessions: r.value }) : failed('connections', r.error.message)));
    void api.prompts.list({}).then((r) => (r.ok ? update({ prompts: r.value }) : failed('questions', r.error.message)));
    void api.settings.get({}).then((r) => (r.ok ? update({ settings: r.value }) : failed('settings', r.error.message)));
    void api.logs.recent({ limit: 500 }).then((r) => (r.ok ? update({ logs: r.value }) : failed('the log', r.error.message)));
    void api.cloud.startedMachines({}).then((r) => (r.ok ? update({ startedMachines: r.value }) : failed('the running cloud VMs', r.error.message)));
  };

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dismissNotice(id) {
      update({ notices: snapshot.notices.filter((n) => n.id !== id) });
    },
    notify(notice) {
      localNotices += 1;
      const full: NoticeView = { id: `local-${localNotices}`, host: notice.host ?? null, level: notice.level, title: notice.title, body: notice.body };
      update({ notices: [...snapshot.notices, full].slice(-NOTICE_LIMIT) });
    },
    start() {
      // Subscribe first: an event that lands while the lists are fetched is then never lost
      // (the later fetch answer may be older, but the next event corrects it).
      const offs = [
        api.on('hosts:changed', ({ hosts }) => update({ hosts })),
        api.on('keys:changed', ({ keys }) => update({ keys })),
        api.on('sessions:changed', ({ sessions }) => update({ sessions })),
        api.on('prompts:changed', ({ prompts }) => update({ prompts })),
        api.on('settings:changed', ({ settings }) => update({ settings })),
        api.on('logs:appended', ({ lines }) => update({ logs: [...snapshot.logs, ...lines].slice(-LOG_LIMIT) })),
        api.on('app:notice', ({ notice }) => update({ notices: [...snapshot.notices.filter((n) => n.id !== notice.id), notice].slice(-NOTICE_LIMIT) })),
        api.on('cloud:started-changed', ({ machines }) => update({ startedMachines: machines })),
        api.on('app:resumed', () => fetchAll()),
      ];
      fetchAll();
      return () => {
        for (const off of offs) off();
      };
    },
  };
}
