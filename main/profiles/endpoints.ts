/**
 * The small address spellings importers meet: `[bind:]port` (where a forward listens),
 * `host:port` (where it goes), and `[user@]host[:port]` jump hops. Each returns the parts or
 * a problem in words, never throws; the caller decides whether that skips a forward, a
 * host, or a whole import.
 */
import type { ProfileForward } from './schema';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (problem: string): Parsed<never> => ({ ok: false, problem });

/** Where a forward listens when no address is written: loopback, never every interface. */
export const DEFAULT_BIND_HOST = '127.0.0.1';
export const ALL_INTERFACES = '0.0.0.0';

/** `8888`, `127.0.0.1:8888`, `*:8888`, `[::1]:8888`, `::1/8888`. */
export function parseListen(text: string, allInterfacesByDefault = false): Parsed<{ bindHost: string; bindPort: number }> {
  if (isSocketPath(text)) return fail(`"${text}" is a Unix socket path, and Porthole forwards TCP ports only`);
  const split = splitHostPort(text);
  if (!split.ok) return split;
  const { host, port } = split.value;
  const bindPort = parsePort(port, 0);
  if (bindPort === undefined) return fail(`"${port}" in "${text}" is not a port number (0-65535)`);
  if (host === undefined) return ok({ bindHost: allInterfacesByDefault ? ALL_INTERFACES : DEFAULT_BIND_HOST, bindPort });
  // OpenSSH reads "*" and an empty address as "every interface".
  return ok({ bindHost: host === '*' || host === '' ? ALL_INTERFACES : host, bindPort });
}

/** `localhost:8888`, `[::1]:8888`, `db.internal/5432`. */
export function parseTarget(text: string): Parsed<{ host: string; port: number }> {
  if (isSocketPath(text)) return fail(`"${text}" is a Unix socket path, and Porthole forwards TCP ports only`);
  const split = splitHostPort(text);
  if (!split.ok) return split;
  const { host, port } = split.value;
  if (host === undefined || host === '') return fail(`"${text}" has no host; write it as host:port`);
  const number = parsePort(port, 1);
  if (number === undefined) return fail(`"${port}" in "${text}" is not a port number (1-65535)`);
  return ok({ host, port: number });
}

/** A local (-L) forward from its two halves, as ssh_config's LocalForward and PuTTY write them. */
export function localForward(listen: string, target: string, allInterfacesByDefault = false): Parsed<ProfileForward> {
  const from = parseListen(listen, allInterfacesByDefault);
  if (!from.ok) return from;
  const to = parseTarget(target);
  if (!to.ok) return to;
  return ok({ kind: 'local', ...from.value, remoteHost: to.value.host, remotePort: to.value.port });
}

/** A remote (-R) forward: `listen` is on the server, `target` is reached from this computer. */
export function remoteForward(listen: string, target: string, allInterfacesByDefault = false): Parsed<ProfileForward> {
  const from = parseListen(listen, allInterfacesByDefault);
  if (!from.ok) return from;
  const to = parseTarget(target);
  if (!to.ok) return to;
  return ok({ kind: 'remote', ...from.value, localHost: to.value.host, localPort: to.value.port });
}

export function dynamicForward(listen: string, allInterfacesByDefault = false): Parsed<ProfileForward> {
  const from = parseListen(listen, allInterfacesByDefault);
  if (!from.ok) return from;
  return ok({ kind: 'dynamic', ...from.value });
}

/** Whether a forward listens somewhere other people could reach. */
export function listensBeyondLoopback(forward: ProfileForward): boolean {
  return !['127.0.0.1', '::1', 'localhost'].includes(forward.bindHost) && !forward.bindHost.startsWith('127.');
}

/** `[user@]host[:port]` or `ssh://[user@]host[:port]`, as ProxyJump and -J take them. */
export function parseHop(text: string): Parsed<{ host: string; port?: number; user?: string }> {
  const raw = text.trim().replace(/^ssh:\/\//, '').replace(/\/$/, '');
  if (raw === '') return fail('a jump host is empty');
  const at = raw.lastIndexOf('@');
  const user = at >= 0 ? raw.slice(0, at) : undefined;
  const hostPort = at >= 0 ? raw.slice(at + 1) : raw;
  const match = /^\[([^\]]+)\](?::([^:]*))?$/.exec(hostPort) ?? /^([^:[\]]+)(?::([^:]*))?$/.exec(hostPort);
  if (match === null || match[1] === undefined) return fail(`the jump host "${text}" is not written as [user@]host[:port]`);
  if (user === '') return fail(`the jump host "${text}" has an empty user before "@"`);
  const port = match[2] === undefined ? undefined : parsePort(match[2], 1);
  if (match[2] !== undefined && port === undefined) return fail(`the port in the jump host "${text}" is not a number from 1 to 65535`);
  return ok({ host: match[1], ...(port === undefined ? {} : { port }), ...(user === undefined ? {} : { user }) });
}

function isSocketPath(text: string): boolean {
  return /^(\/|~|\.\.?\/)/.test(text);
}

/**
 * Splits off the last `:port` (or `/port`, OpenSSH's older spelling); a bracketed IPv6
 * address keeps its colons. No separator means the whole text is the port.
 */
function splitHostPort(text: string): Parsed<{ host: string | undefined; port: string }> {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return fail(`"${text}" opens "[" but never closes it`);
    const rest = text.slice(close + 1);
    if (!/^[:/]/.test(rest)) return fail(`"${text}" needs ":port" after "]"`);
    return ok({ host: text.slice(1, close), port: rest.slice(1) });
  }
  const separator = text.includes('/') ? text.lastIndexOf('/') : text.lastIndexOf(':');
  if (separator === -1) return ok({ host: undefined, port: text });
  return ok({ host: text.slice(0, separator), port: text.slice(separator + 1) });
}

function parsePort(text: string, min: 0 | 1): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= min && port <= 65_535 ? port : undefined;
}
