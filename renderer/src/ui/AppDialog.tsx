import type { ReactNode } from 'react';
import { Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';

export interface AppDialogProps {
  readonly title: string;
  readonly isOpen: boolean;
  /** Escape, the close button and (when dismissable) a click outside all call this. */
  readonly onClose: () => void;
  readonly children: ReactNode;
  /** `alertdialog` for warnings that interrupt (changed host key, confirmations). */
  readonly role?: 'dialog' | 'alertdialog';
  readonly size?: 'small' | 'medium' | 'large';
  readonly isDismissable?: boolean;
  /** Short line under the title. */
  readonly subtitle?: ReactNode;
  readonly tone?: 'normal' | 'danger';
  readonly className?: string;
}

/** Every modal in the app: react-aria's focus trap, Escape, inert background and labelling. */
export function AppDialog({ title, isOpen, onClose, children, role = 'dialog', size = 'medium', isDismissable = false, subtitle, tone = 'normal', className }: AppDialogProps) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      isDismissable={isDismissable}
      isKeyboardDismissDisabled={false}
    >
      <Modal className={`modal modal-${size}${tone === 'danger' ? ' modal-danger' : ''}`}>
        <Dialog role={role} className={`dialog${className ? ` ${className}` : ''}`}>
          <header className="dialog-header">
            <Heading slot="title" className="dialog-title">
              {title}
            </Heading>
            {subtitle !== undefined ? <p className="dialog-subtitle">{subtitle}</p> : null}
          </header>
          {children}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

/** The button row at the bottom of a dialog; the primary action goes last. */
export function DialogFooter({ children, start }: { children: ReactNode; start?: ReactNode }) {
  return (
    <footer className="dialog-footer">
      <div className="dialog-footer-start">{start}</div>
      <div className="dialog-footer-end">{children}</div>
    </footer>
  );
}
