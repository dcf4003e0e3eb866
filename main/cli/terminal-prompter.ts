/**
 * Prompts on the controlling terminal, with typing hidden for secrets. Without a terminal
 * (scripts, CI) every question is answered "no answer", so the command fails with a clear
 * error instead of waiting forever on stdin.
 */
import { createInterface } from 'node:readline';
import type { ConnectionPrompter } from '../ssh/connection';

export interface TerminalPrompterOptions {
  readonly acceptNewHostKey: boolean;
  readonly interactive: boolean;
  readonly say: (line: string) => void;
}

export function terminalPrompter({ acceptNewHostKey, interactive, say }: TerminalPrompterOptions): ConnectionPrompter {
  return {
    confirmHostKey: async (prompt) => {
      if (acceptNewHostKey) say(`Trusting new host key of ${prompt.server}: ${prompt.keyType} ${prompt.fingerprint}`);
      return acceptNewHostKey;
    },
    passphrase: (label, retry) => (interactive ? ask(`${retry ? 'Wrong passphrase. ' : ''}Passphrase for ${label}: `, true) : Promise.resolve(null)),
    password: (server, retry) => (interactive ? ask(`${retry ? 'Permission denied, try again. ' : ''}Password for ${server}: `, true) : Promise.resolve(null)),
    keyboardInteractive: async (server, instructions, prompts) => {
      if (!interactive) return null;
      if (instructions) say(instructions);
      const answers: string[] = [];
      for (const { prompt, echo } of prompts) {
        const answer = await ask(`(${server}) ${prompt}`, !echo);
        if (answer === null) return null;
        answers.push(answer);
      }
      return answers;
    },
  };
}

function ask(question: string, hidden: boolean): Promise<string | null> {
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
