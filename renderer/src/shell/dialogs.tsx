/**
 * Which app-level dialog is open (host editor, key wizard, import). Kept apart from the
 * engine snapshot: it is the window's own state, not something main knows about.
 */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { HostView } from '../../../main/ipc/contract';

export type OpenDialog =
  | { readonly kind: 'host-editor'; readonly host: HostView | null; readonly keyName?: string }
  | { readonly kind: 'key-wizard'; readonly mode: 'import' | 'generate' }
  | { readonly kind: 'import'; readonly source: 'ssh-config' | 'putty' }
  | null;

interface DialogsValue {
  readonly open: OpenDialog;
  readonly show: (dialog: OpenDialog) => void;
  readonly close: () => void;
}

const DialogsContext = createContext<DialogsValue | null>(null);

export function DialogsProvider({ children, initial = null }: { children: ReactNode; initial?: OpenDialog }) {
  const [open, setOpen] = useState<OpenDialog>(initial);
  const value = useMemo(() => ({ open, show: setOpen, close: () => setOpen(null) }), [open]);
  return <DialogsContext.Provider value={value}>{children}</DialogsContext.Provider>;
}

export function useDialogs(): DialogsValue {
  const value = useContext(DialogsContext);
  if (value === null) throw new Error('useDialogs used outside <DialogsProvider>');
  return value;
}
