/**
 * The only bridge between the renderer and main: `window.porthole`, built from the IPC
 * contract. No generic "invoke any channel" escape hatch, and no raw ipcRenderer exposed.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { apiPathOf, commandNames, eventNames, type EventName } from '../main/ipc/channels';

const api: Record<string, unknown> = {};

for (const name of commandNames) {
  const [domain, method] = apiPathOf(name);
  const group = (api[domain] ??= {}) as Record<string, unknown>;
  group[method] = (args: unknown) => ipcRenderer.invoke(name, args ?? {});
}

api['on'] = (event: EventName, listener: (payload: unknown) => void): (() => void) => {
  if (!(eventNames as readonly string[]).includes(event)) throw new Error(`Unknown Porthole event "${String(event)}".`);
  const relay = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
  ipcRenderer.on(event, relay);
  return () => {
    ipcRenderer.removeListener(event, relay);
  };
};

contextBridge.exposeInMainWorld('porthole', api);
