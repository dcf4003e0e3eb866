/**
 * Keyboard only (Tab, arrows, typing, Enter, Space, Escape; no mouse), through the test
 * bridge and a scenario service: from the first-run screen to a saved host and its Launch
 * notebook, a key imported by pasting it, a host-key question answered, a card's menu used.
 * The gallery (screens.test.ts) checks on every screen that each control is a named Tab
 * stop, with the sweep whose own check is at the end of this file.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium } from '../env/chromium';
import { serveDirectory } from '../support/static-server';
import { attachBridge } from './support/bridge';
import { sweepKeyboard } from './support/keyboard-sweep';
import { host, key, ScenarioService, session } from './support/scenario';

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

/** Tab until this control has focus (for controls whose name is not their text, like fields). */
async function tabToControl(page: Page, control: Locator, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await control.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${control.toString()}`);
}

const isFocused = (control: Locator) => control.evaluate((el) => el === document.activeElement);

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

  async function open(service: ScenarioService): Promise<Page> {
    const page = await browser.newPage();
    await attachBridge(page, service);
    await page.goto(site.url);
    await page.getByRole('status').filter({ hasText: 'Porthole 9.8.7' }).waitFor();
    return page;
  }

  it('Add a host → fill the form → Save → Launch notebook, with Tab/Enter/Space', async () => {
    const service = new ScenarioService();
    service.keys = [key('aws-course')];
    const page = await open(service);

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

  it('imports a pasted key: Keys → Import a key → paste → Use pasted key → Import key → Done', async () => {
    const service = new ScenarioService();
    service.inspection = { kind: 'private', format: 'openssh', type: 'ssh-ed25519', encrypted: false, fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', comment: 'student@laptop', suggestedName: 'course_key' };
    const page = await open(service);
    await tabTo(page, 'Keys');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Import a key');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Import a key' });
    await tabToControl(page, dialog.getByRole('textbox', { name: 'Paste the key' }));
    await page.keyboard.type('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----');
    await tabTo(page, 'Use pasted key');
    await page.keyboard.press('Enter');
    // The review step puts focus on the name, already filled in from the key.
    const name = dialog.getByRole('textbox', { name: 'Name' });
    await name.waitFor();
    expect(await isFocused(name)).toBe(true);
    await tabTo(page, 'Import key');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'Your key is ready' }).waitFor();
    expect(service.calls.find((c) => c.name === 'keys:import')?.args).toMatchObject({ name: 'course_key', source: { kind: 'text' } });
    await tabTo(page, 'Done');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.getByRole('article', { name: 'course_key' }).waitFor();
    await page.close();
  });

  it('answers the host-key question: opens "How do I check it?", then Trust always', async () => {
    const service = new ScenarioService();
    service.keys = [key('aws-course')];
    service.hosts = [host('gpu-vm')];
    service.sessions = [session('gpu-vm', { kind: 'awaiting-user', promptId: 'p1' })];
    service.prompts = [{ id: 'p1', host: 'gpu-vm', createdAt: Date.now(), expiresAt: Date.now() + 95_000, detail: { kind: 'host-key', server: '203.0.113.7:22', keyType: 'ssh-ed25519', fingerprint: 'SHA256:4x3gS1fV0cQq8eYzI2z4O6m2V5hR3n1S0kq7z3aB9cE' } }];
    const page = await open(service);
    const dialog = page.getByRole('dialog', { name: 'Is this the right server?' });
    await dialog.waitFor();
    await tabTo(page, 'How do I check it?');
    await page.keyboard.press('Enter');
    await dialog.getByText('Get system log').waitFor();
    await tabTo(page, 'Trust always');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(service.calls.find((c) => c.name === 'prompts:answer')?.args).toEqual({ id: 'p1', answer: { kind: 'host-key', trust: 'always' } });
    await page.close();
  });

  it("uses a card's menu: More actions → arrow down to Edit host → Escape returns focus to the menu button", async () => {
    const service = new ScenarioService();
    service.keys = [key('aws-course')];
    service.hosts = [host('gpu-vm')];
    const page = await open(service);
    const more = page.getByRole('button', { name: 'More actions for gpu-vm' });
    await tabToControl(page, more);
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    // Arrow keys walk the menu until Edit host has focus (the first item has it on opening).
    const edit = menu.getByRole('menuitem', { name: 'Edit host' });
    for (let i = 0; i < 5 && !(await isFocused(edit)); i++) await page.keyboard.press('ArrowDown');
    expect(await isFocused(edit)).toBe(true);
    await page.keyboard.press('Enter');
    const editor = page.getByRole('dialog', { name: 'Edit “gpu-vm”' });
    await editor.waitFor();
    await page.keyboard.press('Escape');
    await editor.waitFor({ state: 'detached' });
    expect(await isFocused(more)).toBe(true);
    await page.close();
  });
});

describe('the keyboard sweep used by the gallery', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('reports a control Tab cannot reach and a Tab stop without a name, and accepts arrow-key widgets', async () => {
    const page = await browser.newPage();
    await page.setContent(`
      <button>Save</button>
      <div role="button">Looks like a button</div>
      <button><svg width="10" height="10" aria-hidden="true"></svg></button>
      <div role="radiogroup" aria-label="Type">
        <div role="radio" aria-checked="true" tabindex="0">Ed25519</div>
        <div role="radio" aria-checked="false" tabindex="-1">RSA</div>
      </div>`);
    const { stops, problems } = await sweepKeyboard(page);
    expect(stops).toEqual(['button "Save"', 'button', 'radio "Ed25519" [checked]']);
    expect(problems).toEqual(['tab stop without an accessible name: button (button "")', 'not reachable with Tab: div[role=button] "Looks like a button"']);
    await page.close();
  });
});
