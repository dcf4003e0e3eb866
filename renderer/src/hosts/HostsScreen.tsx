import { useSnapshot } from '../store/context';
import { useDialogs } from '../shell/dialogs';
import { ScreenHeader } from '../shell/ScreenHeader';
import { Button } from '../ui/Button';
import { Icon } from '../ui/Icon';
import { MoreMenu } from '../ui/MoreMenu';
import { FirstRun } from '../first-run/FirstRun';
import { HostCard } from './HostCard';

export function HostsScreen() {
  const { hosts, sessions, keys } = useSnapshot();
  const dialogs = useDialogs();
  if (hosts === null) return <p className="loading">Loading your hosts…</p>;
  if (hosts.length === 0) return <FirstRun keys={keys ?? []} />;
  return (
    <>
      <ScreenHeader
        title="Hosts"
        description="Your VMs. Launch notebook connects, starts Jupyter and opens it in your browser."
        actions={
          <>
            <MoreMenu
              label="Import hosts"
              text="Import…"
              actions={[
                { kind: 'ssh-config', label: 'Import from ~/.ssh/config' },
                { kind: 'putty', label: 'Import PuTTY sessions' },
              ]}
              onAction={(source) => dialogs.show({ kind: 'import', source })}
            />
            <Button variant="primary" onPress={() => dialogs.show({ kind: 'host-editor', host: null })}>
              <Icon name="plus" />
              Add a host
            </Button>
          </>
        }
      />
      <ul className="host-list" aria-label="Hosts">
        {hosts.map((host) => (
          <li key={host.name}>
            <HostCard host={host} session={sessions.find((s) => s.host === host.name)} />
          </li>
        ))}
      </ul>
    </>
  );
}
