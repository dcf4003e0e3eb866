import { useDialogs } from './dialogs';
import { HostEditor } from '../host-editor/HostEditor';
import { KeyWizard } from '../keys/KeyWizard';
import { ImportDialog } from '../import/ImportDialog';

/** The one app-level dialog open at a time, chosen in dialogs.tsx. */
export function AppDialogs() {
  const { open, close } = useDialogs();
  if (open === null) return null;
  switch (open.kind) {
    case 'host-editor':
      return <HostEditor host={open.host} keyName={open.keyName ?? null} onClose={close} />;
    case 'key-wizard':
      return <KeyWizard initialMode={open.mode} onClose={close} />;
    case 'import':
      return <ImportDialog initialSource={open.source} onClose={close} />;
  }
}
