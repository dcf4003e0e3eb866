/**
 * Questions the engine asks a person, answered asynchronously from the window. Each
 * question gets an id and a deadline; the engine's promise settles when the user answers,
 * cancels, closes the window (cancelAll) or the deadline passes — never later, so a
 * connection can never wait forever on a prompt nobody sees.
 */
import { randomUUID } from 'node:crypto';
import type { PromptAnswer, PromptDetailView, PromptView } from '../ipc/contract';
import { PortholeError } from '../shared/errors';

/**
 * How an asked question ended, for the engine side. `withdrawn`: main took it back because
 * what it waited for happened without the user (a cloud sign-in finished in the browser).
 */
export type PromptOutcome =
  | { readonly kind: 'answered'; readonly answer: PromptAnswer }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'withdrawn' };

/** A question asked with `open`: its id (to withdraw it) and how it ended. */
export interface OpenPrompt {
  readonly id: string;
  readonly outcome: Promise<PromptOutcome>;
}

interface Pending {
  readonly view: PromptView;
  readonly settle: (outcome: PromptOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

export interface PromptBrokerOptions {
  /** How long a question waits; read at each question, so a settings change applies to the next one. */
  readonly timeoutMs: () => number;
  readonly onChange: (prompts: PromptView[]) => void;
  readonly now?: () => number;
}

/**
 * The answer kind each question accepts: a host-key question cannot be answered with a
 * password. A cloud sign-in takes no answer (main closes it when the sign-in ends), only Cancel.
 */
const ANSWER_KIND: Record<PromptDetailView['kind'], PromptAnswer['kind'] | null> = {
  'host-key': 'host-key',
  passphrase: 'secret',
  password: 'secret',
  'keyboard-interactive': 'keyboard-interactive',
  'cloud-sign-in': null,
};

export class PromptBroker {
  private readonly pending = new Map<string, Pending>();
  private readonly now: () => number;

  constructor(private readonly options: PromptBrokerOptions) {
    this.now = options.now ?? Date.now;
  }

  list(): PromptView[] {
    return [...this.pending.values()].map((p) => p.view);
  }

  /** Asks; resolves with how it ended. The promise never rejects. */
  ask(host: string, detail: PromptDetailView): Promise<PromptOutcome> {
    return this.open(host, detail).outcome;
  }

  /**
   * Asks, keeping the id so main can withdraw the question itself. `timeoutMs` replaces the
   * setting for a question whose wait has its own known end (a device code lives 15 minutes).
   */
  open(host: string, detail: PromptDetailView, options: { readonly timeoutMs?: number } = {}): OpenPrompt {
    const id = randomUUID();
    const outcome = new Promise<PromptOutcome>((resolve) => {
      const createdAt = this.now();
      const timeoutMs = options.timeoutMs ?? this.options.timeoutMs();
      const timer = setTimeout(() => this.finish(id, { kind: 'timed-out' }), timeoutMs);
      timer.unref();
      this.pending.set(id, { view: { id, host, createdAt, expiresAt: createdAt + timeoutMs, detail }, settle: resolve, timer });
    });
    this.changed();
    return { id, outcome };
  }

  /** Main takes a question back (what it waited for happened); nothing if it already ended. */
  withdraw(id: string): void {
    this.finish(id, { kind: 'withdrawn' });
  }

  answer(id: string, answer: PromptAnswer): void {
    const pending = this.require(id);
    if (ANSWER_KIND[pending.view.detail.kind] !== answer.kind) {
      throw new PortholeError({ code: 'prompts.wrong-answer', message: 'That answer does not fit the question asked.', retryable: false });
    }
    if (pending.view.detail.kind === 'keyboard-interactive' && answer.kind === 'keyboard-interactive' && answer.answers.length !== pending.view.detail.prompts.length) {
      throw new PortholeError({ code: 'prompts.wrong-answer', message: `The server asked ${pending.view.detail.prompts.length} question(s); ${answer.answers.length} answer(s) came.`, retryable: false });
    }
    this.finish(id, { kind: 'answered', answer });
  }

  cancel(id: string): void {
    this.require(id);
    this.finish(id, { kind: 'cancelled' });
  }

  /** Cancels the questions of one host (its session stopped), or all of them (the window closed). */
  cancelAll(host?: string): void {
    for (const [id, pending] of [...this.pending]) if (host === undefined || pending.view.host === host) this.finish(id, { kind: 'cancelled' });
  }

  private require(id: string): Pending {
    const pending = this.pending.get(id);
    if (!pending) {
      throw new PortholeError({ code: 'prompts.gone', message: 'That question is no longer open: it was answered, cancelled or timed out.', retryable: false });
    }
    return pending;
  }

  private finish(id: string, outcome: PromptOutcome): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    this.changed();
    pending.settle(outcome);
  }

  private changed(): void {
    this.options.onChange(this.list());
  }
}

/** The error an unanswered prompt turns into. */
export function promptTimedOut(what: string, timeoutMs: number): PortholeError {
  return new PortholeError({
    code: 'prompts.timed-out',
    message: `Nobody answered the ${what} question within ${Math.round(timeoutMs / 1000)} s, so Porthole stopped waiting.`,
    hint: 'Click Retry and answer the question when it appears.',
    retryable: true,
  });
}
