/**
 * The flows as a student meets them: the real renderer build in Chromium, wired
 * through the test bridge to the real desktop service (main/app), against a real sshd,
 * Debian's Jupyter and a real Secret Service. Nothing is stood in for but the Electron
 * shell around them. Each flow saves a screenshot of its key moment as
 * test-artifacts/screens/flow-*.png.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { backoffDelay } from '../../main/ssh/backoff';
import { priceEstimate } from '../../main/cloud/prices';
import { formatHourly } from '../../renderer/src/cloud/cost';
import { EXAMPLE_CREDENTIAL, KNOWN_IMAGES, startEc2Endpoint, type Ec2Endpoint } from '../env/ec2-endpoint';
import { launchChromium } from '../env/chromium';
import { startKeyring, type TestKeyring } from '../env/keyring';
import type { TestHost } from '../env/host';
import { generateKeyPair } from '../env/keys';
import { isAlive, runChecked } from '../env/processes';
import { makeDir } from '../env/run-dir';
import { waitFor } from '../env/wait';
import { serveDirectory } from '../support/static-server';
import { desktopTestKit, useKeyringInThisProcess, type DesktopHarness } from '../support/desktop-harness';
import { attachBridge } from './support/bridge';
import { openNewNotebook, runCell, waitForKernel } from './support/notebook-page';

const SCREENS = resolve(__dirname, '../../test-artifacts/screens');

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
const { host: testHost, desktop, defer } = desktopTestKit();

async function openApp(d: DesktopHarness): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, colorScheme: 'light' });
  defer(() => context.close());
  const page = await context.newPage();
  const detach = await attachBridge(page, d.service);
  defer(async () => detach());
  await page.goto(site.url);
  return page;
}

/**
 * The user's browser: a second page where the desktop's "open in browser" lands (through
 * the one-time handoff). `landedAt()` is the notebook URL it reached, once it did.
 */
async function browserTab(d: DesktopHarness): Promise<{ page: Page; landedAt: () => string | undefined }> {
  const context = await browser.newContext();
  defer(() => context.close());
  const page = await context.newPage();
  let landedAt: string | undefined;
  d.onOpen = async (target) => {
    await page.goto(target);
    await page.waitForURL(/\/tree/);
    landedAt = page.url();
  };
  return { page, landedAt: () => landedAt };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENS, `flow-${name}-light.png`) });
}

/** The text a screen reader reads after the field's name: its aria-describedby targets. */
async function descriptionOf(field: Locator): Promise<string> {
  return field.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
}

/**
 * Drags a file in from the desktop and drops it on `target`, through Chromium's own drag
 * pipeline (CDP Input.dispatchDragEvent), as a file manager does: a DataTransfer made in
 * the page cannot carry an OS drag's allowed effects, so drop zones would refuse it.
 */
async function dropFile(page: Page, target: Locator, path: string): Promise<void> {
  const box = await target.boundingBox();
  if (box === null) throw new Error('the drop target is not on screen');
  const cdp = await page.context().newCDPSession(page);
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const data = { items: [], files: [path], dragOperationsMask: 1 /* copy */ };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
  await cdp.detach();
}

/** The address on a card's "Ready on 127.0.0.1:PORT" badge. */
async function readyAddress(card: Locator): Promise<string> {
  const badge = card.getByText(/^Ready on 127\.0\.0\.1:\d+$/);
  await badge.waitFor({ timeout: 60_000 });
  return (await badge.textContent())!.replace('Ready on ', '');
}

/** The host editor, filled in as a user does for the test host; the key picked is the editor's default. */
async function addHost(page: Page, name: string, h: TestHost): Promise<void> {
  const editor = page.getByRole('dialog', { name: 'Add a host' });
  await editor.getByLabel('Name').fill(name);
  await editor.getByLabel('Address').fill('127.0.0.1');
  await editor.getByLabel('User').fill(h.user.name);
  await editor.getByLabel('SSH port').fill(String(h.port));
  await editor.getByRole('button', { name: 'Save' }).click();
  await editor.waitFor({ state: 'detached' });
}

async function puttyKey(dir: string, passphrase: string): Promise<{ path: string; publicLine: string }> {
  const path = join(dir, 'seminar.ppk');
  writeFileSync(join(dir, 'pass'), `${passphrase}\n`);
  await runChecked('puttygen', ['-t', 'ed25519', '-C', 'student@seminar', '-o', path, '--new-passphrase', join(dir, 'pass'), '--ppk-param', 'version=3,kdf=argon2id']);
  const publicLine = (await runChecked('puttygen', [path, '-O', 'public-openssh', '--old-passphrase', join(dir, 'pass')])).trim();
  return { path, publicLine };
}

/**
 * This process's AWS setup, as a user with no AWS CLI setup sees it: no profiles, no keys
 * in the environment, EC2 at the stand-in (as AWS_ENDPOINT_URL_EC2 says), region eu-central-1.
 * Put back after the test.
 */
function useEc2StandIn(ec2: Ec2Endpoint, home: string): void {
  const saved = Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('AWS_')));
  for (const name of Object.keys(saved)) delete process.env[name];
  Object.assign(process.env, ec2.env(), { AWS_REGION: ec2.region, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: join(home, 'no-aws-config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials') });
  defer(async () => {
    for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
    Object.assign(process.env, saved);
  });
}

describe('the desktop app, end to end', () => {
  it('first run: import a .ppk v3 through the wizard, add the host, trust its key, one click, and the notebook runs a cell', async () => {
    const h = await testHost();
    const d = await desktop();
    const key = await puttyKey(makeDir('ppk'), 'seminar passphrase');
    appendFileSync(join(dirname(h.sshd.configPath), 'authorized_keys'), `${key.publicLine}\n`);
    const tab = await browserTab(d);

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
    await wizard.getByRole('button', { name: 'Copy public key' }).click();
    const keyTypeAndBlob = key.publicLine.split(' ').slice(0, 2).join(' ');
    await waitFor('the public key on the clipboard', () => d.clipboard.some((c) => c.startsWith(keyTypeAndBlob)));
    await wizard.getByRole('button', { name: 'Done' }).click();
    await wizard.waitFor({ state: 'detached' });
    expect((await d.service.handlers['keys:list']({})).map((k) => k.name)).toEqual(['seminar']);

    // The host: address, user, port; the key just imported is the one picked.
    await page.getByRole('button', { name: 'Add a host' }).first().click();
    await addHost(page, 'seminar-vm', h);
    expect(d.service.hosts()[0]).toMatchObject({ name: 'seminar-vm', port: h.port, key: { kind: 'vault', name: 'seminar' } });

    // One click; the unknown host key is shown with its fingerprint and trusted.
    const card = page.getByRole('article', { name: 'seminar-vm' });
    await card.getByRole('button', { name: 'Launch notebook' }).click();
    const question = page.getByRole('dialog', { name: 'Is this the right server?' });
    await question.getByText(h.sshd.hostKey.fingerprint).waitFor();
    await question.getByRole('button', { name: 'Trust always' }).click();
    await readyAddress(card);
    const landedAt = await waitFor('the notebook page to open', tab.landedAt, { timeoutMs: 30_000 });
    expect(landedAt).not.toContain('token=');
    await screenshot(page, 'ready');

    // The notebook opened in the second page runs a cell.
    await openNewNotebook(tab.page, landedAt.replace(/tree.*$/, ''));
    expect(await runCell(tab.page, 0, 'print(6*7)')).toContain('42');

    // The page never held the token.
    expect(await page.content()).not.toMatch(/token=[0-9a-f]{16}/);
  });

  it('a changed host key shows the blocking warning with both fingerprints, and nothing is sent', async () => {
    const h = await testHost();
    const d = await desktop();
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
    await screenshot(page, 'hostkey-changed');
    expect(h.sshd.log().slice(logBefore)).not.toMatch(/Accepted |Failed |Postponed /);
  });

  it('a wrong passphrase is said on the Passphrase field of the wizard; the right one imports the dropped key', async () => {
    const d = await desktop();
    const passphrase = 'course passphrase';
    const key = await generateKeyPair(makeDir('openssh-key'), 'course_key', { passphrase, comment: 'student@course' });
    const page = await openApp(d);

    await page.getByRole('button', { name: 'Import a key' }).first().click();
    const wizard = page.getByRole('dialog');
    await dropFile(page, wizard.getByText('Drop your key file here'), key.privatePath);
    await wizard.getByText('OpenSSH private key').waitFor();
    const field = wizard.getByRole('textbox', { name: 'Passphrase' });
    await field.fill('not the passphrase');
    await wizard.getByRole('button', { name: 'Import key' }).click();

    // Said on the field itself: marked invalid, and the message is what a screen reader reads with it.
    await waitFor('the field marked invalid', async () => (await field.getAttribute('aria-invalid')) === 'true');
    expect(await descriptionOf(field)).toMatch(/passphrase for course_key is wrong/i);
    expect(await wizard.getByRole('alert').count()).toBe(0);
    // Focus leaves "Import key" for the field, so that is what is read out, the refused
    // passphrase selected: typing the next one replaces it.
    await waitFor('focus on the Passphrase field', () => field.evaluate((input) => input === document.activeElement));
    expect(await field.evaluate((input: HTMLInputElement) => [input.selectionStart, input.selectionEnd])).toEqual([0, 'not the passphrase'.length]);
    await screenshot(page, 'wrong-passphrase');
    expect(await d.service.handlers['keys:list']({})).toEqual([]);

    // Typing again clears the complaint; the right passphrase imports.
    await page.keyboard.type(passphrase);
    expect(await field.inputValue()).toBe(passphrase);
    expect(await field.getAttribute('aria-invalid')).toBeNull();
    await wizard.getByRole('button', { name: 'Import key' }).click();
    await page.getByRole('dialog', { name: 'Your key is ready' }).getByText(key.fingerprint).waitFor();
    await wizard.getByRole('button', { name: 'Done' }).click();
    await wizard.waitFor({ state: 'detached' });
    expect(await d.service.handlers['keys:list']({})).toMatchObject([{ name: 'course_key', fingerprint: key.fingerprint, format: 'openssh', source: 'vault' }]);
    await page.getByRole('navigation').getByRole('button', { name: 'Keys' }).click();
    await page.getByRole('article', { name: 'course_key' }).getByText(key.fingerprint).waitFor();
    expect(d.allEventText()).not.toContain(passphrase);
  });

  it('"Import a key…" from a half-filled host editor comes back to it with everything typed and the new key picked', async () => {
    const d = await desktop();
    const key = await generateKeyPair(makeDir('editor-key'), 'course.pem', { comment: 'student@course' });
    const page = await openApp(d);

    await page.getByRole('button', { name: 'Add a host' }).first().click();
    const editor = page.getByRole('dialog', { name: 'Add a host' });
    await editor.getByLabel('Name').fill('course-vm');
    await editor.getByLabel('Address').fill('203.0.113.7');
    await editor.getByLabel('User').fill('ubuntu');
    await editor.getByLabel('SSH port').fill('2222');
    await editor.getByText('A password', { exact: true }).click();
    await editor.getByLabel('Notebook password').fill('course password');

    // One dialog at a time: the wizard takes the editor's place...
    await editor.getByRole('button', { name: 'Import a key…' }).click();
    const wizard = page.getByRole('dialog', { name: 'Import a key' });
    d.nextPickedFile = key.privatePath;
    await wizard.getByRole('button', { name: 'Choose a key file…' }).click();
    await wizard.getByText('OpenSSH private key').waitFor();
    await wizard.getByText('Step 2 of 2: Check and name it').waitFor();
    await wizard.getByRole('textbox', { name: 'Name' }).fill('course');
    await wizard.getByRole('button', { name: 'Import key' }).click();

    // ...and the editor comes back as it was left, with the new key picked and focused.
    await editor.waitFor();
    expect(await editor.getByLabel('Name').inputValue()).toBe('course-vm');
    expect(await editor.getByLabel('Address').inputValue()).toBe('203.0.113.7');
    expect(await editor.getByLabel('User').inputValue()).toBe('ubuntu');
    expect(await editor.getByLabel('SSH port').inputValue()).toBe('2222');
    expect(await editor.getByLabel('Notebook password').inputValue()).toBe('course password');
    const keyPicker = editor.getByRole('button', { name: /Key$/ });
    await keyPicker.getByText('course (Ed25519)').waitFor();
    await waitFor('focus on the key picker', () => keyPicker.evaluate((button) => button === document.activeElement));
    await screenshot(page, 'editor-key-imported');

    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached' });
    expect(d.service.hosts()).toMatchObject([{ name: 'course-vm', host: '203.0.113.7', user: 'ubuntu', port: 2222, key: { kind: 'vault', name: 'course' }, jupyter: { auth: 'password', passwordSaved: true } }]);
    expect((await d.service.handlers['keys:list']({})).map((k) => k.fingerprint)).toEqual([key.fingerprint]);
    expect(d.allEventText()).not.toContain('course password');
  });

  it('the editor comes back untouched when the key wizard is cancelled', async () => {
    const d = await desktop();
    const page = await openApp(d);
    await page.getByRole('button', { name: 'Add a host' }).first().click();
    const editor = page.getByRole('dialog', { name: 'Add a host' });
    await editor.getByLabel('Address').fill('ubuntu@203.0.113.7');
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.getByText('Put the user name in the User field').waitFor();
    await editor.getByRole('button', { name: 'Import a key…' }).click();
    await page.getByRole('dialog', { name: 'Import a key' }).getByRole('button', { name: 'Cancel' }).click();
    // The address as typed, and the complaints Save raised still on their fields.
    await editor.getByText('Put the user name in the User field').waitFor();
    expect(await editor.getByLabel('Address').inputValue()).toBe('ubuntu@203.0.113.7');
    expect(await editor.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(d.service.hosts()).toEqual([]);
  });

  it('stopping Jupyter asks first: Cancel and Disconnect leave the server running, "Stop Jupyter" ends it', async () => {
    const h = await testHost();
    const d = await desktop({ knownHostsFiles: [h.knownHostsPath] });
    await d.service.handlers['hosts:save']({ originalName: null, host: { name: 'vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'path', path: h.clientKey.privatePath } } });
    const page = await openApp(d);
    const card = page.getByRole('article', { name: 'vm' });
    await card.getByRole('button', { name: 'Launch notebook' }).click();
    await readyAddress(card);
    const ready = d.session('vm')!;
    if (ready.state.kind !== 'ready' || ready.state.notebook === null) throw new Error(`not ready with a notebook: ${ready.state.kind}`);
    const serverPid = ready.state.notebook.serverPid;

    // Notebooks → Stop: the question says what is lost, and that Disconnect keeps it.
    await page.getByRole('navigation').getByRole('button', { name: 'Notebooks' }).click();
    await page.getByRole('row', { name: /This session/ }).getByRole('button', { name: 'Stop' }).click();
    const question = page.getByRole('alertdialog', { name: 'Stop Jupyter on “vm”?' });
    await question.getByText('changes not saved in a notebook are lost', { exact: false }).waitFor();
    await question.getByText('Disconnect instead', { exact: false }).waitFor();
    await screenshot(page, 'stop-confirm');
    await question.getByRole('button', { name: 'Cancel' }).click();
    await question.waitFor({ state: 'detached' });
    expect(isAlive(serverPid)).toBe(true);
    expect(d.session('vm')?.state.kind).toBe('ready');

    // The card's menu asks the same; Disconnect closes the connection and leaves Jupyter running.
    await page.getByRole('navigation').getByRole('button', { name: 'Hosts' }).click();
    await card.getByRole('button', { name: 'More actions for vm' }).click();
    await page.getByRole('menuitem', { name: 'Stop Jupyter server' }).click();
    await question.getByRole('button', { name: 'Disconnect' }).click();
    await d.waitForSession('vm', ['closed']);
    expect(isAlive(serverPid)).toBe(true);

    // Launched again, the same server is reused; "Stop Jupyter" then ends it.
    await card.getByRole('button', { name: 'Launch notebook' }).click();
    await readyAddress(card);
    const again = d.session('vm')!;
    expect(again.state.kind === 'ready' && again.state.notebook?.serverPid).toBe(serverPid);
    await card.getByRole('button', { name: 'More actions for vm' }).click();
    await page.getByRole('menuitem', { name: 'Stop Jupyter server' }).click();
    await question.getByRole('button', { name: 'Stop Jupyter' }).click();
    await d.waitForSession('vm', ['closed']);
    await waitFor('the Jupyter server to exit', () => !isAlive(serverPid));
  });

  it('an auth failure shows the message and hint on the card; after "Install on host" with the password, Retry reaches ready', async () => {
    // As on a cloud VM: sshd reads the user's own ~/.ssh/authorized_keys, where "Install on host" writes.
    const h = await testHost({ auth: { publickey: true, password: true }, extraConfig: ['Match all', 'AuthorizedKeysFile .ssh/authorized_keys'] });
    const d = await desktop({ knownHostsFiles: [h.knownHostsPath] });
    const page = await openApp(d);

    // A new key, made in the wizard; the user skips putting it on the VM and adds the host.
    await page.getByRole('button', { name: 'generate a new key' }).click();
    const wizard = page.getByRole('dialog', { name: 'Generate a new key' });
    await wizard.getByRole('textbox', { name: 'Name' }).fill('laptop');
    await wizard.getByRole('button', { name: 'Generate key' }).click();
    const done = page.getByRole('dialog', { name: 'Your key is ready' });
    await done.getByRole('button', { name: 'Add a host with this key' }).click();
    await addHost(page, 'course-vm', h);
    expect(d.service.hosts()).toMatchObject([{ name: 'course-vm', key: { kind: 'vault', name: 'laptop' } }]);

    // Launch: the VM refuses the key and offers a password login, which the user declines.
    const card = page.getByRole('article', { name: 'course-vm' });
    await card.getByRole('button', { name: 'Launch notebook' }).click();
    const passwordQuestion = page.getByRole('dialog', { name: 'Password needed' });
    await passwordQuestion.getByRole('button', { name: 'Cancel' }).click();
    const failure = card.getByRole('alert');
    await failure.getByText(`refused the login as "${h.user.name}"`, { exact: false }).waitFor({ timeout: 30_000 });
    await failure.getByText('your public key is in ~/.ssh/authorized_keys on the server', { exact: false }).waitFor();
    await card.getByText('Failed', { exact: true }).waitFor();
    await screenshot(page, 'auth-failed');

    // The fix, in the app: install the key over the password login, from the Keys screen.
    await page.getByRole('navigation').getByRole('button', { name: 'Keys' }).click();
    await page.getByRole('article', { name: 'laptop' }).getByRole('button', { name: 'Install on host' }).click();
    const install = page.getByRole('dialog', { name: 'Install “laptop” on a host' });
    await install.getByRole('textbox', { name: 'Address' }).fill('127.0.0.1');
    await install.getByRole('textbox', { name: 'User' }).fill(h.user.name);
    await install.getByRole('textbox', { name: 'SSH port' }).fill(String(h.port));
    await install.getByRole('textbox', { name: 'Password' }).fill(h.password!);
    await install.getByRole('button', { name: 'Install on host' }).click();
    await install.getByText('The key was added').waitFor({ timeout: 30_000 });
    await screenshot(page, 'key-installed');
    await install.getByRole('button', { name: 'Close' }).click();
    await install.waitFor({ state: 'detached' });
    const publicKey = (await d.service.handlers['keys:list']({}))[0]!.publicKey;
    expect(readFileSync(join(h.user.home, '.ssh', 'authorized_keys'), 'utf8')).toContain(publicKey);

    // Retry on the card: the key is accepted now, with no question asked.
    await page.getByRole('navigation').getByRole('button', { name: 'Hosts' }).click();
    const promptsBefore = d.events.filter((e) => e.event === 'prompts:changed').length;
    await card.getByRole('button', { name: 'Retry' }).click();
    await readyAddress(card);
    expect(await card.getByRole('alert').count()).toBe(0);
    expect(d.events.filter((e) => e.event === 'prompts:changed').length).toBe(promptsBefore);
    expect(d.allEventText()).not.toContain(h.password!);
  });

  it('sshd restarted while ready: the card shows reconnecting, then ready on the same port, and the open notebook page runs a cell', async () => {
    const h = await testHost();
    const d = await desktop({ knownHostsFiles: [h.knownHostsPath] });
    await d.service.handlers['hosts:save']({ originalName: null, host: { name: 'vm', host: '127.0.0.1', port: h.port, user: h.user.name, key: { kind: 'path', path: h.clientKey.privatePath }, jupyter: { stopOnDisconnect: true } } });
    const tab = await browserTab(d);
    const page = await openApp(d);
    const card = page.getByRole('article', { name: 'vm' });
    await card.getByRole('button', { name: 'Launch notebook' }).click();
    const address = await readyAddress(card);
    const landedAt = await waitFor('the notebook page to open', tab.landedAt, { timeoutMs: 30_000 });
    expect(new URL(landedAt).host).toBe(address);
    await openNewNotebook(tab.page, landedAt.replace(/tree.*$/, ''));
    expect(await runCell(tab.page, 0, 'x = 6*7; print(x)')).toContain('42');

    // sshd goes down (its sessions with it) and comes back on the same port.
    await h.sshd.stop();
    await card.getByText(/^Reconnecting/).waitFor({ timeout: 30_000 });
    await card.getByText('the local port stays the same', { exact: false }).waitFor();
    // The count-down is the backoff's, not the time since the card was drawn (one tick of slack).
    const shown = await card.evaluate((article) => article.textContent ?? '');
    const attempt = Number(/\(attempt (\d+)\)/.exec(shown)?.[1]);
    const seconds = Number(/Reconnecting in (\d+) s/.exec(shown)?.[1] ?? 0);
    expect(attempt).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(Math.ceil(backoffDelay(attempt, 0) / 1000) + 1);
    await screenshot(page, 'reconnecting');
    await h.sshd.start();
    expect(await readyAddress(card)).toBe(address);
    await card.getByText('Reconnected after the network dropped', { exact: false }).waitFor();
    await screenshot(page, 'reconnected');

    // The page opened before the drop was never reloaded: same port, same kernel, its variables still there.
    expect(new URL(tab.page.url()).host).toBe(address);
    await waitForKernel(tab.page);
    expect(await runCell(tab.page, 1, 'print(x + 1)')).toContain('43');
  });

  it('~/.ssh/config import: the preview lists hosts, skipped patterns and warnings; the hosts list shows exactly the ones left ticked', async () => {
    const d = await desktop();
    writeFileSync(
      join(d.home, '.ssh', 'config'),
      [
        'Host gpu',
        '  HostName 203.0.113.7',
        '  User ubuntu',
        '  IdentityFile ~/.ssh/gpu.pem',
        '  LocalForward 6006 localhost:6006',
        '',
        'Host lab',
        '  HostName lab.example.com',
        '  Port 2222',
        '  IdentityFile ~/.ssh/id_ed25519',
        '  IdentityFile ~/.ssh/id_rsa',
        '',
        'Host bastion',
        '  HostName 198.51.100.20',
        '  User admin',
        '',
        'Host legacy',
        '  HostName 10.0.0.5',
        '  ProxyCommand ssh -W %h:%p bastion',
        '',
        'Host broken',
        '  HostName 203.0.113.9',
        '  Port 99999',
        '  LocalForward nonsense',
        '',
        'Host *.internal',
        '  User ops',
        '',
        'Host *',
        '  ServerAliveInterval 30',
        '',
      ].join('\n'),
    );
    const page = await openApp(d);
    await page.getByRole('button', { name: 'Import from ~/.ssh/config' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import hosts' });
    const list = dialog.getByRole('list', { name: 'Hosts to import' });
    await list.waitFor();
    await dialog.getByText(join(d.home, '.ssh', 'config'), { exact: false }).waitFor();
    const boxes = list.getByRole('checkbox');
    expect(await boxes.evaluateAll((inputs) => inputs.map((input) => [input.closest('label')?.querySelector('.import-name')?.textContent, (input as HTMLInputElement).checked]))).toEqual([
      ['gpu', true],
      ['lab', true],
      ['bastion', true],
    ]);
    await list.getByRole('checkbox', { name: /^gpu.*ubuntu@203\.0\.113\.7/ }).waitFor();
    await list.getByRole('checkbox', { name: /^lab.*lab\.example\.com:2222/ }).waitFor();
    // "Imported with a change" names the ticked hosts it is about, and never a skipped one
    // (broken's forward was read before its port made Porthole skip it).
    const changes = dialog.locator('.note-warning');
    await changes.getByText('It lists 2 IdentityFiles; Porthole uses the first', { exact: false }).waitFor();
    expect(await changes.locator('li strong').allTextContents()).toEqual(['lab']);
    await dialog.getByText('4 skipped').click();
    await dialog.getByText('ProxyCommand', { exact: false }).waitFor();
    await dialog.getByText('*.internal', { exact: true }).waitFor();
    await dialog.getByText('This is a pattern, not one host', { exact: false }).first().waitFor();
    await dialog.getByRole('listitem').filter({ hasText: /^broken: .*port/i }).waitFor();
    expect(await dialog.getByText('LocalForward nonsense', { exact: false }).count()).toBe(0);

    // The user clicks the row (the label around the visually hidden checkbox): lab is left
    // out, and so is the change it would have been imported with.
    const lab = list.getByRole('checkbox', { name: /^lab/ });
    await list.getByRole('listitem').filter({ hasText: 'lab.example.com' }).click();
    expect(await lab.isChecked()).toBe(false);
    await changes.waitFor({ state: 'detached' });
    expect(await dialog.getByText('Imported with a change').count()).toBe(0);
    await dialog.getByText('4 skipped').waitFor();
    await screenshot(page, 'import-preview');
    await dialog.getByRole('button', { name: 'Import 2 hosts' }).click();
    await dialog.waitFor({ state: 'detached' });
    const hosts = page.getByRole('list', { name: 'Hosts' }).getByRole('article');
    await waitFor('the two imported hosts listed', async () => (await hosts.count()) === 2);
    expect(await hosts.evaluateAll((cards) => cards.map((card) => card.querySelector('h3')?.textContent))).toEqual(['gpu', 'bastion']);
    expect(d.service.hosts().map((x) => `${x.name}=${x.user ?? ''}@${x.host}:${x.port}`)).toEqual(['gpu=ubuntu@203.0.113.7:22', 'bastion=admin@198.51.100.20:22']);
    await screenshot(page, 'import-result');
  });

  it('Cloud: an access key into the vault, the EC2 instances with state and price, Add as host, then Launch: Starting VM, Waiting for SSH, a ready notebook', async () => {
    const h = await testHost();
    const GPU = 'i-0a11c0ffee0000001';
    const ec2 = await startEc2Endpoint({
      region: 'eu-central-1',
      images: [KNOWN_IMAGES.deepLearning, KNOWN_IMAGES.ubuntu],
      instances: [
        // Its first start puts it at the test sshd's address.
        { id: GPU, name: 'gpu-box', state: 'stopped', instanceType: 'g4dn.xlarge', imageId: KNOWN_IMAGES.deepLearning.imageId, keyName: 'course', publicIps: ['127.0.0.1'] },
        { id: 'i-0a11c0ffee0000002', name: 'student-01', state: 'running', instanceType: 't3.medium', imageId: KNOWN_IMAGES.ubuntu.imageId, keyName: 'course' },
      ],
    });
    defer(() => ec2.stop());
    const d = await desktop({ cloud: { aws: { pollIntervalMs: 20 } } });
    useEc2StandIn(ec2, d.home);
    // The key of the instance's key pair, imported under the key pair's name.
    await d.service.handlers['keys:import']({ source: { kind: 'path', path: h.clientKey.privatePath }, name: 'course' });
    const tab = await browserTab(d);
    const page = await openApp(d);

    // No AWS setup on this computer: the Cloud screen leads to an access key, kept in the vault.
    await page.getByRole('navigation').getByRole('button', { name: 'Cloud' }).click();
    await page.getByRole('button', { name: 'Add an access key' }).click();
    const form = page.getByRole('dialog', { name: 'Add an AWS access key' });
    await form.getByRole('textbox', { name: 'Name' }).fill('course');
    await form.getByRole('textbox', { name: 'Access key ID' }).fill(EXAMPLE_CREDENTIAL.accessKeyId);
    await form.getByLabel('Secret access key').fill(EXAMPLE_CREDENTIAL.secretAccessKey);
    await form.getByRole('button', { name: 'Save access key' }).click();
    await form.waitFor({ state: 'detached' });

    // The instances, with their state in words and the price estimate of their type and region.
    const gpuRow = page.getByRole('row', { name: /gpu-box/ });
    await gpuRow.getByText('Stopped', { exact: true }).waitFor({ timeout: 30_000 });
    await gpuRow.getByText(`est. ${formatHourly(priceEstimate('aws', 'eu-central-1', 'g4dn.xlarge')!)}`).waitFor();
    const studentRow = page.getByRole('row', { name: /student-01/ });
    await studentRow.getByText('Running', { exact: true }).waitFor();
    await studentRow.getByText(`est. ${formatHourly(priceEstimate('aws', 'eu-central-1', 't3.medium')!)}`).waitFor();
    await page.getByText('2 instances in Europe (Frankfurt) for access key “course”').waitFor();
    await screenshot(page, 'cloud-instances');
    expect(d.allEventText()).not.toContain(EXAMPLE_CREDENTIAL.secretAccessKey);
    expect(ec2.requests.every((r) => r.accessKeyId === EXAMPLE_CREDENTIAL.accessKeyId)).toBe(true);

    // Add as host: the key named like the key pair is picked; the host is linked to the instance.
    await gpuRow.getByRole('button', { name: 'Add as host: gpu-box' }).click();
    const adding = page.getByRole('dialog', { name: 'Add “gpu-box” as a host' });
    await adding.getByText('“course” from your Keys', { exact: false }).waitFor();
    await adding.getByRole('button', { name: 'Add host' }).click();
    const added = page.getByRole('dialog', { name: '“gpu-box” is ready' });
    await added.getByRole('button', { name: 'Launch notebook' }).waitFor();
    expect(d.service.hosts()).toMatchObject([{ name: 'gpu-box', key: { kind: 'vault', name: 'course' }, cloud: { provider: 'aws', instanceId: GPU, region: 'eu-central-1', vaultCredential: 'course' } }]);
    await gpuRow.getByText('Host gpu-box').waitFor();

    // This "VM" logs in as the test user on the test sshd's port, not ubuntu on 22: set in the host's editor.
    await added.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('navigation').getByRole('button', { name: 'Hosts' }).click();
    const card = page.getByRole('article', { name: 'gpu-box' });
    await card.getByText(`AWS instance ${GPU} (eu-central-1)`, { exact: false }).waitFor();
    await card.getByRole('button', { name: 'More actions for gpu-box' }).click();
    await page.getByRole('menuitem', { name: 'Edit host' }).click();
    const editor = page.getByRole('dialog', { name: 'Edit “gpu-box”' });
    await editor.getByText(GPU).waitFor();
    await editor.getByRole('textbox', { name: 'User' }).fill(h.user.name);
    await editor.getByRole('textbox', { name: 'SSH port' }).fill(String(h.port));
    await editor.getByRole('button', { name: 'Save' }).click();
    await editor.waitFor({ state: 'detached' });

    // Launch: the instance is held at pending, then runs while its SSH server is still down.
    ec2.hold(GPU);
    await h.sshd.stop();
    await card.getByRole('button', { name: 'Launch notebook' }).click();
    await card.getByText('Starting VM', { exact: true }).waitFor({ timeout: 30_000 });
    await card.getByText('AWS is starting “gpu-box”', { exact: false }).waitFor();
    await screenshot(page, 'cloud-starting-vm');
    ec2.hold(GPU, false);
    ec2.advance(GPU);
    await card.getByText('Waiting for SSH', { exact: true }).waitFor({ timeout: 30_000 });
    await card.getByText('waiting for its SSH server at 127.0.0.1', { exact: false }).waitFor();
    await screenshot(page, 'cloud-waiting-for-ssh');
    await h.sshd.start();

    // The first visit asks about the host key; then the notebook is ready, with the machine and its cost on the card.
    const question = page.getByRole('dialog', { name: 'Is this the right server?' });
    await question.getByText(h.sshd.hostKey.fingerprint).waitFor({ timeout: 60_000 });
    await question.getByRole('button', { name: 'Trust always' }).click();
    await readyAddress(card);
    await card.getByText('g4dn.xlarge · eu-central-1', { exact: false }).waitFor();
    await card.getByText(/so far \(estimate\) · running .* · started by Porthole/).waitFor();
    await screenshot(page, 'cloud-ready');
    expect(ec2.instance(GPU)).toMatchObject({ state: 'running', starts: 1 });
    const landedAt = await waitFor('the notebook page to open', tab.landedAt, { timeoutMs: 30_000 });
    await openNewNotebook(tab.page, landedAt.replace(/tree.*$/, ''));
    expect(await runCell(tab.page, 0, 'print(6*7)')).toContain('42');
  });
});
