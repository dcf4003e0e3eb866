/**
 * Light and dark follow the OS. The window's own background must match the renderer's
 * (--bg in renderer/src/styles.css) so a dark desktop never sees a white flash before the
 * page paints, and it must follow the OS when the theme changes while the window is open.
 */
import { nativeTheme, type BrowserWindow } from 'electron';

/** Keep in step with --bg in renderer/src/styles.css. */
const BACKGROUND = { light: '#f6f7f9', dark: '#15181e' } as const;

export function windowBackground(): string {
  return nativeTheme.shouldUseDarkColors ? BACKGROUND.dark : BACKGROUND.light;
}

export function followSystemTheme(windows: () => readonly BrowserWindow[]): void {
  nativeTheme.themeSource = 'system';
  nativeTheme.on('updated', () => {
    for (const window of windows()) if (!window.isDestroyed()) window.setBackgroundColor(windowBackground());
  });
}
