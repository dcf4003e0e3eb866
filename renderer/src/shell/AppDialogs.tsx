import type { KeyView } from '../../../main/ipc/contract';
import { useDialogs } from './dialogs';
import { HostEditor } from '../host-editor/HostEditor';
import { KeyWizard } from '../keys/KeyWizard';
import { ImportDialog } from '../import/ImportDialog';

/** The one app-level dialog open at a time, chosen in dialogs.tsx. */
export function AppDialogs() {
  const { open, close, show } = useDialogs();
  if (open === null) return null;
  switch (open.kind) {
    case 'host-editor':
      return <HostEditor host={open.host} keyName={open.keyName ?? null} resume={open.resume ?? null} onClose={close} />;
    case 'key-wizard': {
      const editor = open.forEditor;
      if (editor === undefined) return <KeyWizard initialMode={open.mode} onClose={close} />;
      // Back to the editor as it was; with the new key picked when there is one.
      const backToEditor = (key: KeyView | null) => show({ kind: 'host-editor', host: editor.host, resume: key === null ? editor.state : { ...editor.state, draft: { ...editor.state.draft, key: { kind: 'vault', name: key.name } } } });
      return <KeyWizard initialMode={open.mode} onClose={() => backToEditor(null)} onKeyReady={backToEditor} />;
    }
    case 'import':
      return <ImportDialog initialSource={open.source} onClose={close} />;
  }
}
