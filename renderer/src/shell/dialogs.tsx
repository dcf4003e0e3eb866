/**
 * Which app-level dialog is open (host editor, key wizard, import). Kept apart from the
 * engine snapshot: it is the window's own state, not something main knows about. One
 * dialog at a time: a dialog that hands over to another (the editor to the key wizard)
 * passes along what it needs to come back as it was.
 */
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import type { HostView } from '../../../main/ipc/contract';
import type { HostDraft } from '../host-editor/host-draft';

/** The host editor's form as the user left it, to come back to. */
export interface EditorState {
  readonly draft: HostDraft;
  readonly touched: readonly string[];
  readonly submitted: boolean;
}

/** The editor that opened the key wizard: the host it edits (null for a new one) and its form. */
export interface EditorToResume {
  readonly host: HostView | null;
  readonly state: EditorState;
}

export type OpenDialog =
  | { readonly kind: 'host-editor'; readonly host: HostView | null; readonly keyName?: string; readonly resume?: EditorState }
  /** `forEditor`: opened from the host editor's "Import a key…", which it goes back to. */
  | { readonly kind: 'key-wizard'; readonly mode: 'import' | 'generate'; readonly forEditor?: EditorToResume }
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
