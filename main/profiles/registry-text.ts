/**
 * Windows registry contents as text, in the two forms Porthole meets them: a `.reg` export
 * (Registry Editor 5.00, usually UTF-16LE with a BOM; REGEDIT4 in ANSI) and the output of
 * `reg query KEY /s`. Both come out as the same list of keys and values, so the PuTTY
 * import has one path from there on. Only reading: nothing here touches a registry.
 */

export type RegistryValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'dword'; readonly value: number }
  | { readonly type: 'other'; readonly raw: string };

export interface RegistryKey {
  readonly path: string;
  readonly values: ReadonlyMap<string, RegistryValue>;
}

/** Bytes or text of a .reg file -> text: UTF-16LE (with or without BOM), UTF-8 with or without BOM. */
export function decodeRegText(input: string | Uint8Array): string {
  if (typeof input === 'string') return input.replace(/^\uFEFF/, '');
  const bytes = input;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  // No BOM: "W\0i\0n\0" is UTF-16LE all the same.
  if (bytes.length >= 4 && bytes[1] === 0 && bytes[3] === 0 && bytes[0] !== 0) return new TextDecoder('utf-16le').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // REGEDIT4 files are in the ANSI code page; Latin-1 keeps every byte readable.
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** Whether the text starts like a registry export. */
export function looksLikeRegFile(text: string): boolean {
  return /^\s*(Windows Registry Editor Version 5\.00|REGEDIT4)\s*$/m.test(text.split(/\r?\n/, 3).join('\n'));
}

/** Parses .reg text into keys; lines it does not understand are ignored. */
export function parseRegFile(text: string): RegistryKey[] {
  const keys: { path: string; values: Map<string, RegistryValue> }[] = [];
  let current: { path: string; values: Map<string, RegistryValue> } | null = null;
  for (const line of joinContinuations(text.split(/\r?\n|\r/))) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith(';')) continue;
    const keyMatch = /^\[(-?)(.+)\]$/.exec(trimmed);
    if (keyMatch) {
      // "[-KEY]" deletes a key when imported; it has no values to read.
      current = keyMatch[1] === '-' ? null : { path: keyMatch[2]!, values: new Map() };
      if (current) keys.push(current);
      continue;
    }
    if (current === null) continue;
    const entry = parseValueLine(trimmed);
    if (entry) current.values.set(entry.name, entry.value);
  }
  return keys;
}

/** Lines ending in "\" (long hex values) continue on the next line. */
function joinContinuations(lines: readonly string[]): string[] {
  const joined: string[] = [];
  let pending = '';
  for (const line of lines) {
    const text = pending === '' ? line : pending + line.trimStart();
    if (/^\s*(".*"|@)=hex/.test(text) && text.endsWith('\\')) {
      pending = text.slice(0, -1);
      continue;
    }
    pending = '';
    joined.push(text);
  }
  if (pending !== '') joined.push(pending);
  return joined;
}

/** `"Name"="text"`, `"Name"=dword:0000001f`, `"Name"=hex(2):...`, `@="default"`. */
function parseValueLine(line: string): { name: string; value: RegistryValue } | null {
  let name: string;
  let rest: string;
  if (line.startsWith('@=')) {
    name = '';
    rest = line.slice(2);
  } else {
    const quoted = readQuoted(line, 0);
    if (quoted === null || line[quoted.end] !== '=') return null;
    name = quoted.text;
    rest = line.slice(quoted.end + 1);
  }
  if (rest.startsWith('"')) {
    const quoted = readQuoted(rest, 0);
    return quoted === null ? null : { name, value: { type: 'string', value: quoted.text } };
  }
  const dword = /^dword:([0-9a-fA-F]{1,8})$/.exec(rest);
  if (dword) return { name, value: { type: 'dword', value: parseInt(dword[1]!, 16) } };
  const hex = /^hex\((1|2)\):([0-9a-fA-F,\s]*)$/.exec(rest);
  if (hex) return { name, value: { type: 'string', value: utf16FromHex(hex[2]!) } };
  if (rest === '-') return null; // a deletion
  return { name, value: { type: 'other', raw: rest } };
}

/** A "..." string with \\ and \" escapes, starting at `start`; `end` is just past the closing quote. */
function readQuoted(text: string, start: number): { text: string; end: number } | null {
  if (text[start] !== '"') return null;
  let out = '';
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      out += text[++i]!;
    } else if (char === '"') {
      return { text: out, end: i + 1 };
    } else {
      out += char;
    }
  }
  return null;
}

/** REG_SZ / REG_EXPAND_SZ written as hex: UTF-16LE bytes, NUL-terminated. */
function utf16FromHex(hex: string): string {
  const bytes = hex
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => parseInt(part, 16));
  return new TextDecoder('utf-16le').decode(Uint8Array.from(bytes)).replace(/\0+$/, '');
}

/**
 * `reg query KEY /s` output:
 *
 *     HKEY_CURRENT_USER\Software\SimonTatham\PuTTY\Sessions\My%20VM
 *         HostName    REG_SZ    203.0.113.7
 *         PortNumber    REG_DWORD    0x16
 *
 * Values are indented by four spaces with four spaces between name, type and data.
 */
export function parseRegQueryOutput(text: string): RegistryKey[] {
  const keys: { path: string; values: Map<string, RegistryValue> }[] = [];
  let current: { path: string; values: Map<string, RegistryValue> } | null = null;
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n|\r/)) {
    if (/^HKEY_/i.test(line)) {
      current = { path: line.trim(), values: new Map() };
      keys.push(current);
      continue;
    }
    if (current === null) continue;
    const match = /^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (!match) continue;
    const [, rawName = '', type = '', data = ''] = match;
    const name = rawName === '(Default)' ? '' : rawName;
    if (type === 'REG_SZ' || type === 'REG_EXPAND_SZ') current.values.set(name, { type: 'string', value: data });
    else if (type === 'REG_DWORD' && /^0x[0-9a-fA-F]+$/.test(data)) current.values.set(name, { type: 'dword', value: parseInt(data.slice(2), 16) });
    else current.values.set(name, { type: 'other', raw: data });
  }
  return keys;
}
