import type { CloudLinkView } from '../../../main/ipc/contract';
import { Button } from '../ui/Button';
import { InfoNote } from '../ui/ErrorNote';
import { SwitchField } from '../ui/SwitchField';
import { TextInput } from '../ui/TextInput';
import type { EditorSectionProps } from './HostEditor';

function describeAccount(link: Extract<CloudLinkView, { provider: 'aws' }>): string {
  if (link.vaultCredential !== null) return `Access key “${link.vaultCredential}”, kept by Porthole`;
  if (link.profile !== null) return `AWS profile “${link.profile}”`;
  return 'The AWS CLI’s default credentials';
}

/**
 * A cloud host's link to its machine (read-only: "Add as host" on the Cloud screen makes
 * it; Unlink turns the host into a plain one) and its cost-safety settings.
 */
export function CloudLinkFields({ draft, set, errors, original }: EditorSectionProps & { original: CloudLinkView | null }) {
  const link = draft.cloud;
  if (link === null) {
    if (original === null) return null;
    return (
      <fieldset className="form-section">
        <legend className="section-title">Cloud VM</legend>
        <InfoNote icon="info">
          <p className="note-message">Unlinked from {original.provider === 'aws' ? original.instanceId : `${original.resourceGroup}/${original.vmName}`}.</p>
          <p className="note-hint">Once saved, Porthole no longer starts this VM or asks the cloud for its address: it connects to the address above, which may change when the VM restarts.</p>
          <div className="inline-actions">
            <Button onPress={() => set({ cloud: original })}>Undo unlink</Button>
          </div>
        </InfoNote>
      </fieldset>
    );
  }
  const cloud = link.provider === 'aws' ? 'AWS' : 'Azure';
  const verb = link.provider === 'aws' ? 'stops' : 'deallocates';
  return (
    <fieldset className="form-section">
      <legend className="section-title">Cloud VM</legend>
      <div className="cloud-link-box">
        <dl className="fact-list compact">
          <dt>Cloud</dt>
          <dd>{link.provider === 'aws' ? 'Amazon EC2' : 'Microsoft Azure'}</dd>
          {link.provider === 'aws' ? (
            <>
              <dt>Instance</dt>
              <dd className="mono">{link.instanceId}</dd>
              <dt>Region</dt>
              <dd className="mono">{link.region}</dd>
              <dt>Account</dt>
              <dd>{describeAccount(link)}</dd>
            </>
          ) : (
            <>
              <dt>VM</dt>
              <dd className="mono">
                {link.resourceGroup}/{link.vmName}
              </dd>
              <dt>Subscription</dt>
              <dd className="mono">{link.subscriptionId}</dd>
            </>
          )}
          <dt>Address</dt>
          <dd>{draft.host !== '' ? <>Asked from {cloud} at every launch (last <span className="mono">{draft.host}</span>)</> : `Asked from ${cloud} at every launch`}</dd>
        </dl>
        <Button variant="quiet" onPress={() => set({ cloud: null })} aria-label={`Unlink from ${cloud}`}>
          Unlink
        </Button>
      </div>
      <SwitchField isSelected={draft.stopVmOnDisconnect} onChange={(stopVmOnDisconnect) => set({ stopVmOnDisconnect })} helpId="stop-vm-help" help={`${cloud} ${verb} it, so its compute stops costing money. Launch notebook starts it again.`}>
        Stop the VM when I disconnect
      </SwitchField>
      <SwitchField
        isSelected={draft.idleStop}
        onChange={(idleStop) => set({ idleStop })}
        helpId="idle-stop-help"
        help="Idle: no cell running, no notebook open, no activity in Jupyter. Porthole warns you before, and any activity cancels the stop."
      >
        Stop the VM after it has been idle
      </SwitchField>
      {draft.idleStop ? (
        <TextInput className="field-short indent-field" label="Idle minutes" value={draft.idleMinutes} onChange={(idleMinutes) => set({ idleMinutes })} error={errors['idleMinutes']} inputMode="numeric" description="From 5 to 1440 (24 hours)." />
      ) : null}
    </fieldset>
  );
}
