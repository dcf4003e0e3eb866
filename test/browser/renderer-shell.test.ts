/**
 * The built renderer in real Chromium. The preload's bridge is stood in for by the test
 * bridge (same shape, the app's own dispatcher; the real preload needs Electron, see test/e2e).
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../env/chromium';
import { serveDirectory } from '../support/static-server';
import { attachBridge } from './support/bridge';
import { ScenarioService } from './support/scenario';

describe('renderer shell in Chromium', () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveDirectory>>;
  beforeAll(async () => {
    site = await serveDirectory(resolve(__dirname, '../../out/renderer'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  async function open(bridge: 'present' | 'absent'): Promise<Page> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    if (bridge === 'present') await attachBridge(page, new ScenarioService());
    await page.goto(site.url);
    expect(errors).toEqual([]);
    return page;
  }

  it('shows the app, its sections and the version main reports', async () => {
    const page = await open('present');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Porthole');
    await page.getByRole('status').filter({ hasText: 'Porthole 9.8.7 · linux' }).waitFor();
    expect(await page.getByRole('navigation').getByRole('button').allTextContents()).toEqual(['Hosts', 'Cloud', 'Notebooks', 'Keys', 'Settings', 'Log']);
    await page.getByRole('heading', { level: 2, name: 'From your VM to Jupyter in your browser' }).waitFor();

    await page.getByRole('button', { name: 'Keys' }).click();
    await page.getByRole('heading', { level: 3, name: 'No keys yet' }).waitFor();
    expect(await page.getByRole('button', { name: 'Keys' }).getAttribute('aria-current')).toBe('page');
    await page.close();
  });

  it('Settings turns "Start Porthole when I log in" on and off through settings:update', async () => {
    const page = await browser.newPage();
    const service = new ScenarioService();
    await attachBridge(page, service);
    await page.goto(site.url);
    await page.getByRole('button', { name: 'Settings' }).click();
    const launchAtLogin = page.getByRole('switch', { name: 'Start Porthole when I log in' });
    expect(await launchAtLogin.isChecked()).toBe(false);
    expect(await launchAtLogin.isEnabled()).toBe(true);
    // Clicked where a user clicks: the switch's label (the input itself is visually hidden).
    await page.getByText('Start Porthole when I log in').click();
    await expect.poll(() => launchAtLogin.isChecked()).toBe(true);
    await page.getByText('Start Porthole when I log in').click();
    await expect.poll(() => launchAtLogin.isChecked()).toBe(false);
    expect(service.calls.filter((call) => call.name === 'settings:update').map((call) => call.args)).toEqual([{ patch: { launchAtLogin: true } }, { patch: { launchAtLogin: false } }]);
    expect(service.settings.launchAtLogin).toBe(false);
    await page.close();
  });

  it('says plainly when it is opened outside the desktop app', async () => {
    const page = await open('absent');
    await page.getByRole('status').filter({ hasText: 'Opened outside the Porthole app' }).waitFor();
    await page.close();
  });

  it('enforces its Content-Security-Policy: injected inline script does not run', async () => {
    const page = await open('present');
    const violated = await page.evaluate(
      () =>
        new Promise<string>((resolveViolation) => {
          document.addEventListener('securitypolicyviolation', (event) => {
            if (event.effectiveDirective.startsWith('script-src')) resolveViolation(event.effectiveDirective);
          });
          const script = document.createElement('script');
          script.textContent = 'window.__injected = true;';
          document.body.append(script);
        }),
    );
    expect(violated).toBe('script-src-elem');
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    await page.close();
  });

  it('keeps style-src strict: an injected inline <style> is refused and changes nothing', async () => {
    const page = await open('present');
    const before = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const violated = await page.evaluate(
      () =>
        new Promise<string>((resolveViolation) => {
          document.addEventListener('securitypolicyviolation', (event) => resolveViolation(event.effectiveDirective));
          const style = document.createElement('style');
          style.textContent = 'body { background-color: rgb(255, 0, 0) !important; }';
          document.head.append(style);
        }),
    );
    expect(violated).toBe('style-src-elem');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(before);
    await page.close();
  });
});
