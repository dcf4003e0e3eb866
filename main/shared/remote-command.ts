/**
 * Runs one command over an SSH connection with its input on stdin (never on the command
 * line) and a deadline, and collects its output. Callers turn the failure kinds into their
 * own user-facing errors.
 */
import type { Client, ClientChannel } from 'ssh2';
import { CHANNEL_OPEN_TIMEOUT_MS, ChannelOpenTimeoutError, openChannelWithin } from './channel-open';

export interface RemoteCommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

export class RemoteCommandError extends Error {
  constructor(
    /** refused: no session for it; no-answer: the server never answered the session open; timeout: it ran too long. */
    readonly kind: 'refused' | 'no-answer' | 'timeout',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RemoteCommandError';
  }
}

/** `timeoutMs` bounds the command once started; opening its session gets at most CHANNEL_OPEN_TIMEOUT_MS of it. */
export async function runRemoteCommand(client: Client, command: string, stdin: string, timeoutMs: number): Promise<RemoteCommandResult> {
  let channel: ClientChannel;
  try {
    channel = await openChannelWithin<ClientChannel>(Math.min(timeoutMs, CHANNEL_OPEN_TIMEOUT_MS), (done) => client.exec(command, done));
  } catch (error) {
    if (error instanceof ChannelOpenTimeoutError) throw new RemoteCommandError('no-answer', `the server did not start the command within ${+(error.timeoutMs / 1000).toFixed(1)} s`, { cause: error });
    throw new RemoteCommandError('refused', (error as Error).message, { cause: error });
  }
  return new Promise((resolve, reject) => {
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
}
