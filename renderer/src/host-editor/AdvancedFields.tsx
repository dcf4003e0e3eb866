import { Button as AriaButton, Disclosure, DisclosurePanel, Heading } from 'react-aria-components';
import { Button } from '../ui/Button';
import { Icon } from '../ui/Icon';
import { SelectField } from '../ui/SelectField';
import { TextInput } from '../ui/TextInput';
import type { ForwardDraft } from './host-draft';
import type { EditorSectionProps } from './HostEditor';

const FORWARD_KINDS = [
  { id: 'local', label: 'This computer → VM (-L)' },
  { id: 'remote', label: 'VM → this computer (-R)' },
  { id: 'dynamic', label: 'SOCKS proxy (-D)' },
] as const;

/** Jump hosts and extra forwards: folded away, since most students never need them. */
export function AdvancedFields({ draft, set, errors }: EditorSectionProps) {
  const count = draft.jumpHosts.length + draft.forwards.length;
  const setForward = (i: number, patch: Partial<ForwardDraft>) => set({ forwards: draft.forwards.map((f, j) => (j === i ? { ...f, ...patch } : f)) });
  return (
    <Disclosure className="disclosure" defaultExpanded={count > 0}>
      <Heading className="disclosure-heading">
        <AriaButton slot="trigger" className="disclosure-trigger">
          <span className="disclosure-chevron" aria-hidden="true" />
          Jump hosts and extra forwards{count > 0 ? ` (${count})` : ''}
        </AriaButton>
      </Heading>
      <DisclosurePanel className="disclosure-panel">
        <div className="disclosure-body">
          <h4 className="subsection-title">Jump hosts</h4>
          <p className="muted small">Servers to go through first, in order (like ssh -J), for VMs without a public address.</p>
          {draft.jumpHosts.map((jump, i) => (
            <div className="repeat-row" key={i} role="group" aria-label={`Jump host ${i + 1}`}>
              <TextInput label="Address" value={jump.host} onChange={(host) => set({ jumpHosts: draft.jumpHosts.map((j, k) => (k === i ? { ...j, host } : j)) })} error={errors[`jumpHosts[${i}].host`]} placeholder="bastion.example.com" />
              <TextInput label="User" value={jump.user} onChange={(user) => set({ jumpHosts: draft.jumpHosts.map((j, k) => (k === i ? { ...j, user } : j)) })} error={errors[`jumpHosts[${i}].user`]} placeholder="Same as above" />
              <TextInput label="Port" className="narrow" value={jump.port} onChange={(port) => set({ jumpHosts: draft.jumpHosts.map((j, k) => (k === i ? { ...j, port } : j)) })} error={errors[`jumpHosts[${i}].port`]} placeholder="22" inputMode="numeric" />
              <Button variant="quiet" className="btn-icon repeat-remove" aria-label={`Remove jump host ${i + 1}`} onPress={() => set({ jumpHosts: draft.jumpHosts.filter((_, k) => k !== i) })}>
                <Icon name="close" />
              </Button>
            </div>
          ))}
          <Button onPress={() => set({ jumpHosts: [...draft.jumpHosts, { host: '', user: '', port: '' }] })}>
            <Icon name="plus" />
            Add a jump host
          </Button>

          <h4 className="subsection-title">Extra forwards</h4>
          <p className="muted small">Other ports to forward while connected, such as TensorBoard on 6006. They listen on 127.0.0.1 only.</p>
          {draft.forwards.map((forward, i) => (
            <div className="repeat-row" key={i} role="group" aria-label={`Forward ${i + 1}`}>
              <SelectField label="Direction" className="forward-direction" value={forward.kind} options={FORWARD_KINDS} onChange={(kind) => setForward(i, { kind: kind as ForwardDraft['kind'] })} />
              <TextInput label={forward.kind === 'remote' ? 'Port on the VM' : 'Port here'} className="narrow" value={forward.bindPort} onChange={(bindPort) => setForward(i, { bindPort })} error={errors[`forwards[${i}].bindPort`]} placeholder="6006" inputMode="numeric" />
              {forward.kind !== 'dynamic' ? (
                <>
                  <TextInput label={forward.kind === 'remote' ? 'To host (here)' : 'To host (on the VM)'} value={forward.targetHost} onChange={(targetHost) => setForward(i, { targetHost })} error={errors[`forwards[${i}].targetHost`]} placeholder="localhost" />
                  <TextInput label="To port" className="narrow" value={forward.targetPort} onChange={(targetPort) => setForward(i, { targetPort })} error={errors[`forwards[${i}].targetPort`]} placeholder="6006" inputMode="numeric" />
                </>
              ) : null}
              <Button variant="quiet" className="btn-icon repeat-remove" aria-label={`Remove forward ${i + 1}`} onPress={() => set({ forwards: draft.forwards.filter((_, k) => k !== i) })}>
                <Icon name="close" />
              </Button>
            </div>
          ))}
          <Button onPress={() => set({ forwards: [...draft.forwards, { kind: 'local', bindHost: '127.0.0.1', bindPort: '', targetHost: 'localhost', targetPort: '' }] })}>
            <Icon name="plus" />
            Add a forward
          </Button>
        </div>
      </DisclosurePanel>
    </Disclosure>
  );
}
