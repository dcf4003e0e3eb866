/**
 * The flows as a student meets them: the real renderer build in Chromium, wired
 * through the test bridge to the real desktop service (main/app), against a real sshd,
 * Debian's Jupyter and a real Secret Service. Nothing is stood in for but the Electron
 * shell around them.
 */
import { writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../env/chromium';
import { startKeyring, type TestKeyring } from '../env/keyring';
import { startTestHost } from '../env/host';
import { runChecked } from '../env/processes';
import { makeDir } from '../env/run-dir';
import { waitFor } from '../env/wait';
import { serveDirectory } from '../support/static-server';
import { startDesktop, useKeyringInThisProcess, type DesktopHarness } from '../support/desktop-harness';
import { attachBridge } from './support/bridge';

let keyring: TestKeyring;
let browser: Browser;
let site: Awaited<ReturnType<typeof serveDirectory>>;
beforeAll(async () => {
  keyring = await startKeyring();
  useKeyringInThisProcess(keyring);
  site = await serveDirectory(resolve(__dirname, '../../out/renderer'));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await keyring?.stop();
});
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openApp(d: DesktopHarness): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const detach = await attachBridge(page, d.service);
  cleanups.push(async () => detach());
  await page.goto(site.url);
  return page;
}

async function puttyKey(dir: string, passphrase: string): Promise<{ path: string; publicLine: string }> {
  const path = join(dir, 'seminar.ppk');
  writeFileSync(join(dir, 'pass'), `${passphrase}\n`);
  await runChecked('puttygen', ['-t', 'ed25519', '-C', 'student@seminar', '-o', path, '--new-passphrase', join(dir, 'pass'), '--ppk-param', 'version=3,kdf=argon2id']);
  const publicLine = (await runChecked('puttygen', [path, '-O', 'public-openssh', '--old-passphrase', join(dir, 'pass')])).trim();
  return { path, publicLine };
}

describe('the desktop app, end to end', () => {
  it('first run: import a .ppk v3 through the wizard, add the host, trust its key, one click, and the notebook runs a cell', async () => {
    const h = await startTestHost();
    cleanups.push(() => h.stop());
    const d = await startDesktop();
    cleanups.push(() => d.close());
    const key = await puttyKey(makeDir('ppk'), 'seminar passphrase');
    appendFileSync(join(dirname(h.sshd.configPath), 'authorized_keys'), `${key.publicLine}\n`);
    const notebookPage = (await browser.newContext()).newPage();
    let landedAt: string | null = null;
    d.onOpen = async (target) => {
      const p = await notebookPage;
      await p.goto(target);
      await p.waitForURL(/\/tree/);
      landedAt = p.url();
    };

    const page = await openApp(d);
    // The wizard: pick the file, see what it is, a wrong passphrase said on the field, then the right one.
    await page.getByRole('button', { name: 'Import a key' }).first().click();
    // One dialog, whose title follows the steps ("Import a key" ... "Your key is ready").
    const wizard = page.getByRole('dialog');
    d.nextPickedFile = key.path;
    await wizard.getByRole('button', { name: 'Choose a key file…' }).click();
    await wizard.getByText('PuTTY key (.ppk, version 3)').first().waitFor();
    await wizard.getByLabel('Passphrase').fill('not it');
    await wizard.getByRole('button', { name: 'Import key' }).click();
    await wizard.getByText(/The passphrase for seminar.ppk is wrong/).first().waitFor();
    await wizard.getByLabel('Passphrase').fill('seminar passphrase');
    await wizard.getByRole('button', { name: 'Import key' }).click();
    await wizard.getByRole('button', { name: 'Copy public key' }).waitFor().catch(async (error: unknown) => {
      await page.screenshot({ path: 'test-artifacts/screens/flow-wizard-debug.png' });
      throw error;
    });
    await wizard.getByRole('button', { name: 'Copy public key' }).click();
    await waitFor('the public key on the clipboard', () => d.clipboard.includes(key.publicLine.split(' ').slice(0, 2).join(' ') + ' student@seminar') || d.clipboard.some((c) => c.startsWith(key.publicLine.split(' ').slice(0, 2).join(' '))));
    await wizard.getByRole('button', { name: 'Done' }).click();
    await wizard.waitFor({ state: 'detached' });
    expect((await d.service.handlers['keys:list']({})).map((k) => k.name)).toEqual(['seminar']);

    // The host: address, user, port; the key just imported is the one picked.
    await page.getByRole('button', { name: 'Add a host' }).first().click();
    const editor = page.getByRole('dialog', { name: 'Add a host' });
    await editor.getByLabel('Name').fill('seminar-vm');
    await editor.getByLabel('Address').fill('127.0.0.1');
    await editor.getByLabel('User').fill(h.user.name);
    await editor.getByLabel('SSH port').fill(String(h.port));
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached' });
    expect(d.service.hosts()[0]).toMatchObject({ name: 'seminar-vm', port: h.port, key: { kind: 'vault', name: 'seminar' } });

    // One click; the unknown host key is shown with its fingerprint and trusted.
    const card = page.getByRole('article', { name: 'seminar-vm' });
    await card.getByRole('button', { name: 'Launch notebook' }).click();
    const question = page.getByRole('dialog', { name: 'Is this the right server?' });
    await question.getByText(h.sshd.hostKey.fingerprint).waitFor();
    await question.getByRole('button', { name: 'Trust always' }).click();
    await card.getByText(/^Ready on 127\.0\.0\.1:\d+/).waitFor({ timeout: 60_000 });
    await waitFor('the notebook page to open', () => landedAt !== null, { timeoutMs: 30_000 });
    expect(landedAt!).not.toContain('token=');
    await page.screenshot({ path: 'test-artifacts/screens/flow-ready-light.png' });

    // The notebook opened in the second page runs a cell.
    const p = await notebookPage;
    const base = landedAt!.replace(/tree.*$/, '');
    const created = await p.evaluate(async (api) => {
      const xsrf = document.cookie.match(/_xsrf=([^;]+)/)?.[1] ?? '';
      const response = await fetch(`${api}api/contents`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-XSRFToken': xsrf }, body: JSON.stringify({ type: 'notebook' }) });
      return (await response.json()) as { path: string };
    }, base);
    await p.goto(`${base}notebooks/${created.path}`);
    const cell = p.locator('.cell.code_cell').first();
    await p.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor({ timeout: 30_000 });
    await cell.locator('.CodeMirror').click();
    await p.keyboard.type('print(6*7)');
    await p.keyboard.press('Shift+Enter');
    await cell.locator('.output_area pre').waitFor({ timeout: 30_000 });
    expect(await cell.locator('.output_area pre').textContent()).toContain('42');
    await p.context().close();

    // The page never held the token.
    expect(await page.content()).not.toMatch(/token=[0-9a-f]{16}/);
  });

  it('a changed host key shows the blocking warning with both fingerprints, and nothing is sent', async () => {
    const h = await startTestHost();
    cleanups.push(() => h.stop());
    const d = await startDesktop();
    cleanups.push(() => d.close());
    writeFileSync(join(d.dataDir, 'known_hosts'), `[127.0.0.1]:${h.port} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n`);
    await d.service.handlers['hosts:save']({ originalName: null, host: { name: 'vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'path', path: h.clientKey.privatePath } } });
    const page = await openApp(d);
    const logBefore = h.sshd.log().length;
    await page.getByRole('article', { name: 'vm' }).getByRole('button', { name: 'Launch notebook' }).click();
    const warning = page.getByRole('alertdialog');
    await warning.waitFor({ timeout: 30_000 });
    await warning.getByText(h.sshd.hostKey.fingerprint).waitFor();
    await warning.getByText(join(d.dataDir, 'known_hosts'), { exact: false }).first().waitFor();
    expect(await warning.getByRole('button', { name: /trust|accept|connect/i }).count()).toBe(0);
    await page.screenshot({ path: 'test-artifacts/screens/flow-hostkey-changed-light.png' });
    expect(h.sshd.log().slice(logBefore)).not.toMatch(/Accepted |Failed |Postponed /);
  });
});
