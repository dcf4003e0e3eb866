/**
 * A stand-in for the parts of `electron` that main/electron uses, for unit tests under
 * plain Node (the real module tries to download its binary). Tests swap it in with
 *   vi.mock('electron', () => import('../support/electron-stand-in'));
 * and import it themselves to drive and inspect it: it records what the code registered,
 * built and showed, nothing more. It is not Electron; the e2e suite runs the real one.
 */
import { EventEmitter } from 'node:events';

// ---------------------------------------------------------------------------------------
// ipcMain

export interface FakeFrame {
  readonly url: string;
  readonly parent: FakeFrame | null;
}

export interface FakeInvokeEvent {
  readonly senderFrame: FakeFrame | null;
}

type InvokeHandler = (event: FakeInvokeEvent, ...args: unknown[]) => unknown;

class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, handler: InvokeHandler): void {
    // Electron throws on a second handler for the same channel; so does the stand-in.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** What ipcRenderer.invoke(channel, args) from `frame` would resolve to. */
  async invoke(channel: string, frame: FakeFrame | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return handler({ senderFrame: frame }, ...args);
  }
}

export const ipcMain = new FakeIpcMain();

/** A top-level frame at `url`, and a sub-frame of it. */
export function mainFrame(url: string): FakeFrame {
  return { url, parent: null };
}
export function subFrame(url: string, parentUrl: string): FakeFrame {
  return { url, parent: mainFrame(parentUrl) };
}

// ---------------------------------------------------------------------------------------
// WebContents

export class FakeWebContents {
  readonly sent: { channel: string; payload: unknown }[] = [];
  destroyed = false;

  send(channel: string, payload: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, payload });
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }
}

// ---------------------------------------------------------------------------------------
// Menu, Tray, nativeImage

export interface FakeMenuItemOptions {
  readonly label?: string;
  readonly type?: string;
  readonly enabled?: boolean;
  readonly click?: () => void;
  readonly submenu?: readonly FakeMenuItemOptions[];
}

export class FakeMenu {
  constructor(readonly template: readonly FakeMenuItemOptions[]) {}
}

export const Menu = {
  buildFromTemplate: (template: readonly FakeMenuItemOptions[]): FakeMenu => new FakeMenu(template),
};

export class FakeNativeImage {
  template = false;
  constructor(readonly path: string) {}
  setTemplateImage(value: boolean): void {
    this.template = value;
  }
  isEmpty(): boolean {
    return false;
  }
}

export const nativeImage = {
  createFromPath: (path: string): FakeNativeImage => new FakeNativeImage(path),
};

export class Tray extends EventEmitter {
  static readonly instances: Tray[] = [];
  image: FakeNativeImage;
  readonly images: FakeNativeImage[] = [];
  tooltip = '';
  menu: FakeMenu | null = null;
  destroyed = false;

  constructor(image: FakeNativeImage) {
    super();
    this.image = image;
    this.images.push(image);
    Tray.instances.push(this);
  }
  setImage(image: FakeNativeImage): void {
    this.image = image;
    this.images.push(image);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: FakeMenu): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

// ---------------------------------------------------------------------------------------
// app, dialog, Notification

export interface FakeLoginItemSettings {
  readonly openAtLogin: boolean;
  readonly args?: readonly string[];
}

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  exitCalls: [] as number[],
  /** Every setLoginItemSettings call, in order. */
  loginItemCalls: [] as FakeLoginItemSettings[],
  /** What getLoginItemSettings reports (macOS says whether this start came from the login item). */
  loginItemState: { openAtLogin: false, wasOpenedAtLogin: false },
  getAppPath: (): string => '/opt/Porthole/resources/app.asar',
  exit(code = 0): void {
    app.exitCalls.push(code);
  },
  setLoginItemSettings(settings: FakeLoginItemSettings): void {
    app.loginItemCalls.push(settings);
  },
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return app.loginItemState;
  },
  requestSingleInstanceLock: (): boolean => true,
  /** Never ready: a test that loads the built main/index.js checks its imports, not a running app. */
  whenReady: (): Promise<void> => new Promise<void>(() => undefined),
});

export const protocol = {
  privileged: [] as unknown[],
  registerSchemesAsPrivileged(schemes: readonly unknown[]): void {
    protocol.privileged.push(...schemes);
  },
};

export const dialog = {
  /** The button index the next showMessageBox resolves with. */
  nextResponse: 0,
  messageBoxes: [] as unknown[],
  showMessageBox: async (...args: unknown[]): Promise<{ response: number; checkboxChecked: boolean }> => {
    dialog.messageBoxes.push(args[args.length - 1]);
    return { response: dialog.nextResponse, checkboxChecked: false };
  },
};

export class Notification extends EventEmitter {
  static readonly shown: Notification[] = [];
  static isSupported(): boolean {
    return true;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    Notification.shown.push(this);
  }
}

/** Clears everything recorded, between tests. */
export function resetStandIn(): void {
  ipcMain.handlers.clear();
  Tray.instances.length = 0;
  Notification.shown.length = 0;
  app.exitCalls.length = 0;
  app.isPackaged = false;
  app.loginItemCalls.length = 0;
  app.loginItemState = { openAtLogin: false, wasOpenedAtLogin: false };
  dialog.nextResponse = 0;
  dialog.messageBoxes.length = 0;
}
