/**
 * The system programs the test environment needs, where each comes from, and a check that
 * installs what is missing (root on Debian/Ubuntu) or stops with exactly what to install.
 * Run directly (`tsx test/env/system-deps.ts --install`) as the first step of `npm test`.
 */
import { accessSync, constants } from 'node:fs';
import { execFileSync } from 'node:child_process';

interface Requirement {
  /** Absolute path of the program the tests run. */
  readonly path: string;
  /** Debian package that provides it. */
  readonly aptPackage: string;
  readonly usedFor: string;
}

export const REQUIREMENTS: readonly Requirement[] = [
  { path: '/usr/sbin/sshd', aptPackage: 'openssh-server', usedFor: 'the test SSH servers' },
  { path: '/usr/bin/ssh', aptPackage: 'openssh-client', usedFor: 'the OpenSSH reference client' },
  { path: '/usr/bin/ssh-keygen', aptPackage: 'openssh-client', usedFor: 'host and client keys' },
  { path: '/usr/bin/jupyter-notebook', aptPackage: 'jupyter-notebook', usedFor: 'Jupyter Notebook 6 on the test host' },
  { path: '/usr/bin/jupyter-server', aptPackage: 'jupyter-server', usedFor: 'jupyter_server 1.x on the test host' },
  { path: '/usr/bin/chromium', aptPackage: 'chromium', usedFor: 'browser tests' },
  { path: '/usr/bin/gnome-keyring-daemon', aptPackage: 'gnome-keyring', usedFor: 'the Secret Service keychain' },
  { path: '/usr/bin/dbus-daemon', aptPackage: 'dbus', usedFor: 'a private D-Bus session for the keychain' },
  { path: '/usr/bin/dbus-send', aptPackage: 'dbus', usedFor: 'waiting for the keychain to come up' },
  { path: '/usr/bin/secret-tool', aptPackage: 'libsecret-tools', usedFor: 'checking the keychain from outside Porthole' },
  { path: '/usr/bin/puttygen', aptPackage: 'putty-tools', usedFor: 'PuTTY .ppk key fixtures' },
  { path: '/usr/bin/xvfb-run', aptPackage: 'xvfb', usedFor: 'headful Chromium and Electron runs' },
  { path: '/usr/bin/xauth', aptPackage: 'xauth', usedFor: 'xvfb-run' },
  { path: '/usr/bin/openssl', aptPackage: 'openssl', usedFor: 'the certificate of the local Azure (ARM) endpoint' },
];

/** jupyter_server's Python package is separate from its command on Debian. */
const PYTHON_PACKAGES = ['python3-jupyter-server'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function missingRequirements(): Requirement[] {
  return REQUIREMENTS.filter((requirement) => !isExecutable(requirement.path));
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export function describeMissing(missing: readonly Requirement[]): string {
  const packages = [...new Set([...missing.map((m) => m.aptPackage), ...PYTHON_PACKAGES])];
  const lines = missing.map((m) => `  - ${m.path} (package ${m.aptPackage}, for ${m.usedFor})`);
  return [
    'Porthole tests need programs that are not installed:',
    ...lines,
    'Install them with:',
    `  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`,
  ].join('\n');
}

/** Why the environment cannot run at all, or null when it can. */
export function environmentProblem(): string | null {
  if (process.platform !== 'linux') {
    return 'Porthole integration tests run on Linux (Debian/Ubuntu): they start a real sshd, Jupyter and Secret Service.';
  }
  if (!isRoot()) {
    return 'Porthole integration tests must run as root: they create throw-away test users and start sshd with privilege separation. Run them in a VM or container as root.';
  }
  const missing = missingRequirements();
  return missing.length > 0 ? describeMissing(missing) : null;
}

function installWithApt(missing: readonly Requirement[]): void {
  const packages = [...new Set([...missing.map((m) => m.aptPackage), ...PYTHON_PACKAGES])];
  console.log(`Installing test dependencies with apt-get: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
}

function main(): void {
  const install = process.argv.includes('--install');
  const missing = missingRequirements();
  if (missing.length > 0 && install && isRoot() && isExecutable('/usr/bin/apt-get')) installWithApt(missing);
  const problem = environmentProblem();
  if (problem !== null) {
    console.error(problem);
    process.exit(1);
  }
  console.log(`Test dependencies present (${REQUIREMENTS.length} programs checked).`);
}

if (process.argv[1] !== undefined && /system-deps\.ts$/.test(process.argv[1])) main();
