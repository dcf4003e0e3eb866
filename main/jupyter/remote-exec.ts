/** Runs one of Porthole's scripts on the remote (`/bin/sh -s`, script on stdin) and returns its marked lines. */
import type { Client } from 'ssh2';
import { PortholeError } from '../shared/errors';
import { RemoteCommandError, runRemoteCommand } from '../shared/remote-command';
import { newMarker, parseMarked, REMOTE_SHELL_COMMAND, type MarkedLine } from './remote-scripts';

export interface ScriptResult {
  readonly lines: readonly MarkedLine[];
  readonly code: number | null;
  /** stderr, for error messages (never contains the script itself). */
  readonly stderr: string;
}

export async function runScript(client: Client, build: (marker: string) => string, timeoutMs = 60_000): Promise<ScriptResult> {
  const marker = newMarker();
  try {
    const { stdout, stderr, code } = await runRemoteCommand(client, REMOTE_SHELL_COMMAND, build(marker), timeoutMs);
    return { lines: parseMarked(stdout, marker), code, stderr: stderr.slice(-4000) };
  } catch (error) {
    if (error instanceof RemoteCommandError && error.kind === 'timeout') {
      throw new PortholeError({ code: 'jupyter.remote-timeout', message: `A command on the remote did not finish within ${Math.round(timeoutMs / 1000)} s.`, hint: 'The machine may be overloaded; try again.', retryable: true }, { cause: error });
    }
    if (error instanceof RemoteCommandError && error.kind === 'no-answer') {
      throw new PortholeError({ code: 'jupyter.remote-timeout', message: `The remote did not start a command: ${error.message}.`, hint: 'The machine may be overloaded or not responding; try again.', retryable: true }, { cause: error });
    }
    throw new PortholeError({ code: 'jupyter.remote-command-failed', message: `Could not run a command on the remote: ${(error as Error).message}.`, hint: 'The server may limit sessions (MaxSessions); try again.', retryable: true }, { cause: error });
  }
}

export function valuesOf(lines: readonly MarkedLine[], key: string): string[] {
  return lines.filter((line) => line.key === key).map((line) => line.value);
}

export function valueOf(lines: readonly MarkedLine[], key: string): string | undefined {
  return lines.find((line) => line.key === key)?.value;
}
