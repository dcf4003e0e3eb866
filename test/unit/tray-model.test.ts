import { describe, expect, it } from 'vitest';
import { TOOLTIP_MAX, trayModel, type TrayItem } from '../../main/app/tray-model';
import type { SessionStateView, StartedMachineView } from '../../main/ipc/contract';
import { hostView, sessionView, states } from '../support/views';

const gpu = hostView('gpu');
const cpu = hostView('cpu');
const withForwards = hostView('db', { forwards: [{ kind: 'local', bindHost: '127.0.0.1', bindPort: 5432, remoteHost: 'localhost', remotePort: 5432 }] });

function submenu(items: readonly TrayItem[], host: string) {
  const found = items.find((item) => item.kind === 'submenu' && item.label.startsWith(`${host}:`));
  if (found?.kind !== 'submenu') throw new Error(`no submenu for ${host}`);
  return found;
}

/** The submenu as "label" / "label [disabled]" lines, the way a user reads it. */
function lines(items: readonly TrayItem[]): string[] {
  return items.map((item) => {
    switch (item.kind) {
      case 'action':
        return item.enabled ? item.label : `${item.label} [disabled]`;
      case 'label':
        return `(${item.label})`;
      case 'separator':
        return '---';
      case 'submenu':
        return `${item.label} >`;
    }
  });
}

describe('tray model: the icon state', () => {
  it('is idle with no sessions, and with only closed ones', () => {
    expect(trayModel([gpu], []).state).toBe('idle');
    expect(trayModel([gpu], [sessionView('gpu', states.closed)]).state).toBe('idle');
    expect(trayModel([gpu], []).tooltip).toBe('Porthole: not connected');
  });

  it.each<[string, SessionStateView]>([
    ['starting-vm', states.startingVm],
    ['waiting-for-ssh', states.waitingForSsh],
    ['connecting', states.connecting],
    ['awaiting-user', states.awaiting],
    ['starting-jupyter', states.starting],
    ['reconnecting', states.reconnecting],
    ['stopping', states.stopping],
  ])('is busy while a session is %s', (_name, state) => {
    expect(trayModel([gpu], [sessionView('gpu', state)]).state).toBe('busy');
  });

  it('is ready when every running session is ready', () => {
    const model = trayModel([gpu, cpu], [sessionView('gpu', states.ready), sessionView('cpu', states.ready)]);
    expect(model.state).toBe('ready');
    expect(model.tooltip).toBe('Porthole: gpu, cpu ready');
  });

  it('is busy, not ready, while one session is ready and another still connecting', () => {
    const model = trayModel([gpu, cpu], [sessionView('gpu', states.ready), sessionView('cpu', states.connecting)]);
    expect(model.state).toBe('busy');
    expect(model.tooltip).toBe('Porthole: connecting cpu');
  });

  it.each<[string, SessionStateView]>([
    ['failed', states.failed],
    ['server-stopped', states.serverStopped],
  ])('is failed when a session is %s, whatever the others do', (_name, state) => {
    const model = trayModel([gpu, cpu], [sessionView('gpu', states.ready), sessionView('cpu', state)]);
    expect(model.state).toBe('failed');
    expect(model.tooltip).toBe('Porthole: cpu needs attention');
  });

  it('keeps the tooltip within what Windows shows', () => {
    const many = Array.from({ length: 40 }, (_, i) => hostView(`a-rather-long-host-name-${i}`));
    const model = trayModel(many, many.map((host) => sessionView(host.name, states.ready)));
    expect(model.tooltip.length).toBeLessThanOrEqual(TOOLTIP_MAX);
    expect(model.tooltip.endsWith('…')).toBe(true);
  });
});

describe('tray model: the menu', () => {
  it('ends with Show Porthole and Quit, after a separator', () => {
    const { items } = trayModel([gpu], []);
    expect(items.slice(-3)).toEqual([
      { kind: 'separator' },
      { kind: 'action', label: 'Show Porthole', enabled: true, action: { command: 'window:show' } },
      { kind: 'action', label: 'Quit Porthole', enabled: true, action: { command: 'app:quit' } },
    ]);
  });

  it('offers to add a host when there is none', () => {
    expect(lines(trayModel([], []).items)).toEqual(['(No hosts yet)', 'Add a host…', '---', 'Show Porthole', 'Quit Porthole']);
  });

  it('lists one submenu per saved host, in order, with its status', () => {
    const { items } = trayModel([gpu, cpu], [sessionView('cpu', states.ready)]);
    expect(lines(items).slice(0, 2)).toEqual(['gpu: not connected >', 'cpu: ready >']);
  });

  it('offers Launch, and Connect only for a host with saved forwards, when not connected', () => {
    const { items } = trayModel([gpu, withForwards], []);
    expect(lines(submenu(items, 'gpu').items)).toEqual(['Launch notebook', 'Connect (forwards only) [disabled]']);
    expect(lines(submenu(items, 'db').items)).toEqual(['Launch notebook', 'Connect (forwards only)']);
    expect(submenu(items, 'gpu').items[0]).toMatchObject({ action: { command: 'sessions:launch', host: 'gpu' } });
    expect(submenu(items, 'db').items[1]).toMatchObject({ action: { command: 'sessions:connect', host: 'db' } });
  });

  it('treats a closed session like no session', () => {
    const { items } = trayModel([gpu], [sessionView('gpu', states.closed)]);
    expect(lines(submenu(items, 'gpu').items)).toEqual(['Launch notebook', 'Connect (forwards only) [disabled]']);
  });

  it('offers Open notebook and Disconnect when a notebook is ready', () => {
    const gpuMenu = submenu(trayModel([gpu], [sessionView('gpu', states.ready)]).items, 'gpu');
    expect(lines(gpuMenu.items)).toEqual(['Open notebook', 'Disconnect']);
    expect(gpuMenu.items.map((item) => (item.kind === 'action' ? item.action : null))).toEqual([
      { command: 'sessions:open', host: 'gpu' },
      { command: 'sessions:disconnect', host: 'gpu' },
    ]);
  });

  it('offers only Disconnect for a ready forwards-only session', () => {
    const session = sessionView('db', { kind: 'ready', notebook: null, forwards: [], reconnected: false }, { mode: 'forwards' });
    expect(lines(submenu(trayModel([withForwards], [session]).items, 'db').items)).toEqual(['Disconnect']);
  });

  it.each<[string, SessionStateView, string]>([
    ['starting-vm', states.startingVm, 'starting the VM'],
    ['starting-vm, still stopping', states.waitingVm, 'waiting for the VM to stop'],
    ['waiting-for-ssh', states.waitingForSsh, 'waiting for SSH on the VM'],
    ['starting-vm, not described yet', { kind: 'starting-vm', machineState: null, startedByPorthole: false }, 'asking the cloud about the VM'],
    ['connecting', states.connecting, 'connecting'],
    ['starting-jupyter', states.starting, 'starting Jupyter'],
    ['reconnecting', states.reconnecting, 'reconnecting'],
  ])('offers Disconnect while %s', (_name, state, status) => {
    const gpuMenu = submenu(trayModel([gpu], [sessionView('gpu', state)]).items, 'gpu');
    expect(gpuMenu.label).toBe(`gpu: ${status}`);
    expect(lines(gpuMenu.items)).toEqual(['Disconnect']);
  });

  it('leads to the window when the session waits on a question', () => {
    const gpuMenu = submenu(trayModel([gpu], [sessionView('gpu', states.awaiting)]).items, 'gpu');
    expect(gpuMenu.label).toBe('gpu: waiting for you');
    expect(gpuMenu.items[0]).toEqual({ kind: 'action', label: 'Answer in Porthole…', enabled: true, action: { command: 'window:show' } });
  });

  it('shows the error and offers Try again and Launch after a failure', () => {
    const gpuMenu = submenu(trayModel([gpu], [sessionView('gpu', states.failed)]).items, 'gpu');
    expect(gpuMenu.label).toBe('gpu: failed');
    expect(lines(gpuMenu.items)).toEqual(['(The VM refused the key.)', 'Try again', 'Launch notebook', 'Connect (forwards only) [disabled]']);
    expect(gpuMenu.items[1]).toMatchObject({ action: { command: 'sessions:retry', host: 'gpu' } });
  });

  it('offers to launch again when Jupyter stopped under a live connection', () => {
    const gpuMenu = submenu(trayModel([gpu], [sessionView('gpu', states.serverStopped)]).items, 'gpu');
    expect(gpuMenu.label).toBe('gpu: Jupyter stopped');
    expect(lines(gpuMenu.items)).toEqual(['Launch notebook', 'Disconnect']);
  });

  it('has nothing to click while disconnecting', () => {
    const gpuMenu = submenu(trayModel([gpu], [sessionView('gpu', states.stopping)]).items, 'gpu');
    expect(lines(gpuMenu.items)).toEqual(['(Disconnecting…)']);
  });

  it('ignores sessions of hosts no longer saved in the menu, but not in the icon', () => {
    const model = trayModel([gpu], [sessionView('removed', states.failed)]);
    expect(lines(model.items)[0]).toBe('gpu: not connected >');
    expect(model.items.filter((item) => item.kind === 'submenu')).toHaveLength(1);
    expect(model.state).toBe('failed');
  });
});

describe('tray model: VMs Porthole started', () => {
  const HOUR = 3_600_000;
  const vm = (patch: Partial<StartedMachineView> = {}): StartedMachineView => ({
    provider: 'aws',
    id: 'i-0123456789abcdef0',
    name: 'gpu-box',
    account: { provider: 'aws', profile: null, vaultCredential: 'student', region: 'eu-central-1' },
    host: 'gpu',
    runningSince: 0,
    price: { usdPerHour: 0.658, asOf: '2025-01-15' },
    costSoFar: 0.658,
    ...patch,
  });

  it('warns with the running VMs, their cost so far and a Stop each, above Show and Quit; the tooltip counts them', () => {
    const started = [vm(), vm({ provider: 'azure', id: 'course-rg/dsvm-01', name: 'dsvm-01', account: { provider: 'azure', subscriptionId: 'c0ffee00-0000-4000-8000-000000000001', tenantId: null }, host: null, runningSince: HOUR / 2, price: null, costSoFar: null })];
    const model = trayModel([gpu], [sessionView('gpu', states.ready)], started, HOUR);
    expect(lines(model.items)).toEqual(['gpu: ready >', '---', '⚠ 2 VMs started by Porthole still running: about $0.66 so far >', '---', 'Show Porthole', 'Quit Porthole']);
    const warning = model.items[2]!;
    if (warning.kind !== 'submenu') throw new Error('no submenu');
    expect(lines(warning.items)).toEqual([
      '(gpu-box (gpu): 1 h 00 min, about $0.66 so far, $0.66/h)',
      'Stop gpu-box',
      '(dsvm-01: 30 min, about cost unknown so far)',
      'Deallocate dsvm-01',
      '---',
      '(Estimates from list prices; they cost money until stopped.)',
    ]);
    expect(warning.items[1]).toMatchObject({ action: { command: 'cloud:stop-machine', id: 'i-0123456789abcdef0', account: { provider: 'aws', vaultCredential: 'student' } } });
    expect(model.tooltip).toBe('Porthole: gpu ready; 2 VMs running');
    expect(model.state).toBe('ready');
  });

  it('shows nothing of the kind when none runs', () => {
    expect(lines(trayModel([gpu], [], []).items)).toEqual(['gpu: not connected >', '---', 'Show Porthole', 'Quit Porthole']);
  });
});
