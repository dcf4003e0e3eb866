/** Thin promise wrappers over ssh2 for tests that talk to the test hosts directly. */
import { readFileSync } from 'node:fs';
import { Client, type ConnectConfig } from 'ssh2';
import { sha256Fingerprint } from '../../main/shared/fingerprint';
import { runRemoteCommand, type RemoteCommandResult } from '../../main/shared/remote-command';
import type { TestHost } from './host';

export function connectSsh(config: ConnectConfig): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', (error) => {
      client.end();
      reject(error);
    });
    client.connect({ readyTimeout: 10_000, ...config });
  });
}

/** Login config for a test host with its client key, pinned to the host key sshd really has. */
export function keyLogin(host: TestHost, overrides: Partial<ConnectConfig> = {}): ConnectConfig {
  const expected = new Set(host.sshd.hostKeys.map((key) => key.fingerprint));
  return {
    host: host.host,
    port: host.port,
    username: host.user.name,
    privateKey: readFileSync(host.clientKey.privatePath),
    hostVerifier: (key: Buffer) => expected.has(sha256Fingerprint(key)),
    ...overrides,
  };
}

export type ExecResult = RemoteCommandResult;

/**
 * Runs a command on the remote; stdin (if given) is written and closed, never put on argv.
 * A command that has not finished within timeoutMs fails instead of hanging the test.
 */
export function exec(client: Client, command: string, stdin?: string, timeoutMs = 30_000): Promise<ExecResult> {
  return runRemoteCommand(client, command, stdin ?? '', timeoutMs);
}
