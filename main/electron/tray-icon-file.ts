import type { TrayState } from '../app/tray-model';

/**
 * The tray icon file per platform convention (scripts/icons.mjs renders them all): a
 * monochrome template the menu bar tints on macOS (nativeImage picks its @2x file on Retina
 * screens); an .ico holding every size the Windows notification area asks for from 100% to
 * 300% display scale; a colour PNG with an @2x file for the Linux AppIndicator. No electron
 * import, so the test that every state has its files runs under plain Node.
 */
export function trayIconFile(state: TrayState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return `trayTemplate-${state}.png`;
  if (platform === 'win32') return `tray-${state}.ico`;
  return `tray-${state}.png`;
}
