import type { ReactNode } from 'react';
import { AppDialog, DialogFooter } from './AppDialog';
import { Button } from './Button';

export interface ConfirmDialogProps {
  readonly title: string;
  readonly body: ReactNode;
  readonly confirmLabel: string;
  readonly isOpen: boolean;
  readonly busy?: boolean;
  /** A safer way to get most of what the user wants (Disconnect rather than Stop), offered beside it. */
  readonly alternative?: { readonly label: string; readonly onPress: () => void };
  readonly onConfirm: () => void;
  readonly onClose: () => void;
}

/** "Remove key x?": says what will happen; the safe choice has focus first. */
export function ConfirmDialog({ title, body, confirmLabel, isOpen, busy, alternative, onConfirm, onClose }: ConfirmDialogProps) {
  return (
    <AppDialog title={title} isOpen={isOpen} onClose={onClose} role="alertdialog" size="small">
      <div className="dialog-body">{body}</div>
      <DialogFooter>
        <Button onPress={onClose} autoFocus>
          Cancel
        </Button>
        {alternative ? <Button onPress={alternative.onPress}>{alternative.label}</Button> : null}
        <Button variant="danger" onPress={onConfirm} isPending={busy ?? false}>
          {confirmLabel}
        </Button>
      </DialogFooter>
    </AppDialog>
  );
}
