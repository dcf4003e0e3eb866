/** Notebook sessions against test hosts, and remote setup done as the test user. */
import type { Client } from 'ssh2';
import { NotebookSession, type NotebookOptions } from '../../../main/session/notebook-session';
import type { TestHost } from '../../env/host';
import { exec } from '../../env/ssh-client';
import { connectionTo } from './connect';

export function notebookSession(host: TestHost, options: Partial<NotebookOptions> = {}): NotebookSession {
  return new NotebookSession(connectionTo(host), {
    flavour: 'auto',
    env: { kind: 'auto' },
    rootDir: null,
    password: null,
    localPort: null,
    stopServerOnClose: true,
    healthIntervalMs: 500,
    ...options,
  });
}

/** Runs a shell snippet as the test user (through its own SSH session) and fails loudly if it fails. */
export async function asUser(client: Client, script: string): Promise<string> {
  const result = await exec(client, `/bin/bash -s`, script);
  if (result.code !== 0) throw new Error(`remote setup failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/**
 * A real virtualenv that sees the system's Jupyter packages, with jupyter launchers of its
 * own, outside PATH: like a user's project venv.
 */
export function makeVenvScript(dir: string): string {
  return `set -e
/usr/bin/python3 -m venv --without-pip --system-site-packages ${dir}
for tool in jupyter jupyter-notebook jupyter-server; do
  sed "1s|.*|#!${dir}/bin/python3|" /usr/bin/$tool > ${dir}/bin/$tool
  chmod +x ${dir}/bin/$tool
done
`;
}
