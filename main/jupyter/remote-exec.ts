/** Runs one of Porthole's scripts on the remote (`/bin/sh -s`, script on stdin) and returns its marked lines. */
import type { Client } from 'ssh2';
import { PortholeError } from '../shared/errors';
import { newMarker, parseMarked, REMOTE_SHELL_COMMAND, type MarkedLine } from './remote-scripts';

export interface ScriptResult {
  readonly lines: readonly MarkedLine[];
  readonly code: number | null;
  /** stderr, for error messages (never contains the script itself). */
  readonly stderr: string;
}

export function runScript(client: Client, build: (marker: string) => string, timeoutMs = 60_000): Promise<ScriptResult> {
  const marker = newMarker();
  const script = build(marker);
  return new Promise((resolve, reject) => {
    client.exec(REMOTE_SHELL_COMMAND, (error, channel) => {
      if (error) {
        reject(new PortholeError({ code: 'jupyter.remote-command-failed', message: `Could not run a command on the remote: ${error.message}.`, hint: 'The server may limit sessions (MaxSessions); try again.', retryable: true }, { cause: error }));
        return;
      }
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      const timer = setTimeout(() => {
        channel.close();
        reject(new PortholeError({ code: 'jupyter.remote-timeout', message: `A command on the remote did not finish within ${Math.round(timeoutMs / 1000)} s.`, hint: 'The machine may be overloaded; try again.', retryable: true }));
      }, timeoutMs);
      channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      channel.on('exit', (exitCode: number | null) => (code = exitCode));
      channel.on('close', () => {
        clearTimeout(timer);
        resolve({ lines: parseMarked(stdout, marker), code, stderr: stderr.slice(-4000) });
      });
      channel.end(script);
    });
  });
}

export function valuesOf(lines: readonly MarkedLine[], key: string): string[] {
  return lines.filter((line) => line.key === key).map((line) => line.value);
}

export function valueOf(lines: readonly MarkedLine[], key: string): string | undefined {
  return lines.find((line) => line.key === key)?.value;
}
