/**
 * The VMs Porthole started in this run that still run: what the tray and the Quit question
 * warn about ("zombie charges" are what a forgotten VM costs). A VM enters when Porthole
 * asked the cloud to start it (the Cloud screen's Start, or a session's bring-up) and leaves
 * when Porthole stopped it, or when the cloud is seen to have it stopped. Costs are worked
 * out at each snapshot from the bundled price table, so they grow with the clock without
 * anything being stored.
 */
import type { CloudAccountView, StartedMachineView } from '../ipc/contract';
import { priceEstimate, runningCost } from '../cloud/prices';
import type { CloudAccount, CloudMachine } from '../cloud/provider';
import { accountViewOf, machineKey } from './cloud-accounts';

interface Entry {
  readonly account: CloudAccountView;
  readonly machine: Pick<CloudMachine, 'provider' | 'id' | 'name' | 'region' | 'instanceType'>;
  readonly host: string | null;
  readonly runningSince: number;
}

export class StartedMachines {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    /** Every change (a VM in or out, a host named), with the list as it is now. */
    private readonly onChange: (machines: StartedMachineView[]) => void,
  ) {}

  /**
   * Porthole asked the cloud to start `machine`. `since`: when it started running (the
   * cloud's launch time when it has one), else now. Seen again (a session's bring-up of a
   * VM the Cloud screen started), it keeps its start and gains the host.
   */
  started(account: CloudAccount, machine: CloudMachine, host: string | null, since?: number | null): void {
    const key = machineKey(account, machine.id);
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      if (host === null || existing.host === host) return;
      this.entries.set(key, { ...existing, host });
    } else {
      this.entries.set(key, { account: accountViewOf(account), machine: pick(machine), host, runningSince: since ?? this.now() });
    }
    this.changed();
  }

  /** Porthole stopped it, or the cloud says it no longer runs. Unknown machines change nothing. */
  stopped(account: CloudAccount, machineId: string): void {
    if (this.entries.delete(machineKey(account, machineId))) this.changed();
  }

  has(account: CloudAccount, machineId: string): boolean {
    return this.entries.has(machineKey(account, machineId));
  }

  /** The accounts and ids to stop on Quit. */
  list(): { account: CloudAccountView; id: string; name: string }[] {
    return [...this.entries.values()].map((entry) => ({ account: entry.account, id: entry.machine.id, name: entry.machine.name }));
  }

  views(): StartedMachineView[] {
    const now = this.now();
    return [...this.entries.values()]
      .map((entry): StartedMachineView => {
        const price = priceEstimate(entry.machine.provider, entry.machine.region, entry.machine.instanceType);
        return {
          provider: entry.machine.provider,
          id: entry.machine.id,
          name: entry.machine.name,
          account: entry.account,
          host: entry.host,
          runningSince: entry.runningSince,
          price,
          costSoFar: price === null ? null : runningCost(entry.runningSince, now, price.usdPerHour),
        };
      })
      .sort((a, b) => a.runningSince - b.runningSince || a.name.localeCompare(b.name));
  }

  private changed(): void {
    this.onChange(this.views());
  }
}

function pick(machine: CloudMachine): Entry['machine'] {
  return { provider: machine.provider, id: machine.id, name: machine.name, region: machine.region, instanceType: machine.instanceType };
}
