import { useState } from 'react';
import { ProgressBar } from 'react-aria-components';
import type { HostView, SessionView } from '../../../main/ipc/contract';
import { useApi, useSnapshot, useStore } from '../store/context';
import { useNow } from '../store/use-now';
import { useDialogs } from '../shell/dialogs';
import { Button } from '../ui/Button';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorNote } from '../ui/ErrorNote';
import { MoreMenu } from '../ui/MoreMenu';
import { useCommand } from '../ui/use-command';
import { needsClock, presentSession, type Action, type ActionKind } from './session-presentation';
import { useHostKeyWarning } from './HostKeyChangedLayer';
import { StopServerConfirm } from '../notebooks/StopServerConfirm';
import { describeHostAddress, presentCloud } from './cloud-presentation';
import { CloudCardLines } from './CloudCardLines';

/** One saved host: its live state from the last snapshot and the one obvious next step. */
export function HostCard({ host, session }: { host: HostView; session: SessionView | undefined }) {
  const api = useApi();
  const now = useNow(needsClock(session));
  const view = presentSession(session, { hasForwards: host.forwards.length > 0 }, now);
  const cloud = presentCloud(host, session, now);
  const [command, run] = useCommand();
  const [confirm, setConfirm] = useState<Confirmation | null>(null);
  const perform = usePerform(host, setConfirm, run);
  const titleId = `host-${host.name}-title`;

  return (
    <article className={`card host-card tone-${view.tone}`} aria-labelledby={titleId}>
      <div className="host-card-main">
        <div className="host-card-heading">
          <h3 id={titleId} className="host-name">
            {host.name}
          </h3>
          <span className={`badge badge-${view.tone}`}>
            <span className="badge-dot" aria-hidden="true" />
            {view.label}
          </span>
        </div>
        <p className="host-address">{describeHostAddress(host, session)}</p>
        {view.detail ? <p className="host-detail">{view.detail}</p> : null}
        {cloud ? <CloudCardLines lines={cloud} /> : null}
        {view.progress ? (
          <ProgressBar className="progress" value={view.progress.step} minValue={0} maxValue={view.progress.of} aria-label={`${host.name}: ${view.progress.text}`} valueLabel={`Step ${view.progress.step} of ${view.progress.of}`}>
            <span className="progress-label">
              Step {view.progress.step} of {view.progress.of}
            </span>
            <svg className="progress-track" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">
              <rect className="progress-rail" x="0" y="0" width="100" height="4" rx="2" />
              <rect className="progress-fill" x="0" y="0" width={progressFill(view.progress.step, view.progress.of)} height="4" rx="2" />
            </svg>
          </ProgressBar>
        ) : null}
        {view.error ? <ErrorNote error={view.error} /> : null}
        {command.error ? <ErrorNote error={command.error} /> : null}
      </div>
      <div className="host-card-actions">
        {view.secondary ? <ActionButton action={view.secondary} host={host.name} busy={false} onPress={perform} /> : null}
        {view.primary ? <ActionButton action={view.primary} host={host.name} busy={command.busy} primary onPress={perform} /> : null}
        <MoreMenu label={`More actions for ${host.name}`} actions={view.menu.map((a) => ({ ...a, danger: a.kind === 'remove' }))} onAction={perform} />
      </div>
      <ConfirmDialog
        isOpen={confirm === 'remove'}
        title={`Remove “${host.name}”?`}
        body={<p>Porthole forgets how to reach this VM. Nothing on the VM changes, and your keys stay in Keys.</p>}
        confirmLabel="Remove host"
        onClose={() => setConfirm(null)}
        onConfirm={() => {
          setConfirm(null);
          void run(() => api.hosts.remove({ name: host.name }));
        }}
      />
      <StopServerConfirm
        host={host.name}
        isOpen={confirm === 'stop-server'}
        onClose={() => setConfirm(null)}
        onDisconnect={() => {
          setConfirm(null);
          void run(() => api.sessions.disconnect({ host: host.name }));
        }}
        onStop={() => {
          setConfirm(null);
          void run(() => api.sessions.stopServer({ host: host.name }));
        }}
      />
    </article>
  );
}

/** The bar shows the current step half done: step 5 of 5 is still under way, not finished. */
function progressFill(step: number, of: number): number {
  return Math.max(0, Math.min(100, ((step - 0.5) / of) * 100));
}

/** Stopping things (Cancel, Disconnect) never wears the primary colour, even when it is the one action. */
const QUIET_ACTIONS: ReadonlySet<ActionKind> = new Set(['cancel', 'disconnect']);

function ActionButton({ action, host, busy, primary, onPress }: { action: Action; host: string; busy: boolean; primary?: boolean; onPress: (kind: ActionKind) => void }) {
  return (
    <Button variant={primary && !QUIET_ACTIONS.has(action.kind) ? 'primary' : 'secondary'} isPending={busy} onPress={() => onPress(action.kind)} data-host={host}>
      {action.label}
    </Button>
  );
}

/** The card actions that lose something, asked about first. */
type Confirmation = 'remove' | 'stop-server';

/** Each card action is one command; Cancel is a disconnect (it stops whatever step is running). */
function usePerform(host: HostView, setConfirm: (confirmation: Confirmation) => void, run: ReturnType<typeof useCommand>[1]) {
  const api = useApi();
  const store = useStore();
  const dialogs = useDialogs();
  const { sessions } = useSnapshot();
  const hostKey = useHostKeyWarning();
  const name = { host: host.name };
  return (kind: ActionKind): void => {
    switch (kind) {
      case 'launch':
        void run(() => api.sessions.launch({ host: host.name }));
        return;
      case 'open':
        void run(() => api.sessions.open(name));
        return;
      case 'disconnect':
      case 'cancel':
        void run(() => api.sessions.disconnect(name));
        return;
      case 'retry':
      case 'retry-now':
        void run(() => api.sessions.retry(name));
        return;
      case 'show-hostkey': {
        const session = sessions.find((s) => s.host === host.name);
        if (session) hostKey.show(session);
        return;
      }
      case 'copy-url':
        void run(() => api.sessions.copyUrl(name)).then((done) => {
          if (done !== null) store.notify({ level: 'info', title: 'Notebook address copied', body: 'Paste it into a browser within a minute; it logs in once.' });
        });
        return;
      case 'stop-server':
        setConfirm('stop-server');
        return;
      case 'connect-forwards':
        void run(() => api.sessions.connect(name));
        return;
      case 'edit':
        dialogs.show({ kind: 'host-editor', host });
        return;
      case 'remove':
        setConfirm('remove');
        return;
    }
  };
}
