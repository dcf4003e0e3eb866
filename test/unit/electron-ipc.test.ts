/** main/electron/ipc.ts against the electron stand-in: what registerIpc wires into ipcMain. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commandNames } from '../../main/ipc/contract';
import type { CommandHandlers } from '../../main/ipc/dispatch';
import { FakeWebContents, ipcMain, mainFrame, resetStandIn, subFrame } from '../support/electron-stand-in';

vi.mock('electron', () => import('../support/electron-stand-in'));
const { registerIpc, sendEvent } = await import('../../main/electron/ipc');
const { isAppUrl } = await import('../../main/electron/app-origin');

const APP = 'app://porthole/index.html';
const trusted = (url: string) => isAppUrl(url, null);

function handlers(): CommandHandlers {
  const calls: unknown[] = [];
  const all = Object.fromEntries(commandNames.map((name) => [name, (args: unknown) => (calls.push({ name, args }), null)])) as unknown as CommandHandlers;
  return Object.assign(all, {
    'app:get-info': () => ({ name: 'Porthole', version: '0.1.0', platform: 'linux' }),
    'sessions:launch': (args: unknown) => (calls.push(args), null),
    calls,
  });
}

afterEach(() => resetStandIn());

describe('registerIpc', () => {
  it('registers exactly one handler per contract command', () => {
    registerIpc(handlers(), trusted);
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...commandNames].sort());
  });

  it('answers the app’s own top-level page with the handler’s result', async () => {
    registerIpc(handlers(), trusted);
    await expect(ipcMain.invoke('app:get-info', mainFrame(APP), {})).resolves.toEqual({
      ok: true,
      value: { name: 'Porthole', version: '0.1.0', platform: 'linux' },
    });
  });

  it('passes validated arguments through to the handler', async () => {
    const h = handlers();
    registerIpc(h, trusted);
    await expect(ipcMain.invoke('sessions:launch', mainFrame(APP), { host: 'gpu', openBrowser: true })).resolves.toEqual({ ok: true, value: null });
    expect((h as unknown as { calls: unknown[] }).calls).toContainEqual({ host: 'gpu', openBrowser: true });
  });

  it.each([
    ['a sub-frame of the app', subFrame(APP, APP)],
    ['a foreign page', mainFrame('https://evil.example/')],
    ['a look-alike dev origin', mainFrame('http://localhost:5173.evil.com/')],
    ['a file:// page', mainFrame('file:///opt/Porthole/resources/app.asar/out/renderer/index.html')],
    ['a sender whose frame is gone', null],
  ])('refuses %s', async (_name, frame) => {
    registerIpc(handlers(), trusted);
    await expect(ipcMain.invoke('app:get-info', frame, {})).resolves.toMatchObject({ ok: false, error: { code: 'ipc.untrusted-sender' } });
  });

  it.each([
    ['an unknown field', { host: 'gpu', shell: 'rm -rf /' }],
    ['a wrong type', { host: 42 }],
    ['a missing field', {}],
    ['not an object', 'gpu'],
  ])('refuses bad arguments: %s', async (_name, args) => {
    const h = handlers();
    registerIpc(h, trusted);
    await expect(ipcMain.invoke('sessions:launch', mainFrame(APP), args)).resolves.toMatchObject({ ok: false, error: { code: 'ipc.invalid-arguments' } });
    expect((h as unknown as { calls: unknown[] }).calls).toEqual([]);
  });

  it('turns a throwing handler into an error result, never a rejection', async () => {
    registerIpc({ ...handlers(), 'sessions:open': () => Promise.reject(new Error('boom')) }, trusted);
    await expect(ipcMain.invoke('sessions:open', mainFrame(APP), { host: 'gpu' })).resolves.toMatchObject({ ok: false, error: { code: expect.any(String) } });
  });

  it('unregisters every handler when removed, so it can be registered again', () => {
    const remove = registerIpc(handlers(), trusted);
    remove();
    expect(ipcMain.handlers.size).toBe(0);
    expect(() => registerIpc(handlers(), trusted)).not.toThrow();
  });
});

describe('sendEvent', () => {
  it('sends to a live window and skips a destroyed one', () => {
    const contents = new FakeWebContents();
    sendEvent(contents as never, 'app:resumed', { at: 1 });
    contents.destroyed = true;
    sendEvent(contents as never, 'app:resumed', { at: 2 });
    expect(contents.sent).toEqual([{ channel: 'app:resumed', payload: { at: 1 } }]);
  });
});
