/**
 * The questions one host's connection asks, routed to the window through the prompt
 * broker. Secrets the user asked to remember are kept in the vault only after the login
 * they were typed for succeeded (`commitRemembered`), so a mistyped password is never
 * saved; a remembered one that stops working is forgotten.
 */
import type { PromptDetailView } from '../ipc/contract';
import type { SecretStore } from '../secrets/types';
import { keyPassphraseId, sshPasswordId } from '../session/secret-ids';
import type { ConnectionPrompter } from '../ssh/connection';
import { promptTimedOut, type PromptBroker, type PromptOutcome } from './prompt-broker';

export interface HostPrompterOptions {
  /** The saved host the questions are for (shown with each prompt, and the remember key). */
  readonly host: string;
  readonly broker: PromptBroker;
  /** The vault, or null when no keychain is usable (then nothing can be remembered). */
  readonly secrets: () => Promise<SecretStore | null>;
  readonly timeoutMs: () => number;
}

export class HostPrompter implements ConnectionPrompter {
  private readonly pendingRemember = new Map<string, string>();
  /** Vault records read and offered without asking; removed if the server says they are wrong. */
  private readonly offeredSaved = new Set<string>();
  /** Set when a question went unanswered, so the failure can say so instead of "refused". */
  timedOut: string | null = null;

  constructor(private readonly options: HostPrompterOptions) {}

  async confirmHostKey(prompt: { server: string; keyType: string; fingerprint: string }): Promise<boolean | 'once'> {
    const outcome = await this.ask({ kind: 'host-key', server: prompt.server, keyType: prompt.keyType, fingerprint: prompt.fingerprint });
    if (outcome.kind === 'timed-out') throw promptTimedOut('host key', this.options.timeoutMs());
    if (outcome.kind !== 'answered' || outcome.answer.kind !== 'host-key') return false;
    return outcome.answer.trust === 'always' ? true : 'once';
  }

  async passphrase(keyLabel: string, retry: boolean): Promise<string | null> {
    const id = keyPassphraseId(keyLabel);
    const saved = await this.savedSecret(id, retry);
    if (saved !== null) return saved;
    const canRemember = (await this.options.secrets()) !== null;
    const outcome = await this.ask({ kind: 'passphrase', keyLabel, retry, canRemember });
    if (outcome.kind === 'timed-out') throw promptTimedOut('key passphrase', this.options.timeoutMs());
    return this.secretFrom(outcome, id);
  }

  async password(server: string, retry: boolean): Promise<string | null> {
    const id = sshPasswordId(this.options.host);
    const saved = await this.savedSecret(id, retry);
    if (saved !== null) return saved;
    const canRemember = (await this.options.secrets()) !== null;
    const outcome = await this.ask({ kind: 'password', server, retry, canRemember });
    if (outcome.kind === 'timed-out') {
      this.timedOut = 'password';
      return null;
    }
    return this.secretFrom(outcome, id);
  }

  async keyboardInteractive(server: string, instructions: string, prompts: readonly { prompt: string; echo: boolean }[]): Promise<string[] | null> {
    const outcome = await this.ask({ kind: 'keyboard-interactive', server, instructions, prompts: prompts.map((p) => ({ prompt: p.prompt, echo: p.echo })) });
    if (outcome.kind === 'timed-out') {
      this.timedOut = 'sign-in';
      return null;
    }
    if (outcome.kind !== 'answered' || outcome.answer.kind !== 'keyboard-interactive') return null;
    return [...outcome.answer.answers];
  }

  /** The login succeeded: keep what the user asked to keep. */
  async commitRemembered(): Promise<void> {
    if (this.pendingRemember.size === 0) return;
    const vault = await this.options.secrets();
    if (vault === null) return;
    for (const [id, value] of this.pendingRemember) await vault.set(id, value);
    this.pendingRemember.clear();
  }

  /** The session went away: any question still open for this host is cancelled. */
  cancelOpenQuestions(): void {
    this.options.broker.cancelAll(this.options.host);
  }

  private ask(detail: PromptDetailView): Promise<PromptOutcome> {
    return this.options.broker.ask(this.options.host, detail);
  }

  /** A remembered secret, offered once; after it was refused (retry) it is forgotten. */
  private async savedSecret(id: string, retry: boolean): Promise<string | null> {
    const vault = await this.options.secrets();
    if (vault === null) return null;
    if (retry && this.offeredSaved.has(id)) {
      this.offeredSaved.delete(id);
      await vault.delete(id).catch(() => undefined);
      return null;
    }
    if (retry || this.offeredSaved.has(id)) return null;
    const saved = await vault.get(id).catch(() => null);
    if (saved === null) return null;
    this.offeredSaved.add(id);
    return saved.toString('utf8');
  }

  private secretFrom(outcome: PromptOutcome, id: string): string | null {
    if (outcome.kind !== 'answered' || outcome.answer.kind !== 'secret') return null;
    if (outcome.answer.remember) this.pendingRemember.set(id, outcome.answer.value);
    else this.pendingRemember.delete(id);
    return outcome.answer.value;
  }
}
