/**
 * The real Electron shell, where an Electron binary exists. These machines cannot download
 * one (Electron fetches its binary lazily, on first launch), so here the suite says why it
 * skips; on a developer machine after `npm start` has fetched it, it runs.
 *
 * Each test launches the built app (`npm run build` first: out/main/index.js) with its own
 * PORTHOLE_HOME, and PORTHOLE_E2E=1 so the main process exposes the tray's model (a
 * native tray icon cannot be inspected from outside).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import type { TrayAction, TrayModel } from '../../main/app/tray-model';
import type { PortholeApi, PromptView, SessionView } from '../../main/ipc/contract';
import { startTestHost } from '../env/host';
import { ensureDisplay, type Display } from '../support/xvfb';

/**
 * Finds the binary the way the electron package does, but without require('electron'):
 * that call starts a download when the binary is missing, and tests never download.
 */
function electronBinary(): { path: string } | { reason: string } {
  const packageDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { reason: `the Electron binary was never downloaded (no ${pathFile})` };
  const path = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { path } : { reason: `the Electron binary is missing (${path})` };
}

const binary = electronBinary();
if ('reason' in binary) {
  console.log(`[electron e2e] skipped: ${binary.reason}. Run \`npm start\` once on a machine with internet access to fetch it.`);
}

const MAIN = resolve(__dirname, '../../out/main/index.js');

declare global {
  // What index.ts exposes under PORTHOLE_E2E=1, and what the preload exposes to the page.
  var __portholeE2e: { trayModel(): TrayModel; trayPerform(action: TrayAction): void } | undefined;
  interface Window {
    porthole: PortholeApi;
  }
}

/** Polls `probe` until it returns a value (never a fixed sleep). */
async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

describe.skipIf('reason' in binary)('Electron app', () => {
  let display: Display;
  let home: string | null = null;
  const running: ElectronApplication[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
    display = await ensureDisplay();
  });
  afterAll(async () => {
    await display?.stop();
  });
  afterEach(async () => {
    for (const app of running.splice(0)) await close(app);
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    if (home !== null) rmSync(home, { recursive: true, force: true });
    home = null;
  });

  async function launch(): Promise<{ app: ElectronApplication; page: Page }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'porthole-e2e-home-'));
    home = dataDir;
    const app = await _electron.launch({
      executablePath: (binary as { path: string }).path,
      args: [MAIN, '--no-sandbox'],
      env: { ...(process.env as Record<string, string>), ...display.env, PORTHOLE_HOME: dataDir, PORTHOLE_E2E: '1' },
    });
    running.push(app);
    return { app, page: await app.firstWindow() };
  }

  /** Quit as the tray would; a Quit question left open (it should not be) must not hang the run. */
  async function close(app: ElectronApplication): Promise<void> {
    const exited = new Promise<void>((done) => {
      if (app.process().exitCode !== null) done();
      else app.process().once('exit', () => done());
    });
    await app.evaluate(() => globalThis.__portholeE2e?.trayPerform({ command: 'app:quit' })).catch(() => undefined);
    const timer = setTimeout(() => app.process().kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  const trayModel = (app: ElectronApplication) => app.evaluate(() => globalThis.__portholeE2e!.trayModel());
  const trayPerform = (app: ElectronApplication, action: TrayAction) => app.evaluate((_electron, a) => globalThis.__portholeE2e!.trayPerform(a), action);
  const windows = (app: ElectronApplication) =>
    app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => ({ visible: w.isVisible(), title: w.getTitle() })));

  it('opens a sandboxed window served from app://porthole whose only bridge is window.porthole', async () => {
    const { page } = await launch();
    await expect(page.title()).resolves.toBe('Porthole');
    expect(page.url()).toBe('app://porthole/index.html');
    const probe = await page.evaluate(async () => {
      const global = window as unknown as { require?: unknown; process?: unknown };
      return {
        require: typeof global.require,
        process: typeof global.process,
        domains: Object.keys(window.porthole).sort(),
        launch: typeof window.porthole.sessions.launch,
        on: typeof window.porthole.on,
        info: await window.porthole.app.getInfo({}),
      };
    });
    expect(probe.require).toBe('undefined');
    expect(probe.process).toBe('undefined');
    expect(probe.domains).toEqual(['app', 'hosts', 'keys', 'logs', 'on', 'prompts', 'sessions', 'settings']);
    expect(probe.launch).toBe('function');
    expect(probe.on).toBe('function');
    expect(probe.info).toMatchObject({ ok: true, value: { name: expect.any(String), version: expect.any(String) } });
  });

  it('shows the first-run screen to a new user', async () => {
    const { page } = await launch();
    await page.getByRole('heading', { name: 'No hosts yet' }).waitFor({ timeout: 15_000 });
  });

  it('keeps running in the tray when the window is closed, and the tray brings it back', async () => {
    const { app } = await launch();
    await until('the window to show', async () => ((await windows(app))[0]?.visible ? true : null));
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    await until('the window to hide', async () => ((await windows(app))[0]?.visible === false ? true : null));
    expect(app.process().exitCode).toBeNull();
    const model = await trayModel(app);
    expect(model.state).toBe('idle');
    expect(model.items.map((item) => ('label' in item ? item.label : '---'))).toEqual(['No hosts yet', 'Add a host…', '---', 'Show Porthole', 'Quit Porthole']);
    await trayPerform(app, { command: 'window:show' });
    await until('the window to come back', async () => ((await windows(app))[0]?.visible ? true : null));
    expect(await windows(app)).toHaveLength(1);
  });

  it('one click from the tray: Jupyter on the test host, ready, and the tray says so', async () => {
    const host = await startTestHost();
    cleanups.push(() => host.stop());
    const { app, page } = await launch();
    const saved = await page.evaluate(
      (h) =>
        window.porthole.hosts.save({
          originalName: null,
          host: { name: 'vm', host: h.host, port: h.port, user: h.user, key: { kind: 'path', path: h.key } },
        }),
      { host: host.host, port: host.port, user: host.user.name, key: host.clientKey.privatePath },
    );
    expect(saved).toMatchObject({ ok: true });
    await until('the host in the tray', async () => ((await trayModel(app)).items.some((i) => i.kind === 'submenu' && i.label.startsWith('vm:')) ? true : null));

    await trayPerform(app, { command: 'sessions:launch', host: 'vm' });
    // A first visit asks about the host key; the window answers it, like the user would.
    const ready = await until(
      'the session to be ready',
      async () => {
        const { sessions, prompts } = await page.evaluate(async () => ({
          sessions: await window.porthole.sessions.list({}),
          prompts: await window.porthole.prompts.list({}),
        }));
        const hostKey = prompts.ok ? (prompts.value as PromptView[]).find((p) => p.detail.kind === 'host-key') : undefined;
        if (hostKey) await page.evaluate((id) => window.porthole.prompts.answer({ id, answer: { kind: 'host-key', trust: 'once' } }), hostKey.id);
        const session = sessions.ok ? (sessions.value as SessionView[]).find((s) => s.host === 'vm') : undefined;
        if (session?.state.kind === 'failed') throw new Error(`launch failed: ${session.state.error.message}`);
        return session?.state.kind === 'ready' ? session.state : null;
      },
      120_000,
    );
    expect(ready.kind === 'ready' && ready.notebook?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    // The bare local address answers through the forward (Jupyter asks for a login without the token).
    const response = await fetch(ready.kind === 'ready' ? ready.notebook!.url : '', { redirect: 'manual' });
    expect(response.status).toBeLessThan(500);

    const model = await trayModel(app);
    expect(model.state).toBe('ready');
    expect(model.tooltip).toBe('Porthole: vm ready');
    const vm = model.items.find((i) => i.kind === 'submenu' && i.label === 'vm: ready');
    expect(vm?.kind === 'submenu' && vm.items.map((i) => ('label' in i ? i.label : ''))).toEqual(['Open notebook', 'Disconnect']);

    // Stop the server Porthole started, so Quit has nothing to ask.
    await page.evaluate(() => window.porthole.sessions.stopServer({ host: 'vm' }));
    await until('the session to close', async () => {
      const sessions = await page.evaluate(() => window.porthole.sessions.list({}));
      const session = sessions.ok ? (sessions.value as SessionView[]).find((s) => s.host === 'vm') : undefined;
      return session === undefined || session.state.kind === 'closed' ? true : null;
    });
    expect((await trayModel(app)).state).toBe('idle');
  }, 180_000);
});
