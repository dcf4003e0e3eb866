/**
 * The whole point, in a real browser: Porthole brings up Jupyter on the test host, and
 * Chromium, through the forward, opens a notebook, runs a cell and sees its output. In
 * password mode, the user logs in through Jupyter's own form.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { NotebookSession } from '../../main/session/notebook-session';
import { statSync, readFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareBrowserHandoff } from '../../main/session/browser-handoff';
import { launchChromium } from '../env/chromium';
import { startTestHost, type TestHost } from '../env/host';
import { waitFor } from '../env/wait';
import { notebookSession } from '../integration/support/notebook';
import { openNewNotebook, runCell } from './support/notebook-page';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function start(options: Parameters<typeof notebookSession>[1] = {}): Promise<{ host: TestHost; session: NotebookSession }> {
  const host = await startTestHost();
  cleanups.push(() => host.stop());
  const session = notebookSession(host, options);
  cleanups.push(() => session.stop());
  await session.start();
  return { host, session };
}

describe('notebook in Chromium through Porthole', () => {
  it('opens the notebook via a private redirect file: 0600 in a 0700 dir, no token or secret on argv, then gone', async () => {
    const { session } = await start();
    const target = session.browserUrl()!;
    expect(target).toContain('token=');
    const handoff = await prepareBrowserHandoff(target);
    cleanups.push(async () => handoff.close());
    // openTarget is all the opener's argv would carry.
    expect(handoff.openTarget).toMatch(/^file:\/\//);
    expect(handoff.openTarget).not.toContain(session.token!);
    const file = fileURLToPath(handoff.openTarget);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    const page1 = readFileSync(file, 'utf8');
    expect(page1).not.toContain(session.token!);
    const secretUrl = /url=(http:\/\/127\.0\.0\.1:\d+\/porthole\/[0-9a-f]+)/.exec(page1)![1]!;
    expect(handoff.openTarget).not.toContain(new URL(secretUrl).pathname);
    const page = await browser.newPage();
    await page.goto(handoff.openTarget);
    expect(await handoff.outcome).toBe('browser');
    await page.locator('#notebook_list').waitFor();
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    // Works once only, and the file is gone.
    expect((await fetch(secretUrl, { redirect: 'manual' }).catch(() => null))?.status ?? 'closed').not.toBe(302);
    await waitFor('the redirect file to go', () => !existsSync(file));
    const base = new URL('.', page.url().replace(/tree.*$/, '')).toString();
    await openNewNotebook(page, base);
    expect(await runCell(page, 0, 'print(6*7)')).toContain('42');
    await page.close();
  });

  it('a foreign fetch of the handoff address is turned away and reported as "other"; the browser still gets in', async () => {
    const { session } = await start();
    const handoff = await prepareBrowserHandoff(session.browserUrl()!);
    cleanups.push(async () => handoff.close());
    const secretUrl = /url=(http:\/\/127\.0\.0\.1:\d+\/porthole\/[0-9a-f]+)/.exec(readFileSync(fileURLToPath(handoff.openTarget), 'utf8'))![1]!;
    // A local process that found the port, but cannot read the user's file.
    const probe = await fetch(new URL('/', secretUrl), { redirect: 'manual' });
    expect(probe.status).toBe(404);
    expect(probe.headers.get('location')).toBeNull();
    expect(await handoff.outcome).toBe('other');
    const page = await browser.newPage();
    await page.goto(handoff.openTarget);
    await page.locator('#notebook_list').waitFor();
    await page.close();
  });

  it('nobody came: outcome "expired", and the file is removed', async () => {
    const handoff = await prepareBrowserHandoff('http://127.0.0.1:9/?token=x', { ttlMs: 200 });
    expect(await handoff.outcome).toBe('expired');
    await waitFor('the redirect file to go', () => !existsSync(fileURLToPath(handoff.openTarget)));
  });

  it('password mode: the browser logs in through Jupyter\'s own form, with no token in the URL', async () => {
    const password = 'correct horse battery staple';
    const { session } = await start({ password });
    const target = session.browserUrl()!;
    expect(target).not.toContain('token=');
    const page = await browser.newPage();
    await page.goto(target);
    await page.locator('#password_input').fill('wrong');
    await page.locator('#login_submit').click();
    await page.locator('#password_input').waitFor();
    expect(await page.locator('#notebook_list').count()).toBe(0);
    await page.locator('#password_input').fill(password);
    await page.locator('#login_submit').click();
    await page.locator('#notebook_list').waitFor();
    const base = page.url().replace(/tree.*$/, '');
    await openNewNotebook(page, base);
    expect(await runCell(page, 0, 'print(6*7)')).toContain('42');
    await page.close();
  });
});
