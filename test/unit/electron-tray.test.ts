/** main/electron/tray.ts against the electron stand-in: the native menu and icon it builds from the model. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrayAction } from '../../main/app/tray-model';
import { Tray, resetStandIn, type FakeMenuItemOptions } from '../support/electron-stand-in';
import { hostView, sessionView, states } from '../support/views';

vi.mock('electron', () => import('../support/electron-stand-in'));
const { PortholeTray, trayIconFile } = await import('../../main/electron/tray');

afterEach(() => resetStandIn());

function setup(platform: NodeJS.Platform = 'linux', overrides: Partial<Record<string, (args: unknown) => unknown>> = {}) {
  const calls: { command: string; args: unknown }[] = [];
  const errors: { action: TrayAction; error: unknown }[] = [];
  const record = (command: string) => (args: unknown) => (calls.push({ command, args }), null);
  const deps = {
    handlers: {
      'sessions:launch': overrides['sessions:launch'] ?? record('sessions:launch'),
      'sessions:connect': record('sessions:connect'),
      'sessions:open': record('sessions:open'),
      'sessions:disconnect': record('sessions:disconnect'),
      'sessions:retry': record('sessions:retry'),
      'cloud:stop-machine': record('cloud:stop-machine'),
    },
    showWindow: vi.fn(),
    quit: vi.fn(),
    onActionError: (action: TrayAction, error: unknown) => errors.push({ action, error }),
    platform,
  };
  const tray = new PortholeTray(deps as never);
  const native = Tray.instances.at(-1)!;
  return { tray, native, deps, calls, errors };
}

function find(items: readonly FakeMenuItemOptions[], path: readonly string[]): FakeMenuItemOptions {
  const [head, ...rest] = path;
  const item = items.find((candidate) => candidate.label?.startsWith(head!));
  if (item === undefined) throw new Error(`no menu item ${head}`);
  return rest.length === 0 ? item : find(item.submenu ?? [], rest);
}

/** Clicks run their handler on a later tick; wait for it. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('tray', () => {
  it('starts idle with Show and Quit', () => {
    const { native, deps } = setup();
    expect(native.image.path).toMatch(/assets[/\\]tray-idle\.png$/);
    expect(native.tooltip).toBe('Porthole: not connected');
    find(native.menu!.template, ['Show Porthole']).click!();
    find(native.menu!.template, ['Quit Porthole']).click!();
    expect(deps.showWindow).toHaveBeenCalledOnce();
    expect(deps.quit).toHaveBeenCalledOnce();
  });

  it('builds a submenu per host and runs its commands through the handlers', async () => {
    const { tray, native, calls } = setup();
    tray.update([hostView('gpu'), hostView('cpu')], [sessionView('cpu', states.ready)]);
    find(native.menu!.template, ['gpu:', 'Launch notebook']).click!();
    find(native.menu!.template, ['cpu:', 'Open notebook']).click!();
    find(native.menu!.template, ['cpu:', 'Disconnect']).click!();
    await settle();
    expect(calls).toEqual([
      { command: 'sessions:launch', args: { host: 'gpu', openBrowser: true } },
      { command: 'sessions:open', args: { host: 'cpu' } },
      { command: 'sessions:disconnect', args: { host: 'cpu' } },
    ]);
  });

  it('shows disabled items and labels as not clickable, separators as separators', () => {
    const { tray, native } = setup();
    tray.update([hostView('gpu')], [sessionView('gpu', states.failed)]);
    expect(find(native.menu!.template, ['gpu:', 'Connect (forwards only)']).enabled).toBe(false);
    expect(find(native.menu!.template, ['gpu:', 'The VM refused the key.'])).toEqual({ label: 'The VM refused the key.', enabled: false });
    expect(native.menu!.template).toContainEqual({ type: 'separator' });
  });

  it('changes the icon only when the state changes', () => {
    const { tray, native } = setup();
    tray.update([hostView('gpu')], [sessionView('gpu', states.connecting)]);
    tray.update([hostView('gpu')], [sessionView('gpu', states.starting)]);
    tray.update([hostView('gpu')], [sessionView('gpu', states.ready)]);
    tray.update([hostView('gpu')], [sessionView('gpu', states.failed)]);
    expect(native.images.map((image) => image.path.replace(/.*[/\\]/, ''))).toEqual(['tray-idle.png', 'tray-busy.png', 'tray-ready.png', 'tray-failed.png']);
  });

  it('uses template images on macOS', () => {
    const { native } = setup('darwin');
    expect(native.image.path).toMatch(/trayTemplate-idle\.png$/);
    expect(native.image.template).toBe(true);
  });

  it('uses a multi-size .ico on Windows, not a template', () => {
    const { native } = setup('win32');
    expect(native.image.path).toMatch(/assets[/\\]tray-idle\.ico$/);
    expect(native.image.template).toBe(false);
    expect(trayIconFile('failed', 'win32')).toBe('tray-failed.ico');
  });

  it('opens the window on a left click on Windows only', () => {
    const windows = setup('win32');
    windows.native.emit('click');
    expect(windows.deps.showWindow).toHaveBeenCalledOnce();
    const linux = setup('linux');
    expect(linux.native.listenerCount('click')).toBe(0);
  });

  it('reports a failing action instead of leaving it unhandled', async () => {
    const { tray, native, errors } = setup('linux', {
      'sessions:launch': () => {
        throw new Error('no such host');
      },
    });
    tray.update([hostView('gpu')], []);
    find(native.menu!.template, ['gpu:', 'Launch notebook']).click!();
    await settle();
    expect(errors).toEqual([{ action: { command: 'sessions:launch', host: 'gpu' }, error: new Error('no such host') }]);
  });

  it('warns about the VMs Porthole started, stops one from the menu, and keeps the list across other updates', async () => {
    const { tray, native, calls } = setup();
    const account = { provider: 'aws', profile: null, vaultCredential: 'student', region: 'eu-central-1' } as const;
    tray.update([hostView('gpu')], [], [{ provider: 'aws', id: 'i-0123456789abcdef0', name: 'gpu-box', account, host: 'gpu', runningSince: Date.now(), price: null, costSoFar: null }]);
    tray.update([hostView('gpu')], [sessionView('gpu', states.ready)]);
    expect(native.tooltip).toBe('Porthole: gpu ready; 1 VM running');
    find(native.menu!.template, ['⚠ 1 VM started by Porthole', 'Stop gpu-box']).click!();
    await settle();
    expect(calls).toEqual([{ command: 'cloud:stop-machine', args: { account, id: 'i-0123456789abcdef0' } }]);
    tray.update([hostView('gpu')], [], []);
    expect(native.tooltip).toBe('Porthole: not connected');
    tray.destroy();
  });
});
