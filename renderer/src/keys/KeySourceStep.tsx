import { useState } from 'react';
import { DropZone, Text, isFileDropItem, type FileDropItem } from 'react-aria-components';
import type { KeyInspectionView, KeySourceView } from '../../../main/ipc/contract';
import { useApi } from '../store/context';
import { DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { ErrorNote } from '../ui/ErrorNote';
import { Icon } from '../ui/Icon';
import { TextInput } from '../ui/TextInput';
import { useCommand } from '../ui/use-command';

/** Larger files are no key: main refuses them anyway, say it before sending. */
const MAX_KEY_BYTES = 1024 * 1024;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function KeySourceStep({ onInspected, onGenerate, onCancel }: { onInspected: (source: KeySourceView, label: string, inspection: KeyInspectionView) => void; onGenerate: () => void; onCancel: () => void }) {
  const api = useApi();
  const [pasted, setPasted] = useState('');
  const [command, run] = useCommand();
  const [localError, setLocalError] = useState<string | null>(null);

  const inspect = async (source: KeySourceView, label: string): Promise<void> => {
    setLocalError(null);
    const inspection = await run(() => api.keys.inspect({ source }));
    if (inspection !== null) onInspected(source, label, inspection);
  };

  const readDropped = async (file: FileDropItem): Promise<void> => {
    const blob = await file.getFile();
    if (blob.size > MAX_KEY_BYTES) {
      setLocalError(`“${file.name}” is ${Math.round(blob.size / 1024)} KB: far larger than any key file. Choose the key file itself.`);
      return;
    }
    await inspect({ kind: 'bytes', base64: toBase64(new Uint8Array(await blob.arrayBuffer())), fileName: file.name }, file.name);
  };

  const pick = async (): Promise<void> => {
    const picked = await run(() => api.keys.pickFile({}));
    if (picked?.path) await inspect({ kind: 'path', path: picked.path }, picked.path);
  };

  return (
    <>
      <div className="dialog-body">
        <DropZone
          className="drop-zone"
          aria-label="Drop a key file here"
          getDropOperation={() => 'copy'}
          onDrop={(event) => {
            const file = event.items.find(isFileDropItem);
            if (file) void readDropped(file);
          }}
        >
          <Icon name="upload" className="drop-icon" />
          <Text slot="label" className="drop-title">
            Drop your key file here
          </Text>
          <p className="muted">.pem, .ppk, id_ed25519, id_rsa… — the private key, not the .pub</p>
          <Button variant="primary" onPress={() => void pick()} isPending={command.busy}>
            Choose a key file…
          </Button>
        </DropZone>
        {localError ? <ErrorNote error={{ message: localError }} /> : null}
        {command.error ? <ErrorNote error={command.error} /> : null}
        <div className="divider-text" aria-hidden="true">
          or
        </div>
        <TextInput label="Paste the key" multiline value={pasted} onChange={setPasted} placeholder={'-----BEGIN OPENSSH PRIVATE KEY-----\n…'} description="The whole text of the private key file, including the BEGIN and END lines." />
        <div className="inline-actions">
          <Button isDisabled={pasted.trim() === ''} onPress={() => void inspect({ kind: 'text', text: pasted }, 'the pasted text')}>
            Use pasted key
          </Button>
        </div>
      </div>
      <DialogFooter
        start={
          <Button variant="quiet" className="btn-link" onPress={onGenerate}>
            No key yet? Generate a new one
          </Button>
        }
      >
        <Button onPress={onCancel}>Cancel</Button>
      </DialogFooter>
    </>
  );
}
