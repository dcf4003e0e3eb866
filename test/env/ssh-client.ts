/** Thin promise wrappers over ssh2 for tests that talk to the test hosts directly. */
import { readFileSync } from 'node:fs';
import { Client, type ConnectConfig } from 'ssh2';
import { sha256Fingerprint } from '../../main/ssh/fingerprint';
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

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/**
 * Runs a command on the remote; stdin (if given) is written and closed, never put on argv.
 * A command that has not finished within timeoutMs fails instead of hanging the test.
 */
export function exec(client: Client, command: string, stdin?: string, timeoutMs = 30_000): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) {
        reject(error);
        return;
      }
      const timer = setTimeout(() => {
        channel.close();
        reject(new Error(`remote command did not finish within ${timeoutMs} ms: ${command.slice(0, 80)}`));
      }, timeoutMs);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      channel.on('exit', (exitCode: number | null) => (code = exitCode));
      channel.on('close', () => {
        clearTimeout(timer);
        resolve({ stdout, stderr, code });
      });
      channel.end(stdin);
    });
  });
}
