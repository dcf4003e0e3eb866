/** Electron entry: lifecycle and wiring only. Behaviour lives in main/electron and the services. */
import { app, dialog, powerMonitor, type BrowserWindow } from 'electron';
import { hardenApp } from './electron/security';
import { registerIpc, sendEvent } from './electron/ipc';
import { createMainWindow, isAppUrl } from './electron/window';
import { PortholeTray } from './electron/tray';
import { electronDesktopPort } from './electron/desktop-port';
import { registerAppScheme, serveRenderer } from './electron/protocol';
import { followSystemTheme } from './electron/theme';
import { SessionNotifier } from './electron/notifier';
import { createQuitter, type Quitter } from './electron/quit';
import { watchResume } from './electron/power';
import { rendererRoot } from './electron/paths';
import { applyLaunchAtLogin, startedAtLogin } from './electron/login-item';
import { appUpdater, startUpdates, type Updates } from './electron/updater';
import { DesktopService } from './app/service';
import type { EventPayload } from './ipc/contract';
import type { TrayAction } from './app/tray-model';
import { dataDir } from './shared/data-dir';

let mainWindow: BrowserWindow | null = null;
let quitter: Quitter | null = null;
let service: DesktopService | null = null;
let updates: Updates | null = null;
/** Held for the app's lifetime: a Tray that is garbage-collected vanishes from the tray. */
const held: { tray: PortholeTray | null } = { tray: null };

const liveWindow = (): BrowserWindow | null => (mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow : null);

function showWindow(): void {
  const existing = liveWindow();
  if (existing === null) {
    const window = createMainWindow();
    mainWindow = window;
    // Closing the window hides it: Porthole keeps running in the tray until Quit. Nobody is
    // left to answer a host-key or passphrase question, so those are cancelled, not left waiting.
    window.on('close', (event) => {
      if (quitter === null || quitter.quitting) return;
      event.preventDefault();
      window.hide();
      service?.cancelAllPrompts();
    });
    // Windows log-off or power-off arrives on the window (powerMonitor 'shutdown' covers macOS and Linux).
    window.on('session-end', () => void quitter?.quitNow());
    // An update waiting for the user to leave the window may install now.
    window.on('blur', () => updates?.reconsider());
    window.on('hide', () => updates?.reconsider());
    return;
  }
  if (existing.isMinimized()) existing.restore();
  existing.show();
  existing.focus();
}

function quit(): void {
  if (quitter === null) app.exit(0);
  else void quitter.quit();
}

// Before ready: Electron reads the privileged scheme list once.
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', showWindow);
  app.on('before-quit', (event) => {
    // Cmd+Q, the dock menu, an updater: all go through the same question and shutdown.
    if (quitter === null) return;
    event.preventDefault();
    void quitter.quit();
  });
  app.on('window-all-closed', () => {
    // Stay alive in the tray.
  });
  app.on('activate', showWindow);

  void app.whenReady().then(async () => {
    hardenApp(isAppUrl);
    serveRenderer(rendererRoot);
    followSystemTheme(() => {
      const window = liveWindow();
      return window === null ? [] : [window];
    });

    // Windows shows notifications only for an app with an identity; the installer's appId.
    if (process.platform === 'win32') app.setAppUserModelId('app.porthole.desktop');

    let desktopService: DesktopService;
    try {
      desktopService = await DesktopService.create({
        dataDir: dataDir(),
        desktop: electronDesktopPort({ parentWindow: liveWindow }),
        appInfo: { name: app.getName(), version: app.getVersion(), platform: process.platform },
      });
    } catch (error) {
      // Without the service there is nothing to show; say why rather than sit invisible in the tray.
      dialog.showErrorBox('Porthole could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
      return;
    }
    service = desktopService;
    registerIpc(desktopService.handlers, isAppUrl);

    const tray = new PortholeTray({
      handlers: desktopService.handlers,
      showWindow,
      quit,
      onActionError: (action, error) => console.error(`Porthole: tray action ${action.command} failed`, error),
    });
    held.tray = tray;
    tray.update(desktopService.hosts(), desktopService.sessions(), desktopService.startedMachines());

    const notifier = new SessionNotifier(
      {
        enabled: async () => (await desktopService.handlers['settings:get']({})).notifications,
        windowFocused: () => liveWindow()?.isFocused() ?? false,
        showWindow,
      },
      desktopService.sessions(),
    );

    // Launch at login follows the setting; re-registered at each start while on (an AppImage may have moved).
    const registerAtLogin = (enabled: boolean) =>
      applyLaunchAtLogin(enabled).then(
        (done) => desktopService.note('info', done),
        (error: unknown) => desktopService.note('warn', `Could not change whether Porthole starts when you log in: ${error instanceof Error ? error.message : String(error)}`),
      );
    let launchAtLogin = (await desktopService.handlers['settings:get']({})).launchAtLogin;
    if (launchAtLogin) void registerAtLogin(true);

    desktopService.onEvent((event, payload) => {
      const window = liveWindow();
      if (window !== null) sendEvent(window.webContents, event, payload);
      if (event === 'sessions:changed') {
        const { sessions } = payload as EventPayload<'sessions:changed'>;
        tray.update(desktopService.hosts(), sessions);
        void notifier.update(sessions);
        updates?.reconsider();
      } else if (event === 'hosts:changed') {
        tray.update((payload as EventPayload<'hosts:changed'>).hosts, desktopService.sessions());
      } else if (event === 'cloud:started-changed') {
        tray.update(desktopService.hosts(), desktopService.sessions(), (payload as EventPayload<'cloud:started-changed'>).machines);
      } else if (event === 'settings:changed') {
        const { settings } = payload as EventPayload<'settings:changed'>;
        if (settings.launchAtLogin !== launchAtLogin) {
          launchAtLogin = settings.launchAtLogin;
          void registerAtLogin(launchAtLogin);
        }
      }
    });

    if (app.isPackaged) {
      updates = startUpdates({
        updater: appUpdater(),
        sessions: () => desktopService.sessions(),
        openQuestions: () => desktopService.openQuestions(),
        windowFocused: () => liveWindow()?.isFocused() ?? false,
        log: (level, message) => desktopService.note(level, message),
        announce: (title, body) => desktopService.announce('info', title, body),
      });
      updates.checkIfDue();
    } else {
      desktopService.note('info', 'Updates are checked by the installed Porthole only, not by a development build.');
    }

    watchResume(() => {
      desktopService.resumeAll();
      const window = liveWindow();
      if (window !== null) sendEvent(window.webContents, 'app:resumed', { at: Date.now() });
    });

    quitter = createQuitter({
      runningServersStarted: () => desktopService.runningServersStarted(),
      startedMachines: () => desktopService.startedMachines(),
      shutdown: (options) => desktopService.shutdown(options),
      parentWindow: liveWindow,
    });
    // Logout or power-off: nobody can answer the Quit question, so close the tunnels and go.
    // (The typings leave out the event that the docs say 'shutdown' passes.)
    powerMonitor.on('shutdown', (event?: Electron.Event) => {
      event?.preventDefault();
      void quitter?.quitNow();
    });

    if (process.env['PORTHOLE_E2E'] === '1') exposeForE2e(tray);
    // Started at login: Porthole waits in the tray until it is wanted.
    if (!startedAtLogin()) showWindow();
  });
}

/**
 * The Electron e2e tests drive the tray through this (Playwright reaches the main process's
 * globals, never a native tray icon). Set only when PORTHOLE_E2E=1: the shipped app runs
 * without it.
 */
function exposeForE2e(tray: PortholeTray): void {
  Object.assign(globalThis, { __portholeE2e: { trayModel: () => tray.model, trayPerform: (action: TrayAction) => tray.perform(action) } });
}
