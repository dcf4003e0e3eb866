/**
 * Keyboard only: from the first-run screen to a saved host and its Launch notebook, with
 * Tab, typing, Enter and Space (no mouse), through the test bridge and a scenario service.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../env/chromium';
import { serveDirectory } from '../support/static-server';
import { attachBridge } from './support/bridge';
import { key, ScenarioService } from './support/scenario';

async function tabTo(page: Page, name: string, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? (el.getAttribute('aria-label') ?? el.innerText ?? '').trim() : '';
    });
    if (focused === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe('first run by keyboard only', () => {
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

  it('Add a host → fill the form → Save → Launch notebook, with Tab/Enter/Space', async () => {
    const service = new ScenarioService();
    service.keys = [key('aws-course')];
    const page = await browser.newPage();
    await attachBridge(page, service);
    await page.goto(site.url);
    await page.getByRole('status').filter({ hasText: 'Porthole 9.8.7' }).waitFor();

    await tabTo(page, 'Add a host');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Add a host' });
    await dialog.waitFor();
    // Name has focus first.
    await page.keyboard.type('gpu-vm');
    await page.keyboard.press('Tab');
    await page.keyboard.type('203.0.113.7');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ubuntu');
    await tabTo(page, 'Save');
    await page.keyboard.press('Space');
    await dialog.waitFor({ state: 'detached' });

    const saved = service.calls.find((c) => c.name === 'hosts:save')?.args as { host: { name: string; host: string; user: string; key: unknown } };
    expect(saved.host).toMatchObject({ name: 'gpu-vm', host: '203.0.113.7', user: 'ubuntu', key: { kind: 'vault', name: 'aws-course' } });

    const card = page.getByRole('article', { name: 'gpu-vm' });
    await card.waitFor();
    await tabTo(page, 'Launch notebook');
    await page.keyboard.press('Enter');
    await card.getByText('Connecting', { exact: true }).waitFor();
    expect(service.calls.some((c) => c.name === 'sessions:launch')).toBe(true);
    await page.close();
  });
});
