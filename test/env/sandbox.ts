/**
 * `npm run sandbox`: the same sshd + Jupyter host the tests use, kept running for manual
 * trials of Porthole (or plain ssh) until Ctrl-C, then removed without a trace.
 */
import { rmSync } from 'node:fs';
import { createRunRoot, RUN_ROOT_ENV } from './run-dir';
import { environmentProblem } from './system-deps';
import { startTestHost } from './host';
import { connectSsh, exec, keyLogin } from './ssh-client';
import { staleTestUsers, removeTestUser } from './test-user';

async function main(): Promise<void> {
  const problem = environmentProblem();
  if (problem !== null) {
    console.error(`${problem}\n(\`npm run test:system-deps\` installs them when run as root.)`);
    process.exit(1);
  }
  for (const stale of staleTestUsers()) await removeTestUser(stale);
  const root = createRunRoot('sandbox');
  process.env[RUN_ROOT_ENV] = root;

  const host = await startTestHost({ dir: root, auth: { publickey: true, password: true, keyboardInteractive: true } });
  const client = await connectSsh(keyLogin(host));
  const versions = await exec(client, 'jupyter --version');
  client.end();
  const jupyter = versions.stdout
    .split('\n')
    .filter((line) => /^(notebook|jupyter_server)\s*:/.test(line))
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join(', ');

  console.log(`
Porthole sandbox is running.

  host                  127.0.0.1
  port                  ${host.port}
  user                  ${host.user.name}
  password              ${host.password ?? '(none)'}
  private key           ${host.clientKey.privatePath}
  host key fingerprint  ${host.sshd.hostKey.fingerprint} (${host.sshd.hostKey.publicLine.split(' ')[0]})
  known_hosts           ${host.knownHostsPath}
  jupyter               ${jupyter || 'NOT FOUND'}
  sshd log              ${host.sshd.logPath}

Try:
  ssh -i ${host.clientKey.privatePath} -p ${host.port} ${host.user.name}@127.0.0.1
  ssh ${host.opensshArgs().join(' ')} jupyter --version

Press Ctrl-C to stop and remove the sandbox.
`);

  let stopping = false;
  const shutdown = async (signalName: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signalName}: stopping the sandbox...`);
    try {
      await host.stop();
      rmSync(root, { recursive: true, force: true });
      console.log('Sandbox stopped; nothing left behind.');
      process.exit(0);
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
