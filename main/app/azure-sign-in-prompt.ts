/**
 * An Azure sign-in Porthole does on the user's behalf (the Azure CLI has no login), shown in
 * the window as a `cloud-sign-in` prompt: "your browser opened Microsoft's sign-in page", or
 * the device code to type at microsoft.com/devicelogin. Nothing is typed into Porthole:
 * main withdraws the prompt when the sign-in ends (signed in, or failed), and Cancel (or
 * the prompt's deadline) cancels the sign-in itself.
 */
import type { AzureSignInStep } from '../cloud/azure/credentials';
import type { PromptDetailView } from '../ipc/contract';
import type { OpenPrompt, PromptBroker } from './prompt-broker';

/** What the prompt names as its "host": a sign-in is for the account, not for one saved host. */
export const AZURE_SIGN_IN_PROMPT_HOST = 'Microsoft Azure';

/** A device code is valid for 15 minutes; a browser sign-in is given as long. */
export const SIGN_IN_WAIT_MS = 15 * 60_000;

type SignInDetail = Extract<PromptDetailView, { kind: 'cloud-sign-in' }>;

/** The prompt's words for a step of the sign-in; null for the end of it. */
export function signInDetail(step: AzureSignInStep): SignInDetail | null {
  switch (step.kind) {
    case 'browser':
      return {
        kind: 'cloud-sign-in',
        provider: 'azure',
        method: 'browser',
        url: null,
        code: null,
        message: "The Azure CLI is not signed in on this computer, so Porthole opened Microsoft's sign-in page in your browser. Sign in there with your Azure account.",
      };
    case 'device-code':
      return { kind: 'cloud-sign-in', provider: 'azure', method: 'device-code', url: step.url, code: step.code, message: step.message };
    case 'signed-in':
      return null;
  }
}

export class AzureSignInPrompt {
  private current: OpenPrompt | null = null;

  constructor(
    private readonly broker: PromptBroker,
    /** Cancels the sign-in (the user pressed Cancel, or nobody came in time). */
    private readonly cancelSignIn: () => void,
  ) {}

  /** The sign-in moved on: show its step, or close the prompt once signed in. */
  step(step: AzureSignInStep): void {
    const detail = signInDetail(step);
    if (detail === null) this.close();
    else this.show(detail);
  }

  /** The sign-in ended (either way): the question is taken back. */
  close(): void {
    const open = this.current;
    this.current = null;
    if (open !== null) this.broker.withdraw(open.id);
  }

  private show(detail: SignInDetail): void {
    // A browser sign-in that failed makes way for the device code: one prompt at a time.
    this.close();
    const open = this.broker.open(AZURE_SIGN_IN_PROMPT_HOST, detail, { timeoutMs: SIGN_IN_WAIT_MS });
    this.current = open;
    void open.outcome.then((outcome) => {
      if (this.current === open) this.current = null;
      if (outcome.kind === 'cancelled' || outcome.kind === 'timed-out') this.cancelSignIn();
    });
  }
}
