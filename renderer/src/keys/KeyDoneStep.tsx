import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import type { KeyView } from '../../../main/ipc/contract';
import { useApi, useStore } from '../store/context';
import { DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { ErrorNote, InfoNote } from '../ui/ErrorNote';
import { Icon } from '../ui/Icon';
import { useCommand } from '../ui/use-command';
import { describeKeyType } from './key-formats';
import { InstallKeyForm } from './InstallKeyForm';

/**
 * The public key, a Copy button, and where it has to be pasted for the VM to accept it.
 * `onAddHost` offers a new host with this key; null when the wizard came from the host
 * editor, where closing ("Use it for this host") goes back with the key picked.
 */
export function KeyDoneStep({ keyView, generated, onClose, onAddHost }: { keyView: KeyView; generated: boolean; onClose: () => void; onAddHost: (() => void) | null }) {
  const api = useApi();
  const store = useStore();
  const [copy, run] = useCommand();
  return (
    <>
      <div className="dialog-body">
        <InfoNote icon="check">
          <p className="note-message">“{keyView.name}” is saved.</p>
          <p className="muted small">
            {describeKeyType(keyView.type, keyView.bits)} · <span className="mono">{keyView.fingerprint}</span>
          </p>
          <p className="note-hint">{generated ? 'Now put its public half on your VM, so the VM lets this key in.' : 'If your VM already accepts this key — for example the .pem your cloud console gave you — you are done. Otherwise put the public half on the VM.'}</p>
        </InfoNote>
        <div className="public-key">
          <label className="field-label" htmlFor="public-key-text">
            Public key
          </label>
          {/* Read-only text: Tab reaches it, and Ctrl+A selects the key alone. */}
          <textarea id="public-key-text" className="public-key-text mono" readOnly rows={3} value={keyView.publicKey} spellCheck={false} />
          <Button
            onPress={() =>
              void run(() => api.keys.copyPublic({ name: keyView.name })).then((done) => {
                if (done !== null) store.notify({ level: 'info', title: 'Public key copied', body: 'Paste it where your VM takes SSH keys.' });
              })
            }
          >
            <Icon name="copy" />
            Copy public key
          </Button>
          {copy.error ? <ErrorNote error={copy.error} /> : null}
        </div>
        <h3 className="section-title">Where to paste it</h3>
        <Tabs className="tabs">
          <TabList className="tab-list" aria-label="Where to paste the public key">
            <Tab className="tab" id="aws">
              AWS
            </Tab>
            <Tab className="tab" id="azure">
              Azure
            </Tab>
            <Tab className="tab" id="server">
              Any server
            </Tab>
            <Tab className="tab" id="install">
              Install with a password
            </Tab>
          </TabList>
          <TabPanel className="tab-panel" id="aws">
            <ol className="steps-text">
              <li>Open the EC2 console, then Network &amp; Security → Key Pairs.</li>
              <li>Choose Actions → Import key pair, give it a name and paste the public key.</li>
              <li>Pick that key pair when you launch the instance.</li>
            </ol>
          </TabPanel>
          <TabPanel className="tab-panel" id="azure">
            <ol className="steps-text">
              <li>In the Azure portal, open SSH keys → Create → Upload existing public key, and paste it.</li>
              <li>Or, for an existing VM: the VM’s Help → Reset password → Add SSH public key.</li>
            </ol>
          </TabPanel>
          <TabPanel className="tab-panel" id="server">
            <p>
              Add it as one line to <span className="mono">~/.ssh/authorized_keys</span> of the user you log in as, on the VM.
            </p>
          </TabPanel>
          <TabPanel className="tab-panel" id="install">
            <InstallKeyForm keyName={keyView.name} />
          </TabPanel>
        </Tabs>
      </div>
      <DialogFooter>
        {onAddHost ? (
          <>
            <Button onPress={onClose}>Done</Button>
            <Button variant="primary" onPress={onAddHost}>
              Add a host with this key
            </Button>
          </>
        ) : (
          <Button variant="primary" onPress={onClose}>
            Use it for this host
          </Button>
        )}
      </DialogFooter>
    </>
  );
}

