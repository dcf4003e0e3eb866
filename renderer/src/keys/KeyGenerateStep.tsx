import { useState } from 'react';
import { Form, Label, Radio, RadioGroup } from 'react-aria-components';
import type { KeyView } from '../../../main/ipc/contract';
import { useApi, useSnapshot } from '../store/context';
import { DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { ErrorNote } from '../ui/ErrorNote';
import { TextInput } from '../ui/TextInput';
import { useCommand } from '../ui/use-command';

/** `onBack` is null when the wizard opened on this step: then the way out is Cancel. */
export function KeyGenerateStep({ onBack, onCancel, onGenerated }: { onBack: (() => void) | null; onCancel: () => void; onGenerated: (key: KeyView) => void }) {
  const api = useApi();
  const { keys } = useSnapshot();
  const [name, setName] = useState('porthole');
  const [type, setType] = useState<'ed25519' | 'rsa'>('ed25519');
  const [passphrase, setPassphrase] = useState('');
  const [command, run] = useCommand();
  const taken = (keys ?? []).some((k) => k.name === name.trim());
  const nameError = name.trim() === '' ? 'Give the key a name.' : taken ? `You already have a key named “${name.trim()}”.` : undefined;
  return (
    <Form
      className="dialog-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (nameError) return;
        void run(() => api.keys.generate({ name: name.trim(), type, ...(passphrase !== '' ? { passphrase } : {}) })).then((key) => key && onGenerated(key));
      }}
    >
      <div className="dialog-body">
        <p>Porthole makes a new key pair and keeps the private half encrypted. You then add the public half to your VM (the next step shows where).</p>
        <TextInput label="Name" value={name} onChange={setName} error={nameError} autoFocus />
        <RadioGroup className="radio-group" value={type} onChange={(v) => setType(v as 'ed25519' | 'rsa')}>
          <Label className="field-label">Type</Label>
          <Radio className="radio" value="ed25519">
            Ed25519 (recommended: short and modern)
          </Radio>
          <Radio className="radio" value="rsa">
            RSA 4096 (for old servers that refuse Ed25519)
          </Radio>
        </RadioGroup>
        <TextInput label="Passphrase (optional)" type="password" value={passphrase} onChange={setPassphrase} description="Only needed if you will also export this key elsewhere; Porthole already keeps it encrypted." />
        {command.error ? <ErrorNote error={command.error} /> : null}
      </div>
      <DialogFooter>
        {onBack ? <Button onPress={onBack}>Back</Button> : <Button onPress={onCancel}>Cancel</Button>}
        <Button variant="primary" type="submit" isPending={command.busy}>
          Generate key
        </Button>
      </DialogFooter>
    </Form>
  );
}
