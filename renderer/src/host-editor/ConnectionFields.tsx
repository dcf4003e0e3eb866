import type { KeyRefView, KeyView } from '../../../main/ipc/contract';
import { Button } from '../ui/Button';
import { SelectField, type SelectOption } from '../ui/SelectField';
import { TextInput } from '../ui/TextInput';
import { describeKeyType } from '../keys/key-formats';
import type { EditorSectionProps } from './HostEditor';

const AGENT = 'agent';

function keyId(key: KeyRefView): string {
  return key.kind === 'vault' ? `vault:${key.name}` : key.kind === 'path' ? `path:${key.path}` : AGENT;
}

function keyRefOf(id: string): KeyRefView {
  if (id.startsWith('vault:')) return { kind: 'vault', name: id.slice('vault:'.length) };
  if (id.startsWith('path:')) return { kind: 'path', path: id.slice('path:'.length) };
  return { kind: 'agent' };
}

/** `focusKey`: the editor came back from importing a key, so focus starts on the key it picked. */
export function ConnectionFields({ draft, set, errors, keys, onImportKey, focusKey }: EditorSectionProps & { keys: readonly KeyView[]; onImportKey: () => void; focusKey: boolean }) {
  const options: SelectOption[] = [
    ...keys.map((k) => ({ id: `vault:${k.name}`, label: `${k.name} (${describeKeyType(k.type, k.bits)})` })),
    ...(draft.key.kind === 'path' ? [{ id: keyId(draft.key), label: `File: ${draft.key.path}` }] : []),
    ...(draft.key.kind === 'vault' && !keys.some((k) => draft.key.kind === 'vault' && k.name === draft.key.name) ? [{ id: keyId(draft.key), label: `${draft.key.name} (missing from Keys)` }] : []),
    { id: AGENT, label: 'ssh-agent / my default keys (~/.ssh)' },
  ];
  return (
    <fieldset className="form-section">
      <legend className="section-title">Connection</legend>
      <div className="form-grid">
        <TextInput label="Name" value={draft.name} onChange={(name) => set({ name })} error={errors['name']} placeholder="e.g. gpu-vm" description="Any name you will recognise." isRequired autoFocus={!focusKey} />
        {/* A cloud host's address comes from the cloud (see Cloud VM below). */}
        {draft.cloud === null ? (
          <TextInput label="Address" value={draft.host} onChange={(host) => set({ host })} error={errors['host']} placeholder="e.g. 203.0.113.7" description="The VM’s public IP address or DNS name, from your cloud console." isRequired />
        ) : null}
        <TextInput label="User" value={draft.user} onChange={(user) => set({ user })} error={errors['user']} placeholder="e.g. ubuntu" description="ubuntu on AWS Ubuntu images, ec2-user on Amazon Linux, azureuser on Azure." />
        <TextInput label="SSH port" value={draft.port} onChange={(port) => set({ port })} error={errors['port']} placeholder="22" inputMode="numeric" description="Leave empty for 22." />
      </div>
      <div className="field-row">
        <SelectField
          className="grow"
          autoFocus={focusKey}
          label="Key"
          value={keyId(draft.key)}
          options={options}
          onChange={(id) => set({ key: keyRefOf(id) })}
          error={errors['key']}
          description={keys.length === 0 ? 'You have no keys in Porthole yet: import the one you log in with, or use ssh-agent.' : 'The key this VM accepts.'}
        />
        <Button className="field-row-button" onPress={onImportKey}>
          Import a key…
        </Button>
      </div>
    </fieldset>
  );
}
