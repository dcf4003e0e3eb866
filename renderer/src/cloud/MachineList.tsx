import { useState } from 'react';
import { Input, Label, SearchField } from 'react-aria-components';
import type { CloudAccountView, CloudMachineView } from '../../../main/ipc/contract';
import { Button } from '../ui/Button';
import { ErrorNote } from '../ui/ErrorNote';
import { Icon } from '../ui/Icon';
import { formatPriceDate, providerName } from './cost';
import { MachineRow } from './MachineRow';
import { useMachines } from './use-machines';

/** Lists longer than this get a filter (a seminar's 40 VMs, say). */
const FILTER_FROM = 7;

function matches(machine: CloudMachineView, text: string): boolean {
  const needle = text.trim().toLowerCase();
  return needle === '' || [machine.name, machine.id, machine.publicIp ?? '', machine.instanceType, ...machine.hosts].some((s) => s.toLowerCase().includes(needle));
}

/** The machines of one account: state, type and price, address, hosts, and what can be done with each. */
export function MachineList({ account, where, onShowHosts }: { account: CloudAccountView; where: string; onShowHosts: () => void }) {
  const { machines, loading, error, reload, replace } = useMachines(account);
  const [filter, setFilter] = useState('');
  const cloud = providerName(account.provider);
  const noun = account.provider === 'aws' ? 'instance' : 'VM';

  if (machines === null) {
    if (error !== null) {
      return (
        <ErrorNote error={error}>
          <div className="inline-actions">
            <Button onPress={reload}>Retry</Button>
          </div>
        </ErrorNote>
      );
    }
    return (
      <p className="loading" role="status">
        Asking {cloud} for the {noun}s {where}…
      </p>
    );
  }

  const shown = machines.filter((m) => matches(m, filter));
  const running = machines.filter((m) => m.state === 'running').length;
  const dates = [...new Set(machines.flatMap((m) => (m.price ? [m.price.asOf] : [])))].sort();
  return (
    <section className="machine-list" aria-labelledby="machine-list-title">
      <div className="machine-toolbar">
        <div>
          <h3 id="machine-list-title" className="section-title">
            {machines.length} {noun}
            {machines.length === 1 ? '' : 's'} {where}
          </h3>
          <p className="muted small">{machines.length > 0 ? `${running} running` : ' '}</p>
        </div>
        <div className="machine-toolbar-actions">
          {machines.length >= FILTER_FROM ? (
            <SearchField className="field search-field" value={filter} onChange={setFilter}>
              <Label className="visually-hidden">Filter {noun}s</Label>
              <Input className="field-input" placeholder="Filter by name, id, IP or host" />
            </SearchField>
          ) : null}
          <Button onPress={reload} isPending={loading}>
            <Icon name="refresh" />
            Refresh
          </Button>
        </div>
      </div>
      {error !== null ? (
        <ErrorNote error={error}>
          <div className="inline-actions">
            <Button onPress={reload}>Retry</Button>
          </div>
        </ErrorNote>
      ) : null}
      {machines.length === 0 ? (
        <div className="empty-state compact">
          <Icon name="cloud" className="empty-icon" />
          <p>
            No {noun}s {where}.{' '}
            {account.provider === 'aws' ? 'Instances live in one region each: choose the region you made yours in.' : 'Check that the subscription is the one your VMs are in.'}
          </p>
        </div>
      ) : (
        <div className="card table-card">
          <table className="table machine-table">
            <thead>
              <tr>
                <th scope="col">{account.provider === 'aws' ? 'Instance and address' : 'VM and address'}</th>
                <th scope="col">State</th>
                <th scope="col">Type and price</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((machine) => (
                <MachineRow key={machine.id} machine={machine} account={account} onChanged={replace} onShowHosts={onShowHosts} />
              ))}
              {shown.length === 0 ? (
                <tr>
                  <td colSpan={4} className="muted">
                    No {noun} matches “{filter}”.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      )}
      {dates.length > 0 ? (
        <p className="muted small price-note">
          Prices are estimates: on-demand Linux list prices in USD from Porthole’s price table of {dates.map(formatPriceDate).join(' and ')}. Your bill may differ (disks, traffic,
          discounts).
        </p>
      ) : null}
    </section>
  );
}
