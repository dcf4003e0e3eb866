import { Label, Radio, RadioGroup, Switch } from 'react-aria-components';
import type { HostProbeView, JupyterHubView } from '../../../main/ipc/contract';
import { useState } from 'react';
import { useApi } from '../store/context';
import { Button } from '../ui/Button';
import { ErrorNote, InfoNote } from '../ui/ErrorNote';
import { SelectField } from '../ui/SelectField';
import { TextInput } from '../ui/TextInput';
import { useCommand } from '../ui/use-command';
import { hostInputFromDraft } from './host-draft';
import type { EditorSectionProps } from './HostEditor';

const FLAVOURS = [
  { id: 'auto', label: 'Whatever is installed (recommended)' },
  { id: 'lab', label: 'JupyterLab' },
  { id: 'notebook', label: 'Jupyter Notebook' },
  { id: 'server', label: 'Jupyter Server' },
] as const;

export function JupyterFields({ draft, set, errors }: EditorSectionProps) {
  const api = useApi();
  const [probe, setProbe] = useState<HostProbeView | null>(null);
  const [detect, run] = useCommand();
  const envs = [...new Set([...(probe?.condaEnvs ?? []), ...(draft.condaEnv !== '' ? [draft.condaEnv] : [])])];
  const canDetect = draft.host.trim() !== '' || draft.cloud !== null;
  return (
    <fieldset className="form-section">
      <legend className="section-title">Jupyter</legend>
      {draft.hub !== null ? <HubNote hub={draft.hub} onStartJupyter={() => set({ hub: null })} /> : null}
      <div className="form-grid">
        <SelectField label="Interface" value={draft.flavour} options={FLAVOURS.filter((f) => f.id === 'auto' || !probe || probe.flavours.includes(f.id))} onChange={(flavour) => set({ flavour: flavour as typeof draft.flavour })} error={errors['jupyter.flavour']} />
        <div className="field-row">
          <SelectField
            className="grow"
            label="Python environment"
            value={draft.condaEnv === '' ? 'auto' : `conda:${draft.condaEnv}`}
            options={[{ id: 'auto', label: 'Find Jupyter by itself' }, ...envs.map((e) => ({ id: `conda:${e}`, label: `conda: ${e}` }))]}
            onChange={(id) => set({ condaEnv: id === 'auto' ? '' : id.slice('conda:'.length) })}
            error={errors['jupyter.env']}
            description={probe ? `Found ${probe.condaEnvs.length} conda environment${probe.condaEnvs.length === 1 ? '' : 's'} on the VM.` : 'Detect asks the VM which conda environments it has.'}
          />
          <Button className="field-row-button" isDisabled={!canDetect} isPending={detect.busy} onPress={() => void run(() => api.hosts.probe({ host: hostInputFromDraft(draft) })).then((found) => found && setProbe(found))}>
            Detect
          </Button>
        </div>
        <TextInput label="Working folder" value={draft.rootDir} onChange={(rootDir) => set({ rootDir })} error={errors['jupyter.rootDir']} placeholder="~ (your home folder)" description="Where Jupyter opens, like ~/learnml." />
        <TextInput label="Local port" value={draft.localPort} onChange={(localPort) => set({ localPort })} error={errors['jupyter.localPort']} placeholder="Chosen by Porthole" inputMode="numeric" description="Stays the same across reconnects." />
      </div>
      {detect.error ? <ErrorNote error={detect.error} /> : null}
      <RadioGroup className="radio-group" value={draft.auth} onChange={(auth) => set({ auth: auth as 'token' | 'password' })} orientation="horizontal">
        <Label className="field-label">Notebook login</Label>
        <div className="radio-row">
          <Radio className="radio" value="token">
            A token Porthole handles for you
          </Radio>
          <Radio className="radio" value="password">
            A password
          </Radio>
        </div>
      </RadioGroup>
      {draft.auth === 'password' ? (
        <TextInput
          label={draft.passwordSaved ? 'New notebook password' : 'Notebook password'}
          type="password"
          value={draft.notebookPassword}
          onChange={(notebookPassword) => set({ notebookPassword })}
          error={errors['notebookPassword']}
          description={draft.passwordSaved ? 'A password is saved in your keychain; leave empty to keep it.' : 'Jupyter asks for it in the browser; Porthole keeps it in your keychain.'}
        />
      ) : null}
      <Switch className="switch" isSelected={draft.stopOnDisconnect} onChange={(stopOnDisconnect) => set({ stopOnDisconnect })}>
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        Stop Jupyter on the VM when I disconnect
      </Switch>
    </fieldset>
  );
}

/** A host that opens the VM's own JupyterHub (the Data Science VM's, The Littlest JupyterHub): the fields below then wait unused. */
function HubNote({ hub, onStartJupyter }: { hub: JupyterHubView; onStartJupyter: () => void }) {
  return (
    <InfoNote>
      <p className="note-message">
        Porthole opens the JupyterHub already on this VM ({hub.scheme}, port {hub.port}).
      </p>
      <p className="note-hint">The hub asks for its own login. The settings below apply only if you start Jupyter instead.</p>
      <div className="inline-actions">
        <Button onPress={onStartJupyter}>Start Jupyter instead</Button>
      </div>
    </InfoNote>
  );
}
