import { useEffect, useState } from 'react';
import type { RemoteServerView, SessionView } from '../../../main/ipc/contract';
import { useApi, useSnapshot, useStore } from '../store/context';
import { ScreenHeader } from '../shell/ScreenHeader';
import { Button } from '../ui/Button';
import { ErrorNote } from '../ui/ErrorNote';
import { Icon } from '../ui/Icon';
import { useCommand } from '../ui/use-command';
import { StopServerConfirm } from './StopServerConfirm';

/** Hosts with a live connection: the ones whose servers can be listed. */
function isConnected(session: SessionView): boolean {
  return session.state.kind === 'ready' || session.state.kind === 'server-stopped';
}

export function NotebooksScreen({ onShowHosts }: { onShowHosts: () => void }) {
  const { sessions } = useSnapshot();
  const connected = sessions.filter(isConnected);
  return (
    <>
      <ScreenHeader title="Notebooks" description="Jupyter servers running on the hosts you are connected to." />
      {connected.length === 0 ? (
        <section className="empty-state" aria-labelledby="notebooks-empty">
          <Icon name="book" className="empty-icon" />
          <h3 id="notebooks-empty">No notebooks running</h3>
          <p>Launch a notebook from Hosts: it appears here with its local address, and you can open, copy or stop it.</p>
          <Button variant="primary" onPress={onShowHosts}>
            Go to Hosts
          </Button>
        </section>
      ) : (
        connected.map((session) => <HostServers key={session.host} session={session} />)
      )}
    </>
  );
}

function HostServers({ session }: { session: SessionView }) {
  const api = useApi();
  const [servers, setServers] = useState<readonly RemoteServerView[] | null>(null);
  const [list, run] = useCommand();
  const stateKey = session.state.kind === 'ready' ? `${session.state.notebook?.serverPid ?? ''}` : session.state.kind;
  useEffect(() => {
    void run(() => api.sessions.listServers({ host: session.host })).then((found) => found && setServers(found));
  }, [api, run, session.host, stateKey]);
  const notebook = session.state.kind === 'ready' ? session.state.notebook : null;
  return (
    <section className="card notebook-group" aria-labelledby={`nb-${session.host}`}>
      <header className="notebook-group-header">
        <h3 id={`nb-${session.host}`} className="host-name">
          {session.host}
        </h3>
        {notebook ? <span className="badge badge-success"><span className="badge-dot" aria-hidden="true" />Open at 127.0.0.1:{notebook.localPort}</span> : null}
      </header>
      {list.error ? <ErrorNote error={list.error} /> : null}
      {servers === null && !list.error ? <p className="muted">Asking the VM which servers run…</p> : null}
      {servers?.length === 0 ? <p className="muted">No Jupyter server is running on this VM.</p> : null}
      {servers && servers.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col">Folder</th>
              <th scope="col">Port on VM</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {servers.map((server) => (
              <ServerRow key={server.pid} host={session.host} server={server} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function ServerRow({ host, server }: { host: string; server: RemoteServerView }) {
  const api = useApi();
  const store = useStore();
  const [command, run] = useCommand();
  const [confirmStop, setConfirmStop] = useState(false);
  return (
    <tr>
      <td>
        {server.kind}
        {server.version ? ` ${server.version}` : ''}
        {server.current ? <span className="chip chip-accent">This session</span> : null}
        <div className="muted small">pid {server.pid}</div>
      </td>
      <td className="mono">{server.rootDir}</td>
      <td>{server.port}</td>
      <td className="table-actions">
        <div className="table-actions-row">
          {server.current ? (
            <>
              <Button variant="primary" onPress={() => void run(() => api.sessions.open({ host }))}>
                Open
              </Button>
              <Button
                aria-label="Copy URL"
                onPress={() =>
                  void run(() => api.sessions.copyUrl({ host })).then((done) => {
                    if (done !== null) store.notify({ level: 'info', title: 'Notebook address copied', body: 'It logs a browser in once, within a minute.' });
                  })
                }
              >
                <Icon name="copy" />
                Copy URL
              </Button>
              <Button variant="danger" onPress={() => setConfirmStop(true)}>
                Stop
              </Button>
              <StopServerConfirm
                host={host}
                isOpen={confirmStop}
                onClose={() => setConfirmStop(false)}
                onDisconnect={() => {
                  setConfirmStop(false);
                  void run(() => api.sessions.disconnect({ host }));
                }}
                onStop={() => {
                  setConfirmStop(false);
                  void run(() => api.sessions.stopServer({ host }));
                }}
              />
            </>
          ) : (
            <span className="muted small">Started outside this session</span>
          )}
        </div>
        {command.error ? <ErrorNote error={command.error} /> : null}
      </td>
    </tr>
  );
}
