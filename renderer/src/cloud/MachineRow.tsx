import { useState, type ReactNode } from 'react';
import type { CloudAccountView, CloudMachineView } from '../../../main/ipc/contract';
import { useApi, useSnapshot } from '../store/context';
import { Button } from '../ui/Button';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorNote } from '../ui/ErrorNote';
import { useCommand } from '../ui/use-command';
import { AddAsHostDialog } from './AddAsHostDialog';
import { formatHourly } from './cost';
import { linkedHosts, presentMachine, type MachineActionKind } from './machine-presentation';

/** One machine: what it is, its state in plain words, its price, where it is, and its actions. */
export function MachineRow({ machine, account, onChanged, onShowHosts }: { machine: CloudMachineView; account: CloudAccountView; onChanged: (machine: CloudMachineView) => void; onShowHosts: () => void }) {
  const api = useApi();
  const { hosts } = useSnapshot();
  const [command, run] = useCommand();
  const [launch, runLaunch] = useCommand();
  // Until main's first machine-changed event says it is busy, the press itself shows.
  const [pressed, setPressed] = useState<MachineActionKind | null>(null);
  const [lastAction, setLastAction] = useState<MachineActionKind | null>(null);
  const [confirmStop, setConfirmStop] = useState(false);
  const [adding, setAdding] = useState(false);

  const busy = machine.busy ?? (pressed === 'start' ? 'starting' : pressed === 'stop' ? 'stopping' : null);
  const view = presentMachine({ ...machine, busy });
  const { primary, secondary } = view;
  const linked = linkedHosts(machine, hosts ?? []);
  const firstHost = linked[0];
  const label = machine.name || machine.id;
  const address = addressLine(machine);

  const perform = (kind: MachineActionKind): void => {
    setLastAction(kind);
    setPressed(kind);
    const call = kind === 'start' ? () => api.cloud.startMachine({ account, id: machine.id }) : () => api.cloud.stopMachine({ account, id: machine.id });
    void run(call).then((updated) => {
      setPressed(null);
      if (updated !== null) onChanged(updated);
    });
  };
  const onAction = (kind: MachineActionKind): void => (kind === 'stop' ? setConfirmStop(true) : perform(kind));

  return (
    <>
      <tr className={command.error ? 'has-error' : undefined}>
        <th scope="row" className="machine-cell">
          <span className="machine-name">{label}</span>
          {machine.provider === 'azure' ? (
            <span className="muted small machine-sub">Resource group {machine.id.split('/')[0]}</span>
          ) : machine.name ? (
            <span className="mono muted small machine-sub">{machine.id}</span>
          ) : null}
          {address !== null ? <span className="small machine-sub">{address}</span> : null}
          {linked.length > 0 || machine.startedByPorthole ? (
            <span className="machine-chips">
              {linked.map((h) => (
                <span key={h} className="chip chip-accent">
                  Host {h}
                </span>
              ))}
              {machine.startedByPorthole ? <span className="chip">Started by Porthole</span> : null}
            </span>
          ) : null}
        </th>
        <td>
          <span className={`badge badge-${view.tone}`}>
            <span className="badge-dot" aria-hidden="true" />
            {view.label}
          </span>
          {view.explanation ? <span className="muted small machine-explanation">{view.explanation}</span> : null}
        </td>
        <td>
          <span className="machine-type">{breakable(machine.instanceType)}</span>
          <span className="muted small machine-sub">{machine.price ? `est. ${formatHourly(machine.price)}` : 'No price estimate'}</span>
          {account.provider === 'azure' ? <span className="muted small machine-sub">{machine.region}</span> : null}
        </td>
        <td className="table-actions">
          <div className="table-actions-row">
            {secondary ? (
              <Button onPress={() => onAction(secondary.kind)} aria-label={`${secondary.label} ${label}`}>
                {secondary.label}
              </Button>
            ) : null}
            {primary ? (
              <Button variant={primary.kind === 'start' ? 'primary' : 'secondary'} onPress={() => onAction(primary.kind)} aria-label={`${primary.label} ${label}`}>
                {primary.label}
              </Button>
            ) : null}
            {firstHost !== undefined ? (
              <Button
                isPending={launch.busy}
                aria-label={`Launch notebook on ${firstHost}`}
                onPress={() =>
                  void runLaunch(() => api.sessions.launch({ host: firstHost })).then((done) => {
                    if (done !== null) onShowHosts();
                  })
                }
              >
                Launch notebook
              </Button>
            ) : machine.state !== 'terminated' && machine.state !== 'terminating' ? (
              <Button onPress={() => setAdding(true)} aria-label={`Add as host: ${label}`}>
                Add as host
              </Button>
            ) : null}
          </div>
        </td>
      </tr>
      {command.error || launch.error ? (
        <tr className="machine-error-row">
          <td colSpan={4}>
            {command.error ? (
              <ErrorNote error={command.error}>
                {lastAction !== null && command.error.retryable ? (
                  <div className="inline-actions">
                    <Button onPress={() => perform(lastAction)} aria-label={`Retry: ${lastAction === 'start' ? 'start' : 'stop'} ${label}`}>
                      Retry
                    </Button>
                  </div>
                ) : null}
              </ErrorNote>
            ) : null}
            {launch.error ? <ErrorNote error={launch.error} /> : null}
          </td>
        </tr>
      ) : null}
      <StopConfirm machine={machine} linked={linked} isOpen={confirmStop} onClose={() => setConfirmStop(false)} onConfirm={() => {
          setConfirmStop(false);
          perform('stop');
        }}
      />
      {adding ? <AddAsHostDialog machine={machine} account={account} onClose={() => setAdding(false)} onShowHosts={onShowHosts} /> : null}
    </>
  );
}

/** "Standard_NC4as_T4_v3" may wrap after its underscores (and "g4dn.xlarge" after its dot), never mid-word. */
function breakable(text: string): ReactNode[] {
  return text.split(/(?<=[_.])/).flatMap((part, i) => (i === 0 ? [part] : [<wbr key={i} />, part]));
}

/** Where the machine is reached: its public IP while it runs, and the key pair it lets in. */
function addressLine(machine: CloudMachineView): string | null {
  const running = machine.state === 'running' || machine.state === 'pending';
  const ip = machine.publicIp ?? (machine.state === 'running' ? 'No public IP' : null);
  const parts = [...(running && ip !== null ? [ip] : []), ...(machine.keyName ? [`key pair ${machine.keyName}`] : [])];
  return parts.length === 0 ? null : parts.join(' · ');
}

/** Stopping ends whatever runs on the VM: said before it happens, with what Azure's deallocate means. */
function StopConfirm({ machine, linked, isOpen, onClose, onConfirm }: { machine: CloudMachineView; linked: readonly string[]; isOpen: boolean; onClose: () => void; onConfirm: () => void }) {
  const { sessions } = useSnapshot();
  const label = machine.name || machine.id;
  const connected = linked.filter((h) => sessions.some((s) => s.host === h && s.state.kind !== 'closed' && s.state.kind !== 'failed'));
  const ends = connected.length > 0 ? ` The connection of ${connected.join(', ')} ends.` : '';
  const aws = machine.provider === 'aws';
  const running = machine.state === 'running' || machine.state === 'pending';
  return (
    <ConfirmDialog
      isOpen={isOpen}
      title={`${aws ? 'Stop' : 'Deallocate'} “${label}”?`}
      body={
        aws ? (
          <p>
            The instance shuts down{running ? ': notebooks and anything else running on it end' : ''}.{ends} Its disk is kept, and AWS stops billing its compute. It gets a new
            public IP when started again; Porthole finds it.
          </p>
        ) : (
          <p>
            Azure {running ? 'shuts the VM down and releases' : 'releases'} its compute, so it stops billing for it (a VM that is only “stopped” keeps costing).
            {running ? ' Notebooks and anything else running on it end.' : ''}
            {ends} Its disks are kept. Its public IP may change; Porthole finds the new one.
          </p>
        )
      }
      confirmLabel={aws ? 'Stop instance' : 'Deallocate VM'}
      onClose={onClose}
      onConfirm={onConfirm}
    />
  );
}
