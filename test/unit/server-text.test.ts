/**
 * Text a server sends for the user to read (keyboard-interactive instructions and prompts)
 * reaches the terminal and the UI without escape sequences or control characters, which
 * could otherwise recolour, move, hide or rewrite what the user sees.
 */
import { describe, expect, it } from 'vitest';
import { cleanServerText } from '../../main/shared/server-text';
import { AuthSequence } from '../../main/ssh/auth';

const HOSTILE = 'Enter code\u001b[2J\u001b[31m now\u001b]0;title\u0007\r\n\tline two\u0000\u0008\u009b6n\u202Egnp.exe\u007f';

describe('cleanServerText', () => {
  it('keeps newlines, tabs and printable text, drops ANSI escapes, C0/C1 controls and bidi overrides', () => {
    expect(cleanServerText(HOSTILE)).toBe('Enter code now\n\tline twognp.exe');
    expect(cleanServerText('Verification code: ')).toBe('Verification code: ');
    expect(cleanServerText('Passwort für Jürgen: ')).toBe('Passwort für Jürgen: ');
  });
});

describe('keyboard-interactive text from the server', () => {
  it('reaches the prompter (and so the UserPrompt and the CLI) cleaned', async () => {
    const seen: { instructions: string; prompts: string[] }[] = [];
    const sequence = new AuthSequence(
      { username: 'u', agent: null, password: false, keyboardInteractive: true },
      [],
      {
        passphrase: async () => null,
        password: async () => null,
        keyboardInteractive: async (_server, instructions, prompts) => {
          seen.push({ instructions, prompts: prompts.map((p) => p.prompt) });
          return prompts.map(() => '123456');
        },
      },
      'example:22',
      {},
    );
    const nextMethod = () => new Promise<{ type: string; prompt?: (...args: unknown[]) => void }>((resolve) => sequence.handler(['keyboard-interactive'], false, resolve as never));
    expect((await nextMethod()).type).toBe('none');
    const method = await nextMethod();
    expect(method.type).toBe('keyboard-interactive');
    const answers = await new Promise<string[]>((finish) => method.prompt!('name', HOSTILE, '', [{ prompt: `Code\u001b[8m hidden\u001b[0m: `, echo: false }], finish));
    expect(answers).toEqual(['123456']);
    expect(seen).toEqual([{ instructions: 'Enter code now\n\tline twognp.exe', prompts: ['Code hidden: '] }]);
  });
});
