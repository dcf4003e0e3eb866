import { afterEach, describe, expect, it, vi } from 'vitest';
import { PromptBroker } from '../../main/app/prompt-broker';
import type { PromptView } from '../../main/ipc/contract';

const hostKey = { kind: 'host-key', server: 'vm:22', keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc' } as const;
const password = { kind: 'password', server: 'vm:22', retry: false, canRemember: true } as const;

function broker(timeoutMs = 1_000) {
  const changes: PromptView[][] = [];
  return { broker: new PromptBroker({ timeoutMs: () => timeoutMs, onChange: (p) => changes.push(p), now: () => 1_000 }), changes };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('prompt broker', () => {
  it('lists an open question with its deadline and settles it with the answer', async () => {
    const { broker: b, changes } = broker(5_000);
    const asked = b.ask('gpu', hostKey);
    const [open] = b.list();
    expect(open).toMatchObject({ host: 'gpu', createdAt: 1_000, expiresAt: 6_000, detail: hostKey });
    b.answer(open!.id, { kind: 'host-key', trust: 'always' });
    await expect(asked).resolves.toEqual({ kind: 'answered', answer: { kind: 'host-key', trust: 'always' } });
    expect(b.list()).toEqual([]);
    expect(changes.map((c) => c.length)).toEqual([1, 0]);
  });

  it('times out into "timed-out" so the engine never waits forever', async () => {
    vi.useFakeTimers();
    const { broker: b } = broker(120_000);
    const asked = b.ask('gpu', password);
    vi.advanceTimersByTime(119_999);
    expect(b.list()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await expect(asked).resolves.toEqual({ kind: 'timed-out' });
    expect(b.list()).toEqual([]);
  });

  it('cancels one question, one host\'s questions, or all (the window closed)', async () => {
    const { broker: b } = broker();
    const first = b.ask('gpu', password);
    const second = b.ask('gpu', hostKey);
    const other = b.ask('cpu', hostKey);
    b.cancel(b.list()[0]!.id);
    await expect(first).resolves.toEqual({ kind: 'cancelled' });
    b.cancelAll('gpu');
    await expect(second).resolves.toEqual({ kind: 'cancelled' });
    expect(b.list().map((p) => p.host)).toEqual(['cpu']);
    b.cancelAll();
    await expect(other).resolves.toEqual({ kind: 'cancelled' });
  });

  it('refuses an answer of the wrong kind, a wrong number of 2FA answers, and answers to closed questions', async () => {
    const { broker: b } = broker();
    void b.ask('gpu', hostKey);
    const id = b.list()[0]!.id;
    expect(() => b.answer(id, { kind: 'secret', value: 'x', remember: false })).toThrow(expect.objectContaining({ code: 'prompts.wrong-answer' }));
    void b.ask('gpu', { kind: 'keyboard-interactive', server: 'vm', instructions: '', prompts: [{ prompt: 'Code:', echo: true }] });
    const kbd = b.list()[1]!.id;
    expect(() => b.answer(kbd, { kind: 'keyboard-interactive', answers: ['1', '2'] })).toThrow(expect.objectContaining({ code: 'prompts.wrong-answer' }));
    b.cancelAll();
    expect(() => b.answer(id, { kind: 'host-key', trust: 'once' })).toThrow(expect.objectContaining({ code: 'prompts.gone' }));
    expect(() => b.cancel('no-such-id')).toThrow(expect.objectContaining({ code: 'prompts.gone' }));
  });

  it('a cloud sign-in is withdrawn by main when it ends, takes no answer, and may wait longer than the setting', async () => {
    const { broker: b, changes } = broker(1_000);
    const signIn = { kind: 'cloud-sign-in', provider: 'azure', method: 'device-code', url: 'https://microsoft.com/devicelogin', code: 'ABCD-1234', message: 'Enter the code' } as const;
    const open = b.open('Microsoft Azure', signIn, { timeoutMs: 900_000 });
    expect(b.list()).toEqual([expect.objectContaining({ id: open.id, expiresAt: 901_000, detail: signIn })]);
    expect(() => b.answer(open.id, { kind: 'secret', value: 'x', remember: false })).toThrow(expect.objectContaining({ code: 'prompts.wrong-answer' }));
    b.withdraw(open.id);
    await expect(open.outcome).resolves.toEqual({ kind: 'withdrawn' });
    expect(b.list()).toEqual([]);
    // Withdrawing what already ended changes nothing.
    b.withdraw(open.id);
    expect(changes.map((c) => c.length)).toEqual([1, 0]);
  });
});
