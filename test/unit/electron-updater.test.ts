/**
 * main/electron/updater.ts against a stand-in for electron-updater's AppUpdater (the real one
 * needs a packaged app and a release feed): what it checks when, and that a downloaded update
 * restarts Porthole only when the policy allows.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { DebUpdater } from 'electron-updater';
import type { SessionView } from '../../main/ipc/contract';
import { UPDATE_CHECK_INTERVAL_MS } from '../../main/app/update-policy';
import { installModeOf, startUpdates, type Updater, type Updates } from '../../main/electron/updater';
import { sessionView, states } from '../support/views';

class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  logger: unknown = console;
  checks = 0;
  installs: [boolean | undefined, boolean | undefined][] = [];
  failNextCheck: Error | null = null;
  checkForUpdates(): Promise<null> {
    this.checks++;
    const failure = this.failNextCheck;
    this.failNextCheck = null;
    if (failure) {
      this.emit('error', failure);
      return Promise.reject(failure);
    }
    return Promise.resolve(null);
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

const running: Updates[] = [];
afterEach(() => running.splice(0).forEach((updates) => updates.stop()));

function setup(options: { sessions?: SessionView[]; focused?: boolean; updater?: FakeUpdater } = {}) {
  const updater = options.updater ?? new FakeUpdater();
  const world = { sessions: options.sessions ?? [], questions: 0, focused: options.focused ?? false, now: 1_000_000 };
  const logs: string[] = [];
  const notices: { title: string; body: string }[] = [];
  const updates = startUpdates({
    updater: updater as unknown as Updater,
    sessions: () => world.sessions,
    openQuestions: () => world.questions,
    windowFocused: () => world.focused,
    log: (level, message) => logs.push(`${level}: ${message}`),
    announce: (title, body) => notices.push({ title, body }),
    now: () => world.now,
  });
  running.push(updates);
  return { updater, world, logs, notices, updates };
}

describe('the updater', () => {
  it('downloads by itself and installs what waits when the user quits', () => {
    const { updater } = setup();
    expect(updater.autoDownload).toBe(true);
    expect(updater.autoInstallOnAppQuit).toBe(true);
  });

  it('checks at start, not again the same day, and again once a day has passed', () => {
    const { updater, world, updates } = setup();
    updates.checkIfDue();
    updates.checkIfDue();
    expect(updater.checks).toBe(1);
    world.now += UPDATE_CHECK_INTERVAL_MS - 1;
    updates.checkIfDue();
    expect(updater.checks).toBe(1);
    world.now += 1;
    updates.checkIfDue();
    expect(updater.checks).toBe(2);
  });

  it('logs a failed check (offline, no release feed) as a warning, with no unhandled rejection', async () => {
    const { updater, updates, logs } = setup();
    updater.failNextCheck = new Error('net::ERR_INTERNET_DISCONNECTED\n    at stack');
    updates.checkIfDue();
    await new Promise((resolve) => setImmediate(resolve));
    expect(logs).toContain('warn: Could not check for or download an update: net::ERR_INTERNET_DISCONNECTED');
  });

  it('restarts into a downloaded update at once when nothing is connected', () => {
    const { updater, logs } = setup();
    updater.emit('update-available', { version: '1.2.0' });
    updater.emit('update-downloaded', { version: '1.2.0' });
    expect(updater.installs).toEqual([[true, true]]);
    expect(logs).toContain('info: Restarting to install Porthole 1.2.0: nothing is connected.');
  });

  it('never restarts while a session is live; says so once, and installs when the last session ends', () => {
    const { updater, world, updates, notices } = setup({ sessions: [sessionView('gpu-1', states.ready)] });
    updater.emit('update-downloaded', { version: '1.2.0' });
    updates.reconsider();
    world.sessions = [sessionView('gpu-1', states.reconnecting)];
    updates.reconsider();
    expect(updater.installs).toEqual([]);
    expect(notices).toEqual([{ title: 'Porthole 1.2.0 is ready to install', body: expect.stringContaining('"gpu-1" is connected now') }]);

    world.sessions = [sessionView('gpu-1', states.closed)];
    updates.reconsider();
    expect(updater.installs).toEqual([[true, true]]);
    // Installing already: nothing more happens, not even another check.
    updates.reconsider();
    updates.checkIfDue();
    expect(updater.installs).toHaveLength(1);
    expect(updater.checks).toBe(0);
  });

  it('waits for an open question to be answered and for the user to leave the window', () => {
    const { updater, world, updates, notices, logs } = setup({ focused: true });
    world.questions = 1;
    updater.emit('update-downloaded', { version: '1.2.0' });
    world.questions = 0;
    updates.reconsider();
    expect(updater.installs).toEqual([]);
    // Shown once; the log follows what it waits for.
    expect(notices.map((notice) => notice.body)).toEqual(['Porthole restarts to install it once its question is answered, or when you quit.']);
    expect(logs.filter((line) => line.includes('ready to install'))).toEqual([
      'info: Porthole 1.2.0 is ready to install. Porthole restarts to install it once its question is answered, or when you quit.',
      'info: Porthole 1.2.0 is ready to install. Porthole restarts to install it once you leave this window, or when you quit.',
    ]);
    world.focused = false;
    updates.reconsider();
    expect(updater.installs).toEqual([[true, true]]);
  });

  it('installs Linux packages (the system asks for a password) only on quit', () => {
    // A stand-in that electron-updater's own type check takes for its .deb updater.
    const deb = new FakeUpdater();
    Object.setPrototypeOf(deb, Object.create(DebUpdater.prototype, Object.getOwnPropertyDescriptors(FakeUpdater.prototype)));
    expect(installModeOf(deb as unknown as Updater)).toBe('needs-password');
    expect(installModeOf(new FakeUpdater() as unknown as Updater)).toBe('restart');

    const { updater, notices } = setup({ updater: deb });
    updater.emit('update-downloaded', { version: '1.2.0' });
    expect(updater.installs).toEqual([]);
    expect(notices).toEqual([{ title: 'Porthole 1.2.0 is ready to install', body: 'It installs when you quit Porthole; your system asks for your password then.' }]);
  });
});
