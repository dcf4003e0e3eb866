/**
 * The recent log lines the log view shows: a bounded ring in memory, redacted on the way
 * in, so a token or password that slipped into a message can never be shown or sent on.
 */
import type { LogLineView } from '../ipc/contract';

const DEFAULT_CAPACITY = 2000;

/** Hides credentials that may appear in text Porthole relays (Jupyter URLs, server output). */
export function redactSecrets(text: string): string {
  return text
    .replace(/([?&#](?:token|password|_xsrf)=)[^&\s#]+/gi, '$1<redacted>')
    .replace(/(\b(?:token|password|passwd|passphrase)\s*[:=]\s*)("?)[^\s"&,;]+\2/gi, '$1<redacted>')
    .replace(/(Authorization:\s*(?:token|bearer|basic)\s+)\S+/gi, '$1<redacted>')
    .replace(/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, '<private key redacted>')
    .replace(/(hashed_password|ServerApp\.password|NotebookApp\.password)(=|\s*:\s*)\S+/g, '$1$2<redacted>');
}

export class LogBuffer {
  private readonly lines: LogLineView[] = [];
  private seq = 0;

  constructor(
    private readonly onAppend: (line: LogLineView) => void = () => undefined,
    private readonly capacity = DEFAULT_CAPACITY,
    private readonly now: () => number = Date.now,
  ) {}

  add(level: LogLineView['level'], scope: string, message: string): LogLineView {
    const line: LogLineView = { seq: ++this.seq, at: this.now(), level, scope, message: redactSecrets(message) };
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
    this.onAppend(line);
    return line;
  }

  recent(limit = 500): LogLineView[] {
    return this.lines.slice(-limit);
  }
}
