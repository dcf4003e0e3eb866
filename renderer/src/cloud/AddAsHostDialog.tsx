import { useState } from 'react';
import { Form } from 'react-aria-components';
import type { CloudAccountView, CloudMachineView, HostView, KeyView } from '../../../main/ipc/contract';
import { useApi, useSnapshot } from '../store/context';
import { AppDialog, DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { ErrorNote, InfoNote } from '../ui/ErrorNote';
import { TextInput } from '../ui/TextInput';
import { useCommand } from '../ui/use-command';
import { formatHourly, providerName } from './cost';
import { suggestedHostName } from './machine-presentation';

const JUPYTER_BY_IMAGE: Record<NonNullable<CloudMachineView['knownImage']>, string> = {
  'aws-deep-learning': 'The Deep Learning AMI’s Jupyter, from its conda environments.',
  'azure-dsvm': 'The Data Science VM’s JupyterHub (https on port 8000, with its own certificate).',
  tljh: 'The Littlest JupyterHub (port 80).',
};

/** Whether the saved host logs in with a key Porthole keeps (not ssh-agent, not nothing). */
function keyInKeys(host: HostView, keys: readonly KeyView[]): boolean {
  const key = host.key;
  return key !== null && (key.kind === 'path' || (key.kind === 'vault' && keys.some((k) => k.name === key.name)));
}

/**
 * "Add as host": a saved host linked to the machine (user, key and Jupyter filled in by
 * main), then the offer to launch a notebook on it right away.
 */
export function AddAsHostDialog({ machine, account, onClose, onShowHosts }: { machine: CloudMachineView; account: CloudAccountView; onClose: () => void; onShowHosts: () => void }) {
  const api = useApi();
  const { hosts, keys } = useSnapshot();
  const [suggested] = useState(() => suggestedHostName(machine, (hosts ?? []).map((h) => h.name)));
  const [name, setName] = useState(suggested);
  const [submitted, setSubmitted] = useState(false);
  const [saved, setSaved] = useState<HostView | null>(null);
  const [command, run] = useCommand();
  const [launch, runLaunch] = useCommand();
  const cloud = providerName(machine.provider);

  const taken = (hosts ?? []).some((h) => h.name.toLowerCase() === name.trim().toLowerCase());
  const nameError = name.trim() === '' ? 'Give the host a name you will recognise.' : taken ? `You already have a host named “${name.trim()}”.` : undefined;
  const keyName = machine.keyName;
  const hasKey = keyName !== null && (keys ?? []).some((k) => k.name === keyName);

  if (saved !== null) {
    return (
      <AppDialog isOpen title={`“${saved.name}” is ready`} onClose={onClose} size="medium">
        <div className="dialog-body">
          <InfoNote icon="check">
            <p className="note-message">“{saved.name}” is saved in Hosts, linked to {machine.name || machine.id}.</p>
            <p className="note-hint">Launch notebook starts the VM if it is stopped, waits until SSH answers, starts Jupyter and opens it in your browser.</p>
          </InfoNote>
          {!keyInKeys(saved, keys ?? []) ? (
            <ErrorNote tone="warning" error={{ message: 'This host has no key from your Keys yet.', hint: `Import the key of key pair “${keyName ?? '…'}” (the .pem ${cloud} gave you) in Keys, or choose a key in the host’s settings; otherwise Porthole tries ssh-agent and ~/.ssh.` }} />
          ) : null}
          {machine.price ? (
            <p className="muted small">
              While it runs, the VM costs about {formatHourly(machine.price)} (estimate). Porthole shows the cost so far on the host’s card.
            </p>
          ) : null}
          {launch.error ? <ErrorNote error={launch.error} /> : null}
        </div>
        <DialogFooter>
          <Button onPress={onClose}>Close</Button>
          <Button
            variant="primary"
            isPending={launch.busy}
            onPress={() =>
              void runLaunch(() => api.sessions.launch({ host: saved.name })).then((done) => {
                if (done === null) return;
                onClose();
                onShowHosts();
              })
            }
          >
            Launch notebook
          </Button>
        </DialogFooter>
      </AppDialog>
    );
  }

  return (
    <AppDialog isOpen title={`Add “${machine.name || machine.id}” as a host`} subtitle={`${cloud} ${machine.provider === 'aws' ? 'instance' : 'VM'} ${machine.id}`} onClose={onClose} size="medium">
      <Form
        className="dialog-form"
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted(true);
          if (nameError !== undefined) return;
          void run(() => api.cloud.addAsHost({ account, id: machine.id, name: name.trim() })).then((host) => host && setSaved(host));
        }}
      >
        <div className="dialog-body">
          <TextInput label="Host name" value={name} onChange={setName} error={submitted || name !== suggested ? nameError : undefined} description="How the host is called in Hosts and the tray." isRequired autoFocus />
          <dl className="fact-list">
            <dt>Address</dt>
            <dd>Asked from {cloud} at every launch: a new IP after a restart needs nothing from you.</dd>
            <dt>User</dt>
            <dd>{machine.defaultUser ? <span className="mono">{machine.defaultUser}</span> : 'Not known for this image; set it in the host’s settings.'}</dd>
            <dt>Key</dt>
            <dd>
              {keyName === null
                ? 'The VM names no key pair; choose a key in the host’s settings.'
                : hasKey
                  ? `“${keyName}” from your Keys (named like the key pair).`
                  : `None in your Keys is named like key pair “${keyName}”: import its .pem in Keys (or pick a key later).`}
            </dd>
            <dt>Jupyter</dt>
            <dd>{machine.knownImage ? JUPYTER_BY_IMAGE[machine.knownImage] : 'Found on the VM at launch (or started there).'}</dd>
          </dl>
          {command.error ? <ErrorNote error={command.error} /> : null}
        </div>
        <DialogFooter>
          <Button onPress={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" isPending={command.busy}>
            Add host
          </Button>
        </DialogFooter>
      </Form>
    </AppDialog>
  );
}
