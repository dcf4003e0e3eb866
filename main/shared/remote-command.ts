/**
 * Runs one command over an SSH connection with its input on stdin (never on the command
 * line) and a deadline, and collects its output. Callers turn the two failure kinds into
 * their own user-facing errors.
 */
import type { Client } from 'ssh2';

export interface RemoteCommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

export class RemoteCommandError extends Error {
  constructor(
    readonly kind: 'refused' | 'timeout',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RemoteCommandError';
  }
}

export function runRemoteCommand(client: Client, command: string, stdin: string, timeoutMs: number): Promise<RemoteCommandResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) {
        reject(new RemoteCommandError('refused', error.message, { cause: error }));
        return;
      }
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      const timer = setTimeout(() => {
        channel.close();
        reject(new RemoteCommandError('timeout', `did not finish within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
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
