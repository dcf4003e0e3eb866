/** main/electron/notifier.ts and quit.ts against the electron stand-in. */
import type { StartedMachineView } from '../../main/ipc/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Notification, app, dialog, resetStandIn } from '../support/electron-stand-in';
import { sessionView, states } from '../support/views';

vi.mock('electron', () => import('../support/electron-stand-in'));
const { SessionNotifier } = await import('../../main/electron/notifier');
const { createQuitter } = await import('../../main/electron/quit');

afterEach(() => resetStandIn());

describe('session notifier', () => {
  const starting = [sessionView('gpu', states.starting)];
  const ready = [sessionView('gpu', states.ready)];

  it('shows an OS notification for a change while the window is not focused', async () => {
    const showWindow = vi.fn();
    const notifier = new SessionNotifier({ enabled: async () => true, windowFocused: () => false, showWindow }, starting);
    await notifier.update(ready);
    expect(Notification.shown.map((n) => n.options.title)).toEqual(['Jupyter is ready on gpu']);
    Notification.shown[0]!.emit('click');
    expect(showWindow).toHaveBeenCalledOnce();
  });

  it('does not announce what was already true at start, nor the same snapshot twice', async () => {
    const notifier = new SessionNotifier({ enabled: async () => true, windowFocused: () => false, showWindow: vi.fn() }, ready);
    await notifier.update(ready);
    await notifier.update(ready);
    expect(Notification.shown).toEqual([]);
  });

  it('stays quiet while the window is focused, and when the setting is off', async () => {
    const focused = new SessionNotifier({ enabled: async () => true, windowFocused: () => true, showWindow: vi.fn() }, starting);
    await focused.update(ready);
    const off = new SessionNotifier({ enabled: async () => false, windowFocused: () => false, showWindow: vi.fn() }, starting);
    await off.update(ready);
    expect(Notification.shown).toEqual([]);
  });

  it('treats an unreadable setting as on', async () => {
    const notifier = new SessionNotifier({ enabled: () => Promise.reject(new Error('not ready')), windowFocused: () => false, showWindow: vi.fn() }, starting);
    await notifier.update(ready);
    expect(Notification.shown).toHaveLength(1);
  });
});

describe('quit', () => {
  function quitter(servers: { host: string; pid: number; remotePort: number }[], shutdown: () => Promise<void> = vi.fn(async () => undefined), vms: StartedMachineView[] = []) {
    return { q: createQuitter({ runningServersStarted: () => servers, startedMachines: () => vms, shutdown, parentWindow: () => null }), shutdown };
  }

  it('closes the tunnels and exits without asking when no server of ours runs', async () => {
    const { q, shutdown } = quitter([]);
    await expect(q.quit()).resolves.toBe(true);
    expect(dialog.messageBoxes).toEqual([]);
    expect(shutdown).toHaveBeenCalledWith({ stopServers: false, stopVms: false });
    expect(app.exitCalls).toEqual([0]);
  });

  it.each([
    [0, true],
    [1, false],
  ])('answer %i: shuts down with stopServers %s, then exits', async (response, stopServers) => {
    dialog.nextResponse = response;
    const { q, shutdown } = quitter([{ host: 'gpu', pid: 1, remotePort: 8888 }]);
    await q.quit();
    expect(dialog.messageBoxes).toEqual([expect.objectContaining({ message: 'Jupyter is still running on gpu.', buttons: ['Stop them', 'Keep them running', 'Cancel'], cancelId: 2 })]);
    expect(shutdown).toHaveBeenCalledWith({ stopServers, stopVms: stopServers });
    expect(app.exitCalls).toEqual([0]);
  });

  it('asks about the VMs Porthole started even with no server, and Stop them stops the VMs', async () => {
    dialog.nextResponse = 0;
    const vm: StartedMachineView = { provider: 'aws', id: 'i-0123456789abcdef0', name: 'gpu-box', account: { provider: 'aws', profile: null, vaultCredential: 'student', region: 'eu-central-1' }, host: 'gpu', runningSince: Date.now(), price: { usdPerHour: 0.658, asOf: '2025-01-15' }, costSoFar: 0.33 };
    const { q, shutdown } = quitter([], undefined, [vm]);
    await q.quit();
    expect(dialog.messageBoxes).toEqual([expect.objectContaining({ message: 'The VM gpu-box, which Porthole started, is still running (about $0.33 so far).', buttons: ['Stop them', 'Keep them running', 'Cancel'] })]);
    expect(shutdown).toHaveBeenCalledWith({ stopServers: true, stopVms: true });
  });

  it('Cancel keeps Porthole running, and a later Quit asks again', async () => {
    dialog.nextResponse = 2;
    const { q, shutdown } = quitter([{ host: 'gpu', pid: 1, remotePort: 8888 }]);
    await expect(q.quit()).resolves.toBe(false);
    expect(q.quitting).toBe(false);
    expect(shutdown).not.toHaveBeenCalled();
    expect(app.exitCalls).toEqual([]);
    dialog.nextResponse = 1;
    await q.quit();
    expect(dialog.messageBoxes).toHaveLength(2);
    expect(app.exitCalls).toEqual([0]);
  });

  it('a second Quit while the first is under way does nothing more', async () => {
    let finish: () => void = () => undefined;
    const shutdown = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const { q } = quitter([], shutdown);
    const first = q.quit();
    await Promise.resolve();
    expect(q.quitting).toBe(true);
    await q.quit();
    await q.quitNow();
    finish();
    await first;
    expect(shutdown).toHaveBeenCalledOnce();
    expect(app.exitCalls).toEqual([0]);
  });

  it('exits even when the shutdown fails or hangs', async () => {
    const failing = createQuitter({ runningServersStarted: () => [], shutdown: () => Promise.reject(new Error('ssh gone')), parentWindow: () => null });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await failing.quit();
    errors.mockRestore();
    const hanging = createQuitter({ runningServersStarted: () => [], shutdown: () => new Promise(() => undefined), parentWindow: () => null, shutdownTimeoutMs: 20 });
    await hanging.quit();
    expect(app.exitCalls).toEqual([0, 0]);
  });

  it('quitNow (logout, power-off) keeps the servers and asks nothing', async () => {
    const { q, shutdown } = quitter([{ host: 'gpu', pid: 1, remotePort: 8888 }]);
    await q.quitNow();
    expect(dialog.messageBoxes).toEqual([]);
    expect(shutdown).toHaveBeenCalledWith({ stopServers: false, stopVms: false });
  });
});
