/**
 * App-wide hardening applied before any window exists: no new windows, no navigation away
 * from the app, no permission prompts, external links only through the allow-list.
 */
import { app, session, shell, type WebContents } from 'electron';
import { isAllowedExternalUrl } from '../shared/external-links';

export function hardenApp(isAppUrl: (url: string) => boolean): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);

  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
