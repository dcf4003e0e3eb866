/**
 * What the desktop service needs from the desktop it runs on, and nothing more: the
 * Electron shell implements it with shell, clipboard and dialog; the browser tests with a
 * Playwright page and a recorded clipboard. Keeping it this small is what lets the very
 * same service run in the app, the tests and (some day) elsewhere.
 */
export interface DesktopPort {
  /** Opens a URL (or a file:// handoff page) in the user's browser. `browserPath` overrides the default browser. */
  openExternal(target: string, browserPath: string | null): Promise<void>;
  writeClipboard(text: string): void;
  /** The OS "open file" dialog for a key file; null when the user closed it. */
  pickKeyFile(): Promise<string | null>;
}
