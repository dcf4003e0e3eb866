/**
 * What a long-running CLI command says: one JSON object per line on stdout with --json
 * (for scripts), or short human lines on stderr. Errors always carry code and message.
 */
import { toErrorInfo, type PortholeErrorInfo } from '../shared/errors';

export type CliEvent = Record<string, unknown> & { readonly event: string };

export interface Reporter {
  readonly json: boolean;
  emit(event: CliEvent, human?: string): void;
  error(error: PortholeErrorInfo): void;
  say(line: string): void;
}

export function createReporter(json: boolean): Reporter {
  const say = (line: string) => process.stderr.write(`${line}\n`);
  return {
    json,
    say: json ? () => undefined : say,
    emit(event, human) {
      if (json) process.stdout.write(`${JSON.stringify(event)}\n`);
      else if (human) say(human);
    },
    error(error) {
      if (json) {
        process.stdout.write(`${JSON.stringify({ event: 'error', code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) })}\n`);
      } else {
        say(`porthole: ${error.message}`);
        if (error.hint) say(`  ${error.hint}`);
        say(`  (${error.code})`);
      }
    },
  };
}

/**
 * One forwarded connection could not be carried (like ssh's "open failed" line): a
 * `connection-failed` event; the forward, and the command, go on.
 */
export function connectionFailureReporter(reporter: Reporter): (error: unknown) => void {
  return (error) => {
    const info = toErrorInfo(error);
    reporter.emit({ event: 'connection-failed', code: info.code, message: info.message, ...(info.hint ? { hint: info.hint } : {}) }, `${info.message}${info.hint ? `\n  ${info.hint}` : ''}`);
  };
}

/** Runs one subcommand with a reporter: a failure becomes a reported error and exit code 1. */
export async function runReported(json: boolean, body: (reporter: Reporter) => Promise<void>): Promise<void> {
  const reporter = createReporter(json);
  try {
    await body(reporter);
    process.exitCode = 0;
  } catch (error) {
    reporter.error(toErrorInfo(error));
    process.exitCode = 1;
  }
}
