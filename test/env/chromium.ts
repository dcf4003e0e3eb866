/**
 * Debian's Chromium driven by playwright-core. Playwright never downloads a browser here:
 * the executable is always the system one, with the flags that keep it off the network.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { makeDir } from './run-dir';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium package (npm test does this as root).`);
  }
  const home = makeDir('chromium-home');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    env: { ...process.env, HOME: home },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}
