/**
 * Port-forward specs written the way OpenSSH takes them on the command line:
 *   -L [bind_address:]port:host:hostport
 *   -R [bind_address:]port:host:hostport
 *   -D [bind_address:]port
 * Users paste these from their old `ssh -L` habits, so we accept the same spellings
 * (IPv6 in brackets, `*` for all interfaces, `/` instead of `:`) but refuse to guess:
 * anything odd becomes a `tunnel.bad-spec` error that says which part is wrong.
 */
import { isIPv6 } from 'node:net';
import { PortholeError } from '../shared/errors';

export type ForwardSpec =
  | { readonly kind: 'local'; readonly bindHost: string; readonly bindPort: number; readonly remoteHost: string; readonly remotePort: number }
  | { readonly kind: 'remote'; readonly bindHost: string; readonly bindPort: number; readonly localHost: string; readonly localPort: number }
  | { readonly kind: 'dynamic'; readonly bindHost: string; readonly bindPort: number };

type Kind = ForwardSpec['kind'];

/**
 * Loopback unless the user explicitly asks for more: a forwarded Jupyter port open on every
 * interface would hand the notebook (and a shell) to anyone on the same Wi-Fi.
 */
const DEFAULT_BIND_HOST = '127.0.0.1';
const ALL_INTERFACES = '0.0.0.0';

interface Syntax {
  readonly flag: '-L' | '-R' | '-D';
  /** Names of the parts, in order, when the bind address is written out. */
  readonly roles: readonly string[];
  readonly hint: string;
}

const SYNTAX: Record<Kind, Syntax> = {
  local: {
    flag: '-L',
    roles: ['bind address', 'local port', 'remote host', 'remote port'],
    hint: 'Write it as [bind_address:]port:host:hostport, for example -L 8888:localhost:8888 (your port 8888 reaches port 8888 on the server).',
  },
  remote: {
    flag: '-R',
    roles: ['bind address', 'remote port', 'local host', 'local port'],
    hint: 'Write it as [bind_address:]port:host:hostport, for example -R 9000:localhost:3000 (port 9000 on the server reaches port 3000 on this computer).',
  },
  dynamic: {
    flag: '-D',
    roles: ['bind address', 'local port'],
    hint: 'Write it as [bind_address:]port, for example -D 1080 (a SOCKS proxy on your port 1080).',
  },
};

/** One part of a spec; `bracketed` parts were written as `[...]` and may contain ':'. */
interface Field {
  readonly text: string;
  readonly bracketed: boolean;
}

// Each parser returns its own member of the union (still a ForwardSpec), so callers that
// need, say, a local forward can pass the result on without a cast.
export function parseLocalForward(text: string): Extract<ForwardSpec, { kind: 'local' }> {
  const [bindHost, bindPort, remoteHost, remotePort] = parseParts(text, 'local');
  return { kind: 'local', bindHost, bindPort, remoteHost, remotePort };
}

export function parseRemoteForward(text: string): Extract<ForwardSpec, { kind: 'remote' }> {
  const [bindHost, bindPort, localHost, localPort] = parseParts(text, 'remote');
  return { kind: 'remote', bindHost, bindPort, localHost, localPort };
}

export function parseDynamicForward(text: string): Extract<ForwardSpec, { kind: 'dynamic' }> {
  const [bindHost, bindPort] = parseParts(text, 'dynamic');
  return { kind: 'dynamic', bindHost, bindPort };
}

/**
 * The argument text for -L/-R/-D (without the flag), in canonical form: `:` separators,
 * IPv6 in brackets, and the bind address left out when it is the loopback default.
 * Parsing the result gives back an equal spec.
 */
export function formatForward(spec: ForwardSpec): string {
  const bind = spec.bindHost === DEFAULT_BIND_HOST ? [] : [formatHost(spec.bindHost)];
  switch (spec.kind) {
    case 'local':
      return [...bind, spec.bindPort, formatHost(spec.remoteHost), spec.remotePort].join(':');
    case 'remote':
      return [...bind, spec.bindPort, formatHost(spec.localHost), spec.localPort].join(':');
    case 'dynamic':
      return [...bind, spec.bindPort].join(':');
  }
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

// ---------------------------------------------------------------------------------------
// Parsing

/** The parts as [bindHost, bindPort, host, port] (forwards) or [bindHost, bindPort] (dynamic). */
function parseParts(text: string, kind: 'local' | 'remote'): [string, number, string, number];
function parseParts(text: string, kind: 'dynamic'): [string, number];
function parseParts(text: string, kind: Kind): [string, number, string, number] | [string, number] {
  const fail = failer(text, kind);
  const fields = splitFields(text.trim(), fail);
  const withBind = fieldsWithBindAddress(fields, kind, fail);
  const roles = SYNTAX[kind].roles;
  const bindHost = parseBindHost(withBind[0], fail);
  const bindPort = parsePort(withBind[1]!, roles[1]!, 0, fail);
  if (kind === 'dynamic') return [bindHost, bindPort];
  const host = parseHost(withBind[2]!, roles[2]!, fail);
  const port = parsePort(withBind[3]!, roles[3]!, 1, fail);
  return [bindHost, bindPort, host, port];
}

type Fail = (problem: string, extraHint?: string) => never;

/** Every error names the text as typed, the part that is wrong, and the right form. */
function failer(text: string, kind: Kind): Fail {
  const { flag, hint } = SYNTAX[kind];
  return (problem, extraHint) => {
    throw new PortholeError({
      code: 'tunnel.bad-spec',
      message: `The forward "${flag} ${text}" is not valid: ${problem}.`,
      hint: extraHint === undefined ? hint : `${extraHint} ${hint}`,
      retryable: false,
    });
  };
}

/** Pads a spec written without a bind address with `undefined` in front, so roles line up. */
function fieldsWithBindAddress(fields: readonly Field[], kind: Kind, fail: Fail): readonly (Field | undefined)[] {
  const full = SYNTAX[kind].roles.length;
  if (fields.length === full) return fields;
  if (fields.length === full - 1) return [undefined, ...fields];
  const expected = `${full - 1} or ${full}`;
  if (fields.length < full - 1) fail(`it has ${fields.length} part${fields.length === 1 ? '' : 's'} but needs ${expected}`);
  fail(`it has ${fields.length} parts but takes at most ${full}`, 'IPv6 addresses go in brackets, like [::1].');
}

/**
 * Splits on `:` (or on `/`, the older OpenSSH spelling), keeping `[...]` parts whole.
 * Unix socket paths are refused first, because their `/` would otherwise read as separators.
 */
function splitFields(text: string, fail: Fail): Field[] {
  if (text === '') fail('it is empty');
  const path = unixSocketPath(text);
  if (path !== undefined) {
    fail(`"${path}" is a Unix socket path, and Porthole forwards TCP ports only`, 'Use a port number instead of a socket path.');
  }
  const separator = hasUnbracketed(text, '/') ? '/' : ':';
  const fields = tokenize(text, separator, fail);
  if (separator === '/') rejectMixedSeparators(fields, fail);
  return fields;
}

/** A part that starts like a file path (`/x`, `~/x`, `./x`, `../x`, `[/x]`), as OpenSSH would read it. */
function unixSocketPath(text: string): string | undefined {
  const match = /(?:^|[:[])((?:\/|~\/|\.\.?\/)[^:\]]*)/.exec(text);
  return match?.[1];
}

/** Whether `char` occurs outside any `[...]` part. */
function hasUnbracketed(text: string, char: string): boolean {
  return text.replace(/\[[^\]]*\]/g, '').includes(char);
}

function tokenize(text: string, separator: string, fail: Fail): Field[] {
  const fields: Field[] = [];
  let index = 0;
  for (;;) {
    const { field, next } = text[index] === '[' ? readBracketed(text, index, separator, fail) : readPlain(text, index, separator);
    fields.push(field);
    if (next >= text.length) return fields;
    index = next + 1; // skip the separator; a trailing one leaves an empty last part
    if (index === text.length) return [...fields, { text: '', bracketed: false }];
  }
}

function readPlain(text: string, start: number, separator: string): { field: Field; next: number } {
  const end = text.indexOf(separator, start);
  const next = end === -1 ? text.length : end;
  return { field: { text: text.slice(start, next), bracketed: false }, next };
}

function readBracketed(text: string, start: number, separator: string, fail: Fail): { field: Field; next: number } {
  const close = text.indexOf(']', start);
  if (close === -1) fail(`"${text.slice(start)}" opens "[" but never closes it`);
  const next = close + 1;
  if (next < text.length && text[next] !== separator) {
    fail(`"${text.slice(start, next + 1)}" has "${text[next]}" right after "]" where "${separator}" should be`);
  }
  return { field: { text: text.slice(start + 1, close), bracketed: true }, next };
}

/**
 * With `/` separators a bare IPv6 address may contain `:` (that is why OpenSSH had the
 * syntax), but anything else with a `:` means the two separators were mixed up.
 */
function rejectMixedSeparators(fields: readonly Field[], fail: Fail): void {
  for (const field of fields) {
    if (!field.bracketed && field.text.includes(':') && !isIPv6(field.text)) {
      fail(`"${field.text}" mixes ":" and "/" separators`, 'Use ":" between all parts.');
    }
  }
}

function parseBindHost(field: Field | undefined, fail: Fail): string {
  if (field === undefined) return DEFAULT_BIND_HOST;
  if (!field.bracketed && field.text === '*') return ALL_INTERFACES;
  if (field.text === '') {
    // OpenSSH reads an empty bind address as "all interfaces"; we make the user say so.
    fail('the bind address is empty', 'Leave the bind address out for 127.0.0.1, or write * to listen on all interfaces.');
  }
  return parseHost(field, 'bind address', fail);
}

/** Hostnames and IPv4 as plain text; IPv6 only in brackets (or bare between `/` separators). */
function parseHost(field: Field, role: string, fail: Fail): string {
  const host = field.text;
  if (host === '') fail(`the ${role} is empty`);
  if (host.includes(':')) {
    if (!isIPv6(host)) fail(`the ${role} "${host}" is not a valid IPv6 address`);
    return host;
  }
  if (!/^[A-Za-z0-9._-]+$/.test(host)) fail(`the ${role} "${host}" is not a valid host name or address`);
  return host;
}

/** `min` is 0 where "any free port" makes sense (bind ports), 1 where we must connect to it. */
function parsePort(field: Field, role: string, min: 0 | 1, fail: Fail): number {
  const text = field.text;
  if (text === '') fail(`the ${role} is empty`);
  if (field.bracketed || !/^\d+$/.test(text)) fail(`the ${role} "${text}" is not a number`);
  const port = Number(text);
  if (port < min || port > 65535) fail(`the ${role} "${text}" is out of range (${min}-65535)`);
  return port;
}
