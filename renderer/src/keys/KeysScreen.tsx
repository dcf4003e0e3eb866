import { useState } from 'react';
import type { KeyView } from '../../../main/ipc/contract';
import { useApi, useSnapshot, useStore } from '../store/context';
import { useDialogs } from '../shell/dialogs';
import { ScreenHeader } from '../shell/ScreenHeader';
import { Button } from '../ui/Button';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorNote } from '../ui/ErrorNote';
import { Icon } from '../ui/Icon';
import { useCommand } from '../ui/use-command';
import { describeKeyType, shortFormat } from './key-formats';
import { InstallKeyDialog } from './InstallKeyDialog';

export function KeysScreen() {
  const { keys, hosts } = useSnapshot();
  const dialogs = useDialogs();
  const actions = (
    <>
      <Button onPress={() => dialogs.show({ kind: 'key-wizard', mode: 'generate' })}>Generate a key</Button>
      <Button variant="primary" onPress={() => dialogs.show({ kind: 'key-wizard', mode: 'import' })}>
        <Icon name="key" />
        Import a key
      </Button>
    </>
  );
  if (keys === null) return <p className="loading">Loading your keys…</p>;
  return (
    <>
      {/* With no keys yet, the two ways in sit in the empty state itself rather than up here. */}
      <ScreenHeader title="Keys" description="Private keys stay encrypted with a key kept in your system keychain; only the public halves are shown here." actions={keys.length > 0 ? actions : undefined} />
      {keys.length === 0 ? (
        <section className="empty-state" aria-labelledby="keys-empty">
          <Icon name="key" className="empty-icon" />
          <h3 id="keys-empty">No keys yet</h3>
          <p>Import the .pem, OpenSSH or PuTTY key you already use, or generate a new one and add its public half to your VM.</p>
          <div className="empty-actions">{actions}</div>
        </section>
      ) : (
        <ul className="key-list" aria-label="Keys">
          {keys.map((key) => (
            <li key={key.name}>
              <KeyRow keyView={key} usedBy={(hosts ?? []).filter((h) => h.key?.kind === 'vault' && h.key.name === key.name).map((h) => h.name)} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function KeyRow({ keyView, usedBy }: { keyView: KeyView; usedBy: readonly string[] }) {
  const api = useApi();
  const store = useStore();
  const [confirm, setConfirm] = useState(false);
  const [installing, setInstalling] = useState(false);
  const [command, run] = useCommand();
  const titleId = `key-${keyView.name}`;
  return (
    <article className="card key-card" aria-labelledby={titleId}>
      <div className="key-card-main">
        <div className="host-card-heading">
          <h3 id={titleId} className="host-name">
            {keyView.name}
          </h3>
          <span className="chip">{describeKeyType(keyView.type, keyView.bits)}</span>
          <span className="chip">{shortFormat(keyView.format)}</span>
          {keyView.needsPassphrase ? <span className="chip">Passphrase-protected</span> : null}
        </div>
        <p className="mono fingerprint">{keyView.fingerprint}</p>
        <p className="muted small">
          {keyView.source === 'path' ? `Read from ${keyView.path ?? 'its file'} each time` : 'Kept encrypted in Porthole'}
          {keyView.comment ? ` · ${keyView.comment}` : ''}
          {usedBy.length > 0 ? ` · Used by ${usedBy.join(', ')}` : ''}
        </p>
        {command.error ? <ErrorNote error={command.error} /> : null}
      </div>
      <div className="host-card-actions">
        <Button
          onPress={() =>
            void run(() => api.keys.copyPublic({ name: keyView.name })).then((done) => {
              if (done !== null) store.notify({ level: 'info', title: 'Public key copied', body: `Paste it where your VM takes SSH keys (for example ~/.ssh/authorized_keys).` });
            })
          }
        >
          <Icon name="copy" />
          Copy public key
        </Button>
        <Button onPress={() => setInstalling(true)}>Install on host</Button>
        <Button variant="quiet" onPress={() => setConfirm(true)} aria-label={`Remove key ${keyView.name}`}>
          Remove
        </Button>
      </div>
      <InstallKeyDialog keyName={keyView.name} isOpen={installing} onClose={() => setInstalling(false)} />
      <ConfirmDialog
        isOpen={confirm}
        title={`Remove key “${keyView.name}”?`}
        body={
          <p>
            Porthole deletes its copy of this private key.
            {usedBy.length > 0 ? ` ${usedBy.join(', ')} will need another key.` : ''} If you have no other copy of the file, you cannot log in with this key again.
          </p>
        }
        confirmLabel="Remove key"
        busy={command.busy}
        onClose={() => setConfirm(false)}
        onConfirm={() => void run(() => api.keys.remove({ name: keyView.name })).then(() => setConfirm(false))}
      />
    </article>
  );
}
