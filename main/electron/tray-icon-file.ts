import type { TrayState } from '../app/tray-model';

/**
 * The tray icon file per platform convention: a monochrome template the menu bar tints on
 * macOS; a colour PNG in the Windows notification area and the Linux AppIndicator
 * (nativeImage picks the @2x file on high-DPI screens by itself). No electron import, so
 * the test that every state has its files runs under plain Node.
 */
export function trayIconFile(state: TrayState, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `trayTemplate-${state}.png` : `tray-${state}.png`;
}
