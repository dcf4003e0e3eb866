/** A real OpenSSH ssh-agent on a private socket, loaded with the given keys. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runChecked, terminate } from './processes';
import { makeDir } from './run-dir';
import { waitFor } from './wait';

export interface TestAgent {
  readonly socket: string;
  stop(): Promise<void>;
}

export async function startSshAgent(privateKeyPaths: readonly string[]): Promise<TestAgent> {
  const socket = join(makeDir('agent'), 'agent.sock');
  // -D: foreground, so this test owns the process and can stop it.
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const stop = () => terminate(agent.pid === undefined ? [] : [agent.pid]);
  try {
    await waitFor('ssh-agent socket', () => existsSync(socket));
    for (const key of privateKeyPaths) await runChecked('ssh-add', ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
  } catch (error) {
    await stop();
    throw error;
  }
  return { socket, stop };
}
