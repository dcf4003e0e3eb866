/**
 * The screenshot gallery: the built renderer in Chromium, driven through the test bridge
 * by a scenario service, in every screen and state, light and dark. Each shot is also an
 * accessibility check (axe: no serious or critical violations; every control a named Tab
 * stop) and a CSP check.
 * PNGs land in test-artifacts/screens/<screen>-<state>-<light|dark>.png.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import type { PromptView } from '../../main/ipc/contract';
import { launchChromium } from '../env/chromium';
import { waitFor } from '../env/wait';
import { serveDirectory } from '../support/static-server';
import { attachBridge } from './support/bridge';
import { sweepKeyboard } from './support/keyboard-sweep';
import { textareaLayout } from './support/text-lines';
import { host, key, NOTEBOOK, NOW, ScenarioService, session } from './support/scenario';
import { CLOUD_SHOTS } from './support/cloud-shots';

const OUT = resolve(__dirname, '../../test-artifacts/screens');

interface Shot {
  readonly name: string;
  /** Taller than the usual 760 px window, for screens whose whole content is the point. */
  readonly height?: number;
  readonly setup?: (s: ScenarioService) => void;
  readonly act?: (page: Page, s: ScenarioService) => Promise<void>;
}

const withHostAndKey = (s: ScenarioService) => {
  s.keys = [key('aws-course', { format: 'pem', type: 'ssh-rsa', bits: 2048 })];
  s.hosts = [host('gpu-vm')];
};
const nav = (name: string) => async (page: Page) => {
  await page.getByRole('navigation').getByRole('button', { name }).click();
};
const openWizard = async (page: Page) => {
  await page.getByRole('navigation').getByRole('button', { name: 'Keys' }).click();
  await page.getByRole('button', { name: 'Import a key' }).click();
};
const inspectPicked = async (page: Page) => {
  await openWizard(page);
  await page.getByRole('button', { name: 'Choose a key file…' }).click();
  await page.getByRole('button', { name: 'Import key' }).or(page.getByRole('button', { name: 'Choose another key' })).waitFor();
};
/** A real RSA 4096 public key (ssh-keygen), the longest a student meets: ten lines of base64. */
const RSA_4096_PUBLIC = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAACAQDbXr82LDBKjeM6oyuViJBCRzVMGmlPlovaNCKn7HnkBqUcvHdAXF/oEkOKOknR1xPWOuvOoxCiNLbkUMSul77kAmCT110AYQfTd1ody9PKyFVfyJt6Lxy+n/vsRO3VKG+eht+vGY58IQwSN+5xV0vDvk3IUtPp/BdV0LyUKXK+bwcsJg3HtAuKpd2QSONoZA+Q8Jb7mFLFxQDNb9WMs8ArI3UC0hcIcEEUt2XOzwhNcU9kok64lJq5RnTejWLaE+gxlhgDnKGEfO7DlNvvnEaNtj83IO8h0N0+/XPhPTNJVnE6pHemCZ4eROnbNyicy4zjM6toPAyzUCvMRF8iOwJ3EqSF9YUGtyYE+jlPBv4e7lD0Ia0QJ4PJfTg7IeAmLwOBmoBHpgqIwustrU6qskT4vhWzMoIbyP+CHIDqtiEsRmcUHLTu8hduzBxvAstwtY846IoD+trNouPFH9EJznnAoiCg57emQ470raB/uSyZw8+Bsi41Ybmihgv8nbSInPIP2Z9nkMMSfHcp1chzRka5cTdGmczS/cx6eAWMY0ksnK1o8evV8i3p4jMfmG5D6vSmlSOtQTztGz3ULN6wwCaRyF29Lt+5c61sxu7fvO4cyx39wq0IgZ/rubG4UQpt94/UP3iRuN/VsEpNthPXVa1YyjEYKKtwWbbZQNxZENciGw== student@laptop';

/** The public key's comment ("student@laptop") on one line, the whole key in view without scrolling. */
const expectKeyUnbroken = async (page: Page) => {
  const layout = await textareaLayout(page.getByRole('textbox', { name: 'Public key' }), 'student@laptop');
  expect(layout).toMatchObject({ linesOfPart: 1, allVisible: true });
};
const isFocused = (locator: Locator) => locator.evaluate((element) => element === document.activeElement);
const readyWithServers = (s: ScenarioService) => {
  withHostAndKey(s);
  s.sessions = [session('gpu-vm', { kind: 'ready', notebook: NOTEBOOK, forwards: [], reconnected: false })];
  s.servers = [
    { pid: 4242, port: 8888, rootDir: '/home/ubuntu/learnml', version: '4.2.5', kind: 'JupyterLab', current: true },
    { pid: 3100, port: 8890, rootDir: '/home/ubuntu', version: '6.4.12', kind: 'Notebook', current: false },
  ];
};
/** The host editor, half filled in, handed over to the key wizard. */
const editorToWizard = async (page: Page) => {
  await page.getByRole('button', { name: 'Add a host' }).click();
  const editor = page.getByRole('dialog', { name: 'Add a host' });
  await editor.getByRole('textbox', { name: 'Name' }).fill('course-vm');
  await editor.getByRole('textbox', { name: 'Address' }).fill('203.0.113.7');
  await editor.getByRole('textbox', { name: 'User' }).fill('ubuntu');
  await editor.getByRole('button', { name: 'Import a key…' }).click();
  await page.getByRole('dialog', { name: 'Import a key' }).waitFor();
};

const prompt = (detail: PromptView['detail']) => (s: ScenarioService) => {
  withHostAndKey(s);
  s.sessions = [session('gpu-vm', { kind: 'awaiting-user', promptId: 'p1' })];
  s.prompts = [{ id: 'p1', host: 'gpu-vm', createdAt: Date.now(), expiresAt: Date.now() + 95_000, detail }];
};

const SHOTS: Shot[] = [
  { name: 'first-run-empty' },
  { name: 'first-run-key-imported', setup: (s) => (s.keys = [key('aws-course')]) },
  {
    name: 'hosts-all-states',
    height: 1180,
    setup: (s) => {
      s.keys = [key('aws-course')];
      s.hosts = ['idle-vm', 'connecting-vm', 'waiting-vm', 'starting-vm', 'ready-vm', 'reconnecting-vm', 'failed-vm'].map((n) => host(n, n === 'ready-vm' ? { forwards: [{ kind: 'local', bindHost: '127.0.0.1', bindPort: 6006, remoteHost: 'localhost', remotePort: 6006 }] } : {}));
      s.sessions = [
        session('connecting-vm', { kind: 'connecting', attempt: 1 }),
        session('waiting-vm', { kind: 'awaiting-user', promptId: null }),
        session('starting-vm', { kind: 'starting-jupyter', phase: 'starting', reusing: false }),
        session('ready-vm', { kind: 'ready', notebook: NOTEBOOK, forwards: [], reconnected: false }),
        session('reconnecting-vm', { kind: 'reconnecting', attempt: 2, retryAt: Date.now() + 12_000, notebook: NOTEBOOK, error: { code: 'ssh.connection-lost', message: 'The connection to the VM dropped.', retryable: true } }),
        session('failed-vm', { kind: 'failed', error: { code: 'ssh.auth-failed', message: 'The VM refused the key “aws-course”.', hint: 'Check the user name (ubuntu on AWS Ubuntu), or add this public key to ~/.ssh/authorized_keys on the VM.', retryable: true } }),
      ];
    },
  },
  {
    name: 'hosts-more-phases',
    height: 900,
    setup: (s) => {
      s.hosts = ['locating', 'forwarding', 'probing', 'stopped', 'forwards-only'].map((n) => host(n));
      s.sessions = [
        session('locating', { kind: 'starting-jupyter', phase: 'locating', reusing: false }),
        session('forwarding', { kind: 'starting-jupyter', phase: 'forwarding', reusing: true }),
        session('probing', { kind: 'starting-jupyter', phase: 'probing', reusing: false }),
        session('stopped', { kind: 'server-stopped', notebook: NOTEBOOK }),
        session('forwards-only', { kind: 'ready', notebook: null, forwards: [{ spec: { kind: 'local', bindHost: '127.0.0.1', bindPort: 5432, remoteHost: 'localhost', remotePort: 5432 }, boundPort: 5432 }], reconnected: false }, 'forwards'),
      ];
    },
  },
  {
    name: 'hosts-menu',
    setup: (s) => {
      withHostAndKey(s);
      s.sessions = [session('gpu-vm', { kind: 'ready', notebook: NOTEBOOK, forwards: [], reconnected: true })];
    },
    act: async (page) => {
      await page.getByRole('button', { name: 'More actions for gpu-vm' }).click();
      await page.getByRole('menu').waitFor();
    },
  },
  {
    name: 'host-editor-new',
    height: 1060,
    setup: (s) => (s.keys = [key('aws-course')]),
    act: async (page) => {
      await page.getByRole('button', { name: 'Add a host' }).click();
      await page.getByRole('dialog', { name: 'Add a host' }).waitFor();
    },
  },
  {
    name: 'host-editor-field-errors',
    setup: (s) => {
      s.keys = [key('aws-course')];
      s.failures.set('hosts:save', { code: 'profiles.invalid', message: 'The host profile "gpu" is not valid: host: the host "a b" contains a space; port: must be a whole number from 1 to 65535.', hint: 'Correct the fields named above and save again.', retryable: false });
    },
    act: async (page) => {
      await page.getByRole('button', { name: 'Add a host' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a host' });
      await dialog.getByRole('textbox', { name: 'Name' }).fill('gpu');
      await dialog.getByRole('textbox', { name: 'Address' }).fill('203.0.113.7');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('The host "a b" contains a space.').waitFor();
    },
  },
  {
    name: 'host-editor-client-errors',
    act: async (page) => {
      await page.getByRole('button', { name: 'Add a host' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a host' });
      await dialog.getByRole('textbox', { name: 'Address' }).fill('ubuntu@203.0.113.7');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('Put the user name in the User field').waitFor();
    },
  },
  {
    name: 'host-editor-detected-advanced',
    height: 1300,
    setup: withHostAndKey,
    act: async (page) => {
      await page.getByRole('button', { name: 'More actions for gpu-vm' }).click();
      await page.getByRole('menuitem', { name: 'Edit host' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit “gpu-vm”' });
      await dialog.getByRole('button', { name: 'Detect' }).click();
      await dialog.getByText('Found 3 conda environments').waitFor();
      await dialog.getByText('A password', { exact: true }).click();
      await dialog.getByLabel('Notebook password').waitFor();
      await dialog.getByRole('button', { name: /Jump hosts and extra forwards/ }).click();
      await dialog.getByRole('button', { name: 'Add a forward' }).click();
    },
  },
  {
    name: 'host-editor-key-imported',
    height: 1060,
    setup: (s) => (s.keys = [key('aws-course')]),
    act: async (page) => {
      await editorToWizard(page);
      await page.getByRole('button', { name: 'Choose a key file…' }).click();
      await page.getByText('Step 2 of 2: Check and name it').waitFor();
      await page.getByRole('button', { name: 'Import key' }).click();
      const editor = page.getByRole('dialog', { name: 'Add a host' });
      await editor.waitFor();
      expect([await editor.getByRole('textbox', { name: 'Name' }).inputValue(), await editor.getByRole('textbox', { name: 'Address' }).inputValue(), await editor.getByRole('textbox', { name: 'User' }).inputValue()]).toEqual(['course-vm', '203.0.113.7', 'ubuntu']);
      const keyPicker = editor.getByRole('button', { name: /Key$/ });
      await keyPicker.getByText('mykey (Ed25519)').waitFor();
      await waitFor('focus on the key picker', () => isFocused(keyPicker));
    },
  },
  {
    name: 'host-editor-key-generated',
    setup: (s) => (s.keys = [key('aws-course')]),
    act: async (page, s) => {
      await editorToWizard(page);
      await page.getByRole('button', { name: 'No key yet? Generate a new one' }).click();
      await page.getByRole('button', { name: 'Generate key' }).click();
      const done = page.getByRole('dialog', { name: 'Your key is ready' });
      await done.getByRole('button', { name: 'Use it for this host' }).waitFor();
      // Back to the host is the one way on: no second host editor, no "Done" that drops the form.
      expect(await done.getByRole('button', { name: /^(Done|Add a host with this key)$/ }).count()).toBe(0);
      expect(s.calls.filter((c) => c.name === 'hosts:save')).toEqual([]);
    },
  },
  {
    name: 'hosts-keyboard-focus',
    setup: withHostAndKey,
    act: async (page) => {
      // The focus ring as a keyboard user sees it, on the card's one obvious action.
      const launch = page.getByRole('button', { name: 'Launch notebook' });
      for (let i = 0; i < 20 && !(await launch.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
      expect(await launch.evaluate((el) => el === document.activeElement && el.hasAttribute('data-focus-visible'))).toBe(true);
    },
  },
  { name: 'wizard-source', act: openWizard },
  ...(['openssh', 'pem', 'pkcs8', 'ppk-v2', 'ppk-v3'] as const).map(
    (format): Shot => ({
      name: `wizard-inspect-${format}`,
      setup: (s) => (s.inspection = { kind: 'private', format, type: format === 'pem' ? 'ssh-rsa' : 'ssh-ed25519', encrypted: false, fingerprint: 'SHA256:Wv7KJ0x2s3hQm8yQk1r3D0f0yq7b0JmJYkO2n0x9a1c', comment: format.startsWith('ppk') ? 'rsa-key-20261201' : '', suggestedName: 'mykey' }),
      act: inspectPicked,
    }),
  ),
  {
    name: 'wizard-encrypted',
    setup: (s) => (s.inspection = { kind: 'private', format: 'pkcs8', type: null, encrypted: true, fingerprint: null, comment: '', suggestedName: 'mykey' }),
    act: inspectPicked,
  },
  {
    name: 'wizard-wrong-passphrase',
    setup: (s) => {
      s.inspection = { kind: 'private', format: 'openssh', type: 'ssh-ed25519', encrypted: true, fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', comment: 'student@laptop', suggestedName: 'id_ed25519' };
      s.failures.set('keys:import', { code: 'keys.wrong-passphrase', message: 'That passphrase does not unlock this key.', hint: 'Check Caps Lock and try again.', retryable: true });
    },
    act: async (page) => {
      await inspectPicked(page);
      const field = page.getByRole('textbox', { name: 'Passphrase' });
      // Nothing typed: focus goes from "Import key" to the field, which says why.
      await page.getByRole('button', { name: 'Import key' }).click();
      await page.getByText('This key is locked: type its passphrase.').waitFor();
      await waitFor('focus on the empty Passphrase field', () => isFocused(field));
      // Refused: focus on the field again, the passphrase selected for the next try.
      await field.fill('nope');
      await page.getByRole('button', { name: 'Import key' }).click();
      await page.getByText('That passphrase does not unlock this key.').waitFor();
      await waitFor('focus on the refused Passphrase field', () => isFocused(field));
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await field.evaluate((input: HTMLInputElement) => [input.selectionStart, input.selectionEnd])).toEqual([0, 4]);
    },
  },
  { name: 'wizard-public-key-given', setup: (s) => (s.inspection = { kind: 'public', type: 'ssh-ed25519', fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', comment: 'student@laptop' }), act: inspectPicked },
  { name: 'wizard-invalid', setup: (s) => (s.inspection = { kind: 'invalid', error: { code: 'keys.unsupported', message: 'This file is not an SSH key.', hint: 'Choose the .pem, .ppk or id_… file you log in with.', retryable: false } }), act: inspectPicked },
  {
    name: 'wizard-success',
    act: async (page) => {
      await inspectPicked(page);
      await page.getByRole('button', { name: 'Import key' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Copy public key' }).waitFor();
      await expectKeyUnbroken(page);
    },
  },
  {
    name: 'wizard-success-rsa',
    height: 900,
    setup: (s) => {
      s.inspection = { kind: 'private', format: 'pem', type: 'ssh-rsa', encrypted: false, fingerprint: 'SHA256:dPdIkuhn7tAMgNRdw7hsJ9PxvslM0TxkhoMUst479Js', comment: '', suggestedName: 'aws-course' };
      s.importedKey = { type: 'ssh-rsa', bits: 4096, fingerprint: 'SHA256:dPdIkuhn7tAMgNRdw7hsJ9PxvslM0TxkhoMUst479Js', publicKey: RSA_4096_PUBLIC };
    },
    act: async (page) => {
      await inspectPicked(page);
      await page.getByRole('button', { name: 'Import key' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Copy public key' }).waitFor();
      await expectKeyUnbroken(page);
    },
  },
  {
    name: 'wizard-generate',
    act: async (page) => {
      await nav('Keys')(page);
      await page.getByRole('button', { name: 'Generate a key' }).click();
    },
  },
  {
    name: 'wizard-install-tab',
    act: async (page) => {
      await nav('Keys')(page);
      await page.getByRole('button', { name: 'Generate a key' }).click();
      await page.getByRole('button', { name: 'Generate key' }).click();
      await page.getByRole('tab', { name: 'Install with a password' }).click();
    },
  },
  { name: 'keys-list', setup: (s) => (s.keys = [key('aws-course', { format: 'pem', type: 'ssh-rsa', bits: 2048, comment: '' }), key('putty-lab', { format: 'ppk-v3', needsPassphrase: true }), key('porthole', { format: 'generated' })]), act: nav('Keys') },
  { name: 'keys-empty', act: nav('Keys') },
  {
    name: 'keys-install-dialog',
    height: 820,
    setup: (s) => (s.keys = [key('aws-course')]),
    act: async (page) => {
      await nav('Keys')(page);
      await page.getByRole('article', { name: 'aws-course' }).getByRole('button', { name: 'Install on host' }).click();
      await page.getByRole('dialog', { name: 'Install “aws-course” on a host' }).waitFor();
    },
  },
  { name: 'keys-remove-confirm', setup: (s) => (s.keys = [key('aws-course')]), act: async (page) => { await nav('Keys')(page); await page.getByRole('button', { name: 'Remove key aws-course' }).click(); } },
  { name: 'prompt-host-key', setup: prompt({ kind: 'host-key', server: '203.0.113.7:22', keyType: 'ssh-ed25519', fingerprint: 'SHA256:4x3gS1fV0cQq8eYzI2z4O6m2V5hR3n1S0kq7z3aB9cE' }) },
  { name: 'prompt-passphrase', setup: prompt({ kind: 'passphrase', keyLabel: 'aws-course', retry: false, canRemember: true }) },
  { name: 'prompt-passphrase-retry', setup: prompt({ kind: 'passphrase', keyLabel: 'aws-course', retry: true, canRemember: true }) },
  { name: 'prompt-password', setup: prompt({ kind: 'password', server: 'azureuser@198.51.100.4', retry: false, canRemember: true }) },
  { name: 'prompt-2fa', setup: prompt({ kind: 'keyboard-interactive', server: 'bastion.university.edu', instructions: 'Duo two-factor login', prompts: [{ prompt: 'Password:', echo: false }, { prompt: 'Verification code:', echo: true }] }) },
  {
    name: 'hostkey-changed',
    setup: (s) => {
      withHostAndKey(s);
      s.sessions = [
        session('gpu-vm', {
          kind: 'failed',
          error: {
            code: 'ssh.hostkey-changed',
            message: 'The VM’s host key changed since your last visit.',
            hint: 'Porthole did not connect. Check the new fingerprint before doing anything else.',
            retryable: false,
            details: { hostKeyChanged: { server: '203.0.113.7:22', presented: { keyType: 'ssh-ed25519', fingerprint: 'SHA256:4x3gS1fV0cQq8eYzI2z4O6m2V5hR3n1S0kq7z3aB9cE' }, recorded: [{ keyType: 'ssh-ed25519', fingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8', file: '/home/student/.ssh/known_hosts', line: 12 }] } },
          },
        }),
      ];
    },
    act: async (page) => {
      await page.getByRole('alertdialog').waitFor();
    },
  },
  {
    name: 'notebooks-running',
    setup: readyWithServers,
    act: async (page) => {
      await nav('Notebooks')(page);
      await page.getByRole('button', { name: 'Copy URL' }).waitFor();
    },
  },
  {
    name: 'notebooks-stop-confirm',
    setup: readyWithServers,
    act: async (page, s) => {
      await nav('Notebooks')(page);
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      const question = page.getByRole('alertdialog', { name: 'Stop Jupyter on “gpu-vm”?' });
      await question.waitFor();
      // The safe choice has focus; nothing is stopped until the user says so.
      await waitFor('focus on Cancel', () => isFocused(question.getByRole('button', { name: 'Cancel' })));
      expect(s.calls.filter((c) => c.name === 'sessions:stop-server' || c.name === 'sessions:disconnect')).toEqual([]);
    },
  },
  {
    name: 'hosts-stop-confirm',
    setup: readyWithServers,
    act: async (page, s) => {
      const openQuestion = async () => {
        await page.getByRole('button', { name: 'More actions for gpu-vm' }).click();
        await page.getByRole('menuitem', { name: 'Stop Jupyter server' }).click();
        return page.getByRole('alertdialog', { name: 'Stop Jupyter on “gpu-vm”?' });
      };
      await (await openQuestion()).getByRole('button', { name: 'Cancel' }).click();
      expect(s.calls.filter((c) => c.name === 'sessions:stop-server')).toEqual([]);
      await (await openQuestion()).getByText('Disconnect instead', { exact: false }).waitFor();
    },
  },
  { name: 'notebooks-empty', act: nav('Notebooks') },
  {
    name: 'import-preview',
    setup: (s) => {
      s.importPreview = {
        source: 'ssh-config',
        path: '/home/student/.ssh/config',
        candidates: [
          { host: host('course-vm', { host: 'ec2-203-0-113-7.compute-1.amazonaws.com', key: { kind: 'path', path: '~/.ssh/course.pem' } }), exists: false },
          { host: host('lab-gpu', { host: '10.0.4.12', user: 'azureuser', jumpHosts: [{ host: 'bastion.university.edu', port: 22, user: null }], forwards: [{ kind: 'local', bindHost: '127.0.0.1', bindPort: 6006, remoteHost: 'localhost', remotePort: 6006 }] }), exists: false },
          { host: host('gpu-vm'), exists: true },
        ],
        skipped: [{ host: '*.internal', reason: 'a pattern, not one host' }],
        warnings: [{ host: 'lab-gpu', message: 'ProxyCommand is not supported; imported the ProxyJump instead.' }],
      };
    },
    act: async (page) => {
      await page.getByRole('button', { name: 'Import from ~/.ssh/config' }).click();
      await page.getByRole('checkbox', { name: /course-vm/ }).waitFor();
    },
  },
  { name: 'settings', act: nav('Settings') },
  {
    name: 'log',
    setup: (s) => {
      const lines: [string, 'info' | 'warn' | 'error', string][] = [
        ['app', 'info', 'Porthole 9.8.7 started'],
        ['gpu-vm', 'info', 'Connecting to ubuntu@203.0.113.7:22'],
        ['gpu-vm', 'info', 'Host key SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8 matches ~/.ssh/known_hosts line 12'],
        ['gpu-vm', 'info', 'Found jupyter-lab 4.2.5 in conda env "pytorch"'],
        ['gpu-vm', 'info', 'Started Jupyter (pid 4242) on port 8888, token=[redacted]'],
        ['gpu-vm', 'warn', 'Local port 8888 was busy; using 8889'],
        ['gpu-vm', 'error', 'The connection to the VM dropped (ECONNRESET); reconnecting in 2 s'],
        ['gpu-vm', 'info', 'Reconnected; forward 127.0.0.1:8889 restored'],
      ];
      s.logs = lines.map(([scope, level, message], i) => ({ seq: i + 1, at: NOW + i * 1700, level, scope, message }));
    },
    act: nav('Log'),
  },
  {
    name: 'toast',
    setup: withHostAndKey,
    act: async (page, s) => {
      s.emit('app:notice', { notice: { id: 'n1', level: 'warning', title: 'gpu-vm is still running', body: 'Your VM keeps costing money until you stop it in the cloud console.', host: 'gpu-vm' } });
      await page.getByText('gpu-vm is still running').waitFor();
    },
  },
  ...CLOUD_SHOTS,
];

describe('screen gallery (light and dark, axe-checked)', () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveDirectory>>;
  const findings: string[] = [];
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    site = await serveDirectory(resolve(__dirname, '../../out/renderer'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    if (findings.length > 0) console.log(findings.join('\n'));
    await browser?.close();
    await site?.close();
  });

  for (const shot of SHOTS) {
    it(`${shot.name}: renders without CSP or page errors, no serious axe violations, every control a named tab stop`, async () => {
      const service = new ScenarioService();
      shot.setup?.(service);
      const context = await browser.newContext({ viewport: { width: 1100, height: shot.height ?? 760 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      await page.addInitScript(() => document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.effectiveDirective} ${e.blockedURI}`)));
      const detach = await attachBridge(page, service);
      try {
        await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
        await page.goto(site.url);
        await page.getByRole('status').filter({ hasText: 'Porthole 9.8.7' }).waitFor();
        await shot.act?.(page, service);
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
          await page.screenshot({ path: `${OUT}/${shot.name}-${scheme}.png` });
        }
        // The page's own problems, taken before axe runs: axe injects its script and styles,
        // which the renderer's strict CSP rightly refuses, and that is no fault of the page.
        const pageProblems = [...problems];
        const axeProblems: string[] = [];
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
          const axe = await new AxeBuilder({ page }).analyze();
          const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
          const counts = axe.violations.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v.impact ?? 'none']: (acc[v.impact ?? 'none'] ?? 0) + v.nodes.length }), {});
          findings.push(`axe ${shot.name}-${scheme}: ${JSON.stringify(counts)}${axe.violations.length > 0 ? ` (${axe.violations.map((v) => `${v.id}: ${v.impact}`).join(', ')})` : ''}`);
          for (const v of bad) axeProblems.push(`axe ${scheme} ${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} (${n.failureSummary?.replace(/\s+/g, ' ').slice(0, 160) ?? ''})`).join(' | ')}`);
        }
        // Last, since it moves focus: every control reachable with Tab, and named.
        const keyboard = await sweepKeyboard(page);
        findings.push(`keyboard ${shot.name}: ${keyboard.stops.length} tab stops`);
        expect([...pageProblems, ...axeProblems, ...keyboard.problems]).toEqual([]);
      } finally {
        detach();
        await context.close();
      }
    });
  }
});
