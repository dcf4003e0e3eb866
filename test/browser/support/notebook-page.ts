/**
 * Debian's Jupyter Notebook 6 page, driven as a user drives it: a new notebook made through
 * the page's own API (with its XSRF cookie), cells typed and run with Shift+Enter.
 */
import type { Page } from 'playwright-core';

/** Creates an empty notebook next to `base` (the server's root URL, ending in "/") and opens it with an idle kernel. */
export async function openNewNotebook(page: Page, base: string): Promise<void> {
  const created = await page.evaluate(async (api) => {
    const xsrf = document.cookie.match(/_xsrf=([^;]+)/)?.[1] ?? '';
    const response = await fetch(`${api}api/contents`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-XSRFToken': xsrf }, body: JSON.stringify({ type: 'notebook' }) });
    return (await response.json()) as { path: string };
  }, base);
  await page.goto(`${base}notebooks/${created.path}`);
  await waitForKernel(page);
}

/** The kernel's websocket is connected and the kernel idle (after a page load, or after the page reconnected it). */
export async function waitForKernel(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const kernel = (window as unknown as { IPython?: { notebook?: { kernel?: { is_connected(): boolean } } } }).IPython?.notebook?.kernel;
      return kernel?.is_connected() === true && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null;
    },
    undefined,
    { timeout: 60_000 },
  );
}

/** Types `code` into code cell number `index` (0-based), runs it and returns its printed output. */
export async function runCell(page: Page, index: number, code: string): Promise<string> {
  const cell = page.locator('.cell.code_cell').nth(index);
  await cell.locator('.CodeMirror').click();
  await page.keyboard.type(code);
  await page.keyboard.press('Shift+Enter');
  const output = cell.locator('.output_area pre');
  await output.waitFor({ timeout: 30_000 });
  return (await output.textContent()) ?? '';
}
