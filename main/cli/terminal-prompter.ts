/**
 * Prompts on the controlling terminal, with typing hidden for secrets. Without a terminal
 * (scripts, CI) every question is answered "no answer", so the command fails with a clear
 * error instead of waiting forever on stdin.
 */
import { createInterface } from 'node:readline';
import { cleanServerText } from '../shared/server-text';
import type { ConnectionPrompter } from '../ssh/connection';
import type { CliEvent } from './reporter';

export interface TerminalPrompterOptions {
  readonly acceptNewHostKey: boolean;
  readonly interactive: boolean;
  readonly say: (line: string) => void;
  /**
   * Tells scripts (--json) about a host key trusted on --accept-new-host-key: on any hop and
   * on every reconnect, a key is never trusted without a word. Falls back to `say`.
   */
  readonly emit?: (event: CliEvent, human: string) => void;
}

export function terminalPrompter({ acceptNewHostKey, interactive, say, emit }: TerminalPrompterOptions): ConnectionPrompter {
  return {
    confirmHostKey: async (prompt) => {
      if (acceptNewHostKey) {
        const human = `Trusting new host key of ${prompt.server}${prompt.hostKeyAlias === undefined ? '' : ` (kept for ${prompt.hostKeyAlias})`}: ${prompt.keyType} ${prompt.fingerprint}`;
        if (emit) emit({ event: 'host-key-trusted', host: prompt.server, ...(prompt.hostKeyAlias === undefined ? {} : { hostKeyAlias: prompt.hostKeyAlias }), keyType: prompt.keyType, fingerprint: prompt.fingerprint }, human);
        else say(human);
      }
      return acceptNewHostKey;
    },
    passphrase: (label, retry) => (interactive ? askOnTerminal(`${retry ? 'Wrong passphrase. ' : ''}Passphrase for ${label}: `, true) : Promise.resolve(null)),
    password: (server, retry) => (interactive ? askOnTerminal(`${retry ? 'Permission denied, try again. ' : ''}Password for ${server}: `, true) : Promise.resolve(null)),
    keyboardInteractive: async (server, instructions, prompts) => {
      if (!interactive) return null;
      // Server-sent text: cleaned again here, as this prompter may be given text from elsewhere.
      const shown = cleanServerText(instructions);
      if (shown) say(shown);
      const answers: string[] = [];
      for (const { prompt, echo } of prompts) {
        const answer = await askOnTerminal(`(${server}) ${cleanServerText(prompt)}`, !echo);
        if (answer === null) return null;
        answers.push(answer);
      }
      return answers;
    },
  };
}

/** One question on the terminal (stderr), typing hidden when `hidden`; null when cancelled with Ctrl-C. */
export function askOnTerminal(question: string, hidden: boolean): Promise<string | null> {
  return new Promise((resolve) => {
    const output = process.stderr;
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    if (hidden) {
      // Echo nothing of what is typed (readline writes each keystroke through _writeToOutput).
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (text: string) => {
        if (text.startsWith(question)) output.write(question);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) output.write('\n');
      resolve(answer);
    });
    rl.once('SIGINT', () => {
      rl.close();
      resolve(null);
    });
  });
}
