/**
 * Every failure Porthole reports is one of these: a stable `code` (`domain.reason`), a
 * message saying what failed, a hint saying what to do next, and whether retrying can help.
 * Classifiers in each domain turn raw errors into this shape; nothing else crosses IPC.
 */
export interface PortholeErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly retryable: boolean;
  /** Structure a screen can show better than a sentence (never a secret). */
  readonly details?: ErrorDetails;
}

export interface ErrorDetails {
  /** `*.invalid`: what is wrong, by field path (`host`, `jumpHosts[0].port`, `jupyter.localPort`). */
  readonly fields?: Readonly<Record<string, string>>;
  /** `ssh.hostkey-changed`: what the server presented and what is on record, and where. */
  readonly hostKeyChanged?: {
    readonly server: string;
    readonly presented: { readonly keyType: string; readonly fingerprint: string };
    readonly recorded: readonly { readonly keyType: string; readonly fingerprint: string; readonly file: string; readonly line: number }[];
  };
}

export class PortholeError extends Error implements PortholeErrorInfo {
  readonly code: string;
  readonly hint?: string;
  readonly retryable: boolean;
  readonly details?: ErrorDetails;

  constructor(info: PortholeErrorInfo, options?: { cause?: unknown }) {
    super(info.message, options);
    this.name = 'PortholeError';
    this.code = info.code;
    if (info.hint !== undefined) this.hint = info.hint;
    this.retryable = info.retryable;
    if (info.details !== undefined) this.details = info.details;
  }

  toInfo(): PortholeErrorInfo {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint !== undefined ? { hint: this.hint } : {}),
      retryable: this.retryable,
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }
}

/** Anything thrown that no classifier recognised: shown as an internal error, never as a stack. */
export function toErrorInfo(error: unknown): PortholeErrorInfo {
  if (error instanceof PortholeError) return error.toInfo();
  return {
    code: 'internal.unexpected',
    message: 'Porthole hit an unexpected problem.',
    hint: 'Try again; if it keeps happening, restart Porthole.',
    retryable: true,
  };
}
