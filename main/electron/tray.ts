/**
 * The tray icon is Porthole's home: the window can close while tunnels keep running. What
 * it shows is decided by trayModel (main/app/tray-model.ts); this file only turns that
 * data into a native Menu and an icon, and runs the actions through the service's handlers.
 */
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { trayModel, type TrayAction, type TrayItem, type TrayModel, type TrayState } from '../app/tray-model';
import type { CommandHandlers } from '../ipc/dispatch';
import type { HostView, SessionView, StartedMachineView } from '../ipc/contract';
import { assetPath } from './paths';
import { trayIconFile } from './tray-icon-file';

export { trayIconFile };

export interface TrayDeps {
  readonly handlers: Pick<CommandHandlers, 'sessions:launch' | 'sessions:connect' | 'sessions:open' | 'sessions:disconnect' | 'sessions:retry' | 'cloud:stop-machine'>;
  readonly showWindow: () => void;
  readonly quit: () => void;
  /** A tray action that failed before its session could show why (a bad host name, say). */
  readonly onActionError: (action: TrayAction, error: unknown) => void;
  readonly platform?: NodeJS.Platform;
}

/** The native menu for the model's items; clicks go to `run`. */
export function menuTemplate(items: readonly TrayItem[], run: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'action':
        return { label: item.label, enabled: item.enabled, click: () => run(item.action) };
      case 'submenu':
        return { label: item.label, submenu: menuTemplate(item.items, run) };
    }
  });
}

export class PortholeTray {
  private readonly tray: Tray;
  private readonly platform: NodeJS.Platform;
  private readonly images = new Map<TrayState, NativeImage>();
  private state: TrayState | null = null;
  private current: TrayModel | null = null;
  private shown: { hosts: readonly HostView[]; sessions: readonly SessionView[]; started: readonly StartedMachineView[] } = { hosts: [], sessions: [], started: [] };
  /** While VMs Porthole started run, their cost so far grows: the menu is rebuilt each minute. */
  private costTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: TrayDeps) {
    this.platform = deps.platform ?? process.platform;
    this.tray = new Tray(this.image('idle'));
    this.state = 'idle';
    // Windows users expect a left click to open the app; macOS and Linux open the menu.
    if (this.platform === 'win32') this.tray.on('click', () => deps.showWindow());
    this.update([], []);
  }

  /**
   * Called with every hosts, sessions or started-VMs snapshot (`started` left out: the last
   * one). The menu is rebuilt whole: Linux needs it set again anyway.
   */
  update(hosts: readonly HostView[], sessions: readonly SessionView[], started: readonly StartedMachineView[] = this.shown.started): void {
    this.shown = { hosts, sessions, started };
    this.followCosts(started.length > 0);
    const model = trayModel(hosts, sessions, started);
    this.current = model;
    if (model.state !== this.state) {
      this.state = model.state;
      this.tray.setImage(this.image(model.state));
    }
    this.tray.setToolTip(model.tooltip);
    this.tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(model.items, (action) => this.run(action))));
  }

  /** What the tray shows now (the e2e tests read it: a native tray cannot be inspected from outside). */
  get model(): TrayModel {
    return this.current!;
  }

  /** Runs a tray action as a click would. */
  perform(action: TrayAction): void {
    this.run(action);
  }

  destroy(): void {
    this.followCosts(false);
    this.tray.destroy();
  }

  private followCosts(on: boolean): void {
    if (on && this.costTimer === null) {
      this.costTimer = setInterval(() => this.update(this.shown.hosts, this.shown.sessions, this.shown.started), 60_000);
      this.costTimer.unref();
    } else if (!on && this.costTimer !== null) {
      clearInterval(this.costTimer);
      this.costTimer = null;
    }
  }

  private run(action: TrayAction): void {
    switch (action.command) {
      case 'window:show':
        this.deps.showWindow();
        return;
      case 'app:quit':
        this.deps.quit();
        return;
      default: {
        const { handlers } = this.deps;
        const call = (): Promise<unknown> | unknown => {
          if (action.command === 'cloud:stop-machine') return handlers['cloud:stop-machine']({ account: action.account, id: action.id });
          const host = action.host;
          switch (action.command) {
            case 'sessions:launch':
              return handlers['sessions:launch']({ host, openBrowser: true });
            case 'sessions:connect':
              return handlers['sessions:connect']({ host });
            case 'sessions:open':
              return handlers['sessions:open']({ host });
            case 'sessions:disconnect':
              return handlers['sessions:disconnect']({ host });
            case 'sessions:retry':
              return handlers['sessions:retry']({ host });
          }
        };
        // A handler may throw synchronously or reject: both end up in onActionError, never unhandled.
        void Promise.resolve()
          .then(call)
          .catch((error: unknown) => this.deps.onActionError(action, error));
      }
    }
  }

  private image(state: TrayState): NativeImage {
    let image = this.images.get(state);
    if (image === undefined) {
      image = nativeImage.createFromPath(assetPath(trayIconFile(state, this.platform)));
      if (this.platform === 'darwin') image.setTemplateImage(true);
      this.images.set(state, image);
    }
    return image;
  }
}
