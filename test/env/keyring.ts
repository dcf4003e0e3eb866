/**
 * A real Secret Service: gnome-keyring in a private D-Bus session bus, with its own HOME and
 * XDG_RUNTIME_DIR, so keychain tests never see (or write to) a real user's keyring.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { run, terminate } from './processes';
import { makeDir } from './run-dir';
import { waitFor } from './wait';

export interface TestKeyring {
  /** Environment to give any process that should use this keyring. */
  readonly env: { DBUS_SESSION_BUS_ADDRESS: string; HOME: string; XDG_RUNTIME_DIR: string };
  stop(): Promise<void>;
}

export async function startKeyring(dir = makeDir('keyring')): Promise<TestKeyring> {
  const home = join(dir, 'home');
  const runtimeDir = join(dir, 'run');
  mkdirSync(home, { recursive: true });
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  const address = `unix:path=${join(runtimeDir, 'bus')}`;
  const env = { DBUS_SESSION_BUS_ADDRESS: address, HOME: home, XDG_RUNTIME_DIR: runtimeDir };
  const childEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env };

  const children: ChildProcess[] = [];
  const stop = async () => {
    await terminate(children.map((child) => child.pid).filter((pid): pid is number => pid !== undefined));
  };
  try {
    const bus = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', `--address=${address}`], { env: childEnv, stdio: 'ignore' });
    children.push(bus);
    await waitFor('the private D-Bus session bus', async () => (await busCall(childEnv, 'org.freedesktop.DBus.GetId')).code === 0);

    // A single newline on stdin unlocks the login keyring with an empty password; empty stdin
    // makes the daemon ask through a GUI prompt and fail.
    const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env: childEnv, stdio: ['pipe', 'ignore', 'ignore'] });
    children.push(keyring);
    keyring.stdin?.end('\n');
    await waitFor('gnome-keyring to own org.freedesktop.secrets', async () => {
      const result = await busCall(childEnv, 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets');
      return result.stdout.includes('boolean true');
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { env, stop };
}

function busCall(env: NodeJS.ProcessEnv, method: string, ...args: string[]) {
  return run('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', method, ...args], { env });
}
