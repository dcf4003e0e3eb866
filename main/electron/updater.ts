/**
 * Updates from GitHub releases (electron-builder.yml `publish`) with electron-updater: checked
 * at start and then daily, downloaded in the background, installed by a restart only when
 * main/app/update-policy.ts allows it (no live session, no open question, nobody in the
 * window, no password prompt needed) and otherwise when the user quits. Everything it does
 * goes to the log view; a waiting update is announced once per version.
 */
import { autoUpdater, DebUpdater, PacmanUpdater, RpmUpdater, type AppUpdater, type Logger } from 'electron-updater';
import { installDecision, isCheckDue, updateWaitingNotice, type InstallMode } from '../app/update-policy';
import type { SessionView } from '../ipc/contract';

/** The part of electron-updater's AppUpdater used here (tests hand in a stand-in). */
export type Updater = Pick<AppUpdater, 'autoDownload' | 'autoInstallOnAppQuit' | 'logger' | 'on' | 'checkForUpdates' | 'quitAndInstall'>;

export interface UpdatesDeps {
  readonly updater: Updater;
  readonly sessions: () => readonly SessionView[];
  readonly openQuestions: () => number;
  readonly windowFocused: () => boolean;
  readonly log: (level: 'info' | 'warn', message: string) => void;
  readonly announce: (title: string, body: string) => void;
  readonly now?: () => number;
  /** How often to look whether a daily check is due (a timer cannot be trusted across sleep). */
  readonly tickMs?: number;
}

export interface Updates {
  /** Sessions changed or the window lost focus: a waiting update may install now. */
  reconsider(): void;
  /** Checks for an update when the last check is a day old (and at the first call). */
  checkIfDue(): void;
  stop(): void;
}

/** Linux packages install through the system's package tool, which asks for an administrator password. */
export function installModeOf(updater: Updater): InstallMode {
  return updater instanceof DebUpdater || updater instanceof RpmUpdater || updater instanceof PacmanUpdater ? 'needs-password' : 'restart';
}

const firstLine = (error: unknown): string => String(error instanceof Error ? error.message : error).split('\n')[0]!.slice(0, 300);

export function startUpdates(deps: UpdatesDeps): Updates {
  const { updater } = deps;
  const now = deps.now ?? Date.now;
  const mode = installModeOf(updater);
  let lastCheckAt: number | null = null;
  let ready: string | null = null;
  let waitingFor: string | null = null;
  let announcedVersion: string | null = null;
  let installing = false;

  updater.autoDownload = true;
  // What waits is installed when the user quits (Porthole's quit ends with exit code 0).
  updater.autoInstallOnAppQuit = true;
  // Its errors arrive as 'error' events too; only its warnings are worth a log line of their own.
  const logger: Logger = { info: () => undefined, warn: (message) => deps.log('warn', `Updates: ${String(message)}`), error: () => undefined };
  updater.logger = logger;

  updater.on('update-available', (info) => deps.log('info', `Porthole ${info.version} is available; downloading it in the background.`));
  updater.on('update-downloaded', (event) => {
    ready = event.version;
    deps.log('info', `Porthole ${event.version} has downloaded.`);
    reconsider();
  });
  updater.on('error', (error) => deps.log('warn', `Could not check for or download an update: ${firstLine(error)}`));

  function reconsider(): void {
    if (ready === null || installing) return;
    const decision = installDecision({ sessions: deps.sessions(), openQuestions: deps.openQuestions(), windowFocused: deps.windowFocused(), mode });
    if (decision.kind === 'install-now') {
      installing = true;
      deps.log('info', `Restarting to install Porthole ${ready}: nothing is connected.`);
      // Silent (no installer window) and started again afterwards.
      updater.quitAndInstall(true, true);
      return;
    }
    // Logged when what it waits for changes; shown to the user once per version, not on every session change.
    const notice = updateWaitingNotice(ready, decision);
    const key = `${ready} ${decision.until}`;
    if (waitingFor !== key) {
      waitingFor = key;
      deps.log('info', `${notice.title}. ${notice.body}`);
    }
    if (announcedVersion !== ready) {
      announcedVersion = ready;
      deps.announce(notice.title, notice.body);
    }
  }

  function checkIfDue(): void {
    if (installing || !isCheckDue(lastCheckAt, now())) return;
    lastCheckAt = now();
    // A failure is reported by the 'error' event; the rejection carries the same error.
    updater.checkForUpdates().catch(() => undefined);
  }

  const timer = setInterval(() => {
    checkIfDue();
    reconsider();
  }, deps.tickMs ?? 60 * 60 * 1000);
  timer.unref();

  return {
    reconsider,
    checkIfDue,
    stop: () => clearInterval(timer),
  };
}

/** electron-updater's updater for this platform and package kind (created on first use: it needs the running app). */
export function appUpdater(): Updater {
  return autoUpdater;
}
