import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { PortholeApi } from '../../../main/ipc/contract';
import type { AppSnapshot, AppStore } from './app-store';

interface AppContextValue {
  readonly api: PortholeApi;
  readonly store: AppStore;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider({ api, store, children }: AppContextValue & { children: ReactNode }) {
  return <AppContext.Provider value={{ api, store }}>{children}</AppContext.Provider>;
}

function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (value === null) throw new Error('useApi/useSnapshot used outside <AppProvider>');
  return value;
}

/** `window.porthole`, for commands. */
export function useApi(): PortholeApi {
  return useAppContext().api;
}

export function useStore(): AppStore {
  return useAppContext().store;
}

/** The whole snapshot; each screen picks what it shows. */
export function useSnapshot(): AppSnapshot {
  const { store } = useAppContext();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
