import { ipcMain, type WebContents } from 'electron';
import { commandNames, type EventName, type EventPayload } from '../ipc/contract';
import { createDispatcher, type CommandHandlers } from '../ipc/dispatch';

/** Registers one ipcMain handler per contract command, all through the validating dispatcher. */
export function registerIpc(handlers: CommandHandlers, isAppUrl: (url: string) => boolean): () => void {
  const dispatch = createDispatcher(handlers, isAppUrl);
  for (const name of commandNames) {
    ipcMain.handle(name, (event, rawArgs: unknown) => {
      const frame = event.senderFrame;
      return dispatch(name, rawArgs, { url: frame?.url ?? '', isMainFrame: frame !== null && frame.parent === null });
    });
  }
  return () => {
    for (const name of commandNames) ipcMain.removeHandler(name);
  };
}

export function sendEvent<E extends EventName>(contents: WebContents, event: E, payload: EventPayload<E>): void {
  if (!contents.isDestroyed()) contents.send(event, payload);
}
