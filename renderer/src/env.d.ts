import type { PortholeApi } from '../../main/ipc/contract';

declare global {
  interface Window {
    /** Provided by the preload; absent when the renderer is opened outside Porthole. */
    readonly porthole?: PortholeApi;
  }
}
