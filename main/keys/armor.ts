/**
 * PEM "armor" (RFC 7468, with the RFC 1421 headers old OpenSSL keys carry): the
 * `-----BEGIN X-----` block of a key file or a pasted snippet, wherever it sits in the text.
 */
import { KeyFormatError } from './errors';
import { decodeBase64, wrapBase64 } from './wire';

export interface PemBlock {
  /** What follows BEGIN, e.g. `RSA PRIVATE KEY`. */
  readonly label: string;
  /** RFC 1421 headers such as Proc-Type and DEK-Info, by name as written. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  /** The block rewritten in canonical form (\n line ends, 64 columns), as OpenSSL and ssh2 want it. */
  readonly text: string;
}

const BEGIN = /-----BEGIN ([A-Z0-9][A-Z0-9 ]{0,60})-----/g;

/** Every BEGIN label in the text, in order. */
export function pemLabels(text: string): string[] {
  return [...text.matchAll(BEGIN)].map((m) => m[1]!);
}

/** The first block with this label. Fails with KeyFormatError when it is cut off or garbled. */
export function readPemBlock(text: string, label: string): PemBlock {
  const beginLine = `-----BEGIN ${label}-----`;
  const endLine = `-----END ${label}-----`;
  const start = text.indexOf(beginLine);
  const end = text.indexOf(endLine, start);
  if (start < 0) throw new KeyFormatError(`the "${beginLine}" line is missing`);
  if (end < 0) throw new KeyFormatError(`the "${endLine}" line is missing, so the file was probably cut short`);
  const lines = text.slice(start + beginLine.length, end).split(/\r?\n|\r/).map((line) => line.trim());
  const headers = new Map<string, string>();
  let i = 0;
  while (i < lines.length && lines[i] === '') i++;
  if (i < lines.length && lines[i]!.includes(':')) {
    for (; i < lines.length && lines[i] !== ''; i++) {
      const match = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(lines[i]!);
      if (!match) throw new KeyFormatError(`the header line "${lines[i]!.slice(0, 40)}" is garbled`);
      headers.set(match[1]!, match[2]!);
    }
  }
  const body = decodeBase64(lines.slice(i).join(''), 'the key data');
  if (body.length === 0) throw new KeyFormatError('the key data is empty');
  const headerText = [...headers].map(([name, value]) => `${name}: ${value}\n`).join('');
  const canonical = `${beginLine}\n${headerText}${headerText ? '\n' : ''}${wrapBase64(body, 64)}\n${endLine}\n`;
  return { label, headers, body, text: canonical };
}

/** PEM text for DER bytes (to hand binary keys to the same OpenSSL calls). */
export function toPem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${wrapBase64(der, 64)}\n-----END ${label}-----\n`;
}
