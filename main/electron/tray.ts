import { Menu, Tray, nativeImage } from 'electron';
import { assetPath } from './paths';

export interface TrayActions {
  readonly showWindow: () => void;
  readonly quit: () => void;
}

/**
 * The tray icon is Porthole's home: the window can close while tunnels keep running.
 * macOS gets a template image so the menu bar tints it for light and dark mode.
 */
export function createTray(actions: TrayActions): Tray {
  const image = nativeImage.createFromPath(
    assetPath(process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'),
  );
  if (process.platform === 'darwin') image.setTemplateImage(true);
  const tray = new Tray(image);
  tray.setToolTip('Porthole');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Porthole', click: actions.showWindow },
      { type: 'separator' },
      { label: 'Quit Porthole', click: actions.quit },
    ]),
  );
  tray.on('click', actions.showWindow);
  return tray;
}
