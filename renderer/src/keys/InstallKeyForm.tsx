import { useState } from 'react';
import { useApi } from '../store/context';
import { Button } from '../ui/Button';
import { ErrorNote, InfoNote } from '../ui/ErrorNote';
import { TextInput } from '../ui/TextInput';
import { useCommand } from '../ui/use-command';
import { hostAddressProblem } from '../host-editor/validate';

/** Logs in once with a password (used, never kept) and appends the key to authorized_keys. */
export function InstallKeyForm({ keyName }: { keyName: string }) {
  const api = useApi();
  const [host, setHost] = useState('');
  const [user, setUser] = useState('');
  const [port, setPort] = useState('');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const [command, run] = useCommand();
  const [added, setAdded] = useState<boolean | null>(null);
  const hostError = tried ? hostAddressProblem(host) : undefined;
  const userError = tried && user.trim() === '' ? 'Enter the user name you log in as.' : undefined;
  const portNumber = port.trim() === '' ? 22 : Number(port);
  const portError = tried && (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) ? 'The SSH port is a whole number from 1 to 65535.' : undefined;
  const install = (): void => {
    setTried(true);
    if (hostAddressProblem(host) || user.trim() === '' || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) return;
    void run(() => api.keys.install({ name: keyName, host: host.trim(), port: portNumber, user: user.trim(), password })).then((r) => r && setAdded(r.added));
  };
  return (
    <div className="install-form">
      <p className="muted">For a VM you can log in to with a password today. Porthole adds the key to ~/.ssh/authorized_keys there; the password is used once and not kept.</p>
      <div className="form-grid">
        <TextInput label="Address" value={host} onChange={setHost} error={hostError} placeholder="203.0.113.7" />
        <TextInput label="User" value={user} onChange={setUser} error={userError} placeholder="azureuser" />
        <TextInput label="SSH port" value={port} onChange={setPort} error={portError} placeholder="22" inputMode="numeric" />
        <TextInput label="Password" type="password" value={password} onChange={setPassword} />
      </div>
      <div className="inline-actions">
        <Button variant="primary" isPending={command.busy} onPress={install}>
          Install on host
        </Button>
      </div>
      {command.error ? <ErrorNote error={command.error} /> : null}
      {added !== null ? <InfoNote icon="check">{added ? 'The key was added. You can now log in with it.' : 'That VM already had this key: nothing to add.'}</InfoNote> : null}
    </div>
  );
}
