import { useState } from 'react';
import { Button as AriaButton, Disclosure, DisclosurePanel, Heading } from 'react-aria-components';
import type { SessionView, StartedMachineView } from '../../../main/ipc/contract';
import { useApi, useSnapshot } from '../store/context';
import { useNow } from '../store/use-now';
import { Button } from '../ui/Button';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorNote } from '../ui/ErrorNote';
import { Icon } from '../ui/Icon';
import { useCommand } from '../ui/use-command';
import { formatCost, formatDuration, liveCost, stopVerb } from './cost';

/** A session that is using its VM right now (the VM's cost is then no surprise). */
function inUse(machine: StartedMachineView, sessions: readonly SessionView[]): boolean {
  return machine.host !== null && sessions.some((s) => s.host === machine.host && s.state.kind !== 'closed' && s.state.kind !== 'failed');
}

/**
 * The VMs Porthole started that still run, with their cost so far: the "zombie charges"
 * warning, on every screen. Calm while a connection uses the VM; a warning once none does.
 */
export function StartedMachinesBanner() {
  const { startedMachines, sessions } = useSnapshot();
  const now = useNow(startedMachines.length > 0);
  if (startedMachines.length === 0) return null;
  const idle = startedMachines.filter((m) => !inUse(m, sessions));
  const total = startedMachines.reduce((sum, m) => sum + (costOf(m, now) ?? 0), 0);
  const priced = startedMachines.some((m) => costOf(m, now) !== null);
  const tone = idle.length > 0 ? 'warning' : 'info';
  const only = startedMachines.length === 1 ? startedMachines[0] : undefined;

  return (
    <section className={`started-banner started-banner-${tone}`} aria-label="Cloud VMs still running">
      <Icon name="cloud" className="started-banner-icon" />
      {only !== undefined ? (
        <div className="started-banner-body">
          <StartedMachineLine machine={only} now={now} inUse={idle.length === 0} />
        </div>
      ) : (
        <Disclosure className="started-banner-body started-disclosure">
          <Heading level={2} className="started-banner-heading">
            <AriaButton slot="trigger" className="more-info-trigger started-trigger">
              <span className="disclosure-chevron" aria-hidden="true" />
              {startedMachines.length} VMs Porthole started are still running
              {priced ? ` · ${formatCost(total)} so far (estimate)` : ''}
              {idle.length > 0 ? ` · ${idle.length} not in use` : ''}
            </AriaButton>
          </Heading>
          <DisclosurePanel className="started-list-panel">
            <ul className="started-list">
              {startedMachines.map((m) => (
                <li key={`${m.provider}:${m.id}`}>
                  <StartedMachineLine machine={m} now={now} inUse={inUse(m, sessions)} />
                </li>
              ))}
            </ul>
          </DisclosurePanel>
        </Disclosure>
      )}
    </section>
  );
}

function costOf(machine: StartedMachineView, now: number): number | null {
  return liveCost({ price: machine.price, runningSince: machine.runningSince, costSoFar: machine.costSoFar }, now);
}

function StartedMachineLine({ machine, now, inUse }: { machine: StartedMachineView; now: number; inUse: boolean }) {
  const api = useApi();
  const [confirm, setConfirm] = useState(false);
  const [command, run] = useCommand();
  const words = stopVerb(machine.provider);
  const cost = costOf(machine, now);
  const usage = machine.host === null ? '' : inUse ? ` · in use by ${machine.host}` : ` · ${machine.host} is not connected`;
  return (
    <div className="started-line">
      <p className="started-text">
        <strong>{machine.name || machine.id}</strong> is still running: started by Porthole {formatDuration(now - machine.runningSince)} ago
        {cost !== null ? ` · ${formatCost(cost)} so far (estimate)` : ''}
        {usage}
      </p>
      <Button isPending={command.busy} onPress={() => setConfirm(true)} aria-label={`${words.verb} VM ${machine.name || machine.id}`}>
        {words.verb} VM
      </Button>
      {command.error ? <ErrorNote error={command.error} /> : null}
      <ConfirmDialog
        isOpen={confirm}
        title={`${words.verb} “${machine.name || machine.id}”?`}
        body={
          <p>
            {machine.provider === 'aws' ? 'AWS stops the instance' : 'Azure deallocates the VM'} and stops billing its compute; its disk is kept. Anything running on it ends
            {machine.host !== null && inUse ? `, and ${machine.host} disconnects` : ''}.
          </p>
        }
        confirmLabel={`${words.verb} VM`}
        onClose={() => setConfirm(false)}
        onConfirm={() => {
          setConfirm(false);
          void run(() => api.cloud.stopMachine({ account: machine.account, id: machine.id }));
        }}
      />
    </div>
  );
}
