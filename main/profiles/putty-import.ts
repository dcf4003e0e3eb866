/**
 * Import PuTTY's saved sessions, from a `.reg` export (any platform) or live from the
 * Windows registry (`reg query`, Windows only). A session becomes a profile with its host,
 * user, port, key file (`{kind:'path'}` to the .ppk), SSH-proxy jump host and tunnels.
 * Sessions that are not SSH (telnet, serial...) and PuTTY's "Default Settings" are skipped
 * with the reason.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { PortholeError } from '../shared/errors';
import { dynamicForward, listensBeyondLoopback, localForward, remoteForward, type Parsed } from './endpoints';
import { ImportCollector, type ImportResult } from './import-result';
import { decodeRegText, looksLikeRegFile, parseRegFile, parseRegQueryOutput, type RegistryKey, type RegistryValue } from './registry-text';
import type { JumpHost, ProfileForward } from './schema';

export const PUTTY_SESSIONS_KEY = 'HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions';

/** PuTTY's ProxyMethod for "SSH to proxy and use port forwarding" (PROXY_SSH_TCPIP). */
const PROXY_SSH = 6;
const PROXY_NAMES: Readonly<Record<number, string>> = { 1: 'SOCKS 4', 2: 'SOCKS 5', 3: 'HTTP', 4: 'Telnet', 5: 'local command', 7: 'SSH exec', 8: 'SSH subsystem' };

/** Parses a PuTTY `.reg` export (UTF-16LE with BOM, UTF-8, or the bytes as read from disk). */
export function parsePuttyReg(input: string | Uint8Array): ImportResult {
  const text = decodeRegText(input);
  if (!looksLikeRegFile(text)) {
    throw new PortholeError({
      code: 'profiles.putty-bad-file',
      message: 'This is not a registry export: it does not start with "Windows Registry Editor Version 5.00".',
      hint: 'Export the sessions on Windows with: reg export HKCU\\Software\\SimonTatham\\PuTTY\\Sessions putty-sessions.reg',
      retryable: false,
    });
  }
  return sessionsToProfiles(parseRegFile(text));
}

export interface PuttyLiveOptions {
  /** The platform to act as (tests). */
  readonly platform?: NodeJS.Platform;
  /** Runs `reg query <key> /s` and returns its output (tests); the default runs reg.exe. */
  readonly runRegQuery?: (key: string) => Promise<string>;
}

/** Reads the saved sessions from this Windows user's registry. Elsewhere: `profiles.putty-unavailable`. */
export async function readPuttySessionsLive(options: PuttyLiveOptions = {}): Promise<ImportResult> {
  const platform = options.platform ?? process.platform;
  if (platform !== 'win32') {
    throw new PortholeError({
      code: 'profiles.putty-unavailable',
      message: `PuTTY keeps its saved sessions in the Windows registry, and this computer runs ${platformName(platform)}.`,
      hint: 'On the Windows computer, export them with "reg export HKCU\\Software\\SimonTatham\\PuTTY\\Sessions putty.reg", copy putty.reg here, and run: porthole hosts import-putty putty.reg',
      retryable: false,
    });
  }
  const output = await (options.runRegQuery ?? runRegQuery)(PUTTY_SESSIONS_KEY);
  return sessionsToProfiles(parseRegQueryOutput(output));
}

/**
 * Runs reg.exe by its full path (a reg.exe earlier on PATH must not be picked up), with the
 * arguments as a list (no shell). A missing Sessions key means PuTTY never saved a session.
 */
function runRegQuery(key: string): Promise<string> {
  const regExe = join(process.env['SystemRoot'] ?? 'C:\\Windows', 'System32', 'reg.exe');
  return new Promise((resolve, reject) => {
    execFile(regExe, ['query', key, '/s'], { windowsHide: true, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 30_000 }, (error, stdout, stderr) => {
      const out = decodeRegText(stdout);
      if (!error) {
        resolve(out);
        return;
      }
      const detail = decodeRegText(stderr).trim();
      if (/unable to find/i.test(detail)) {
        resolve('');
        return;
      }
      reject(
        new PortholeError(
          {
            code: 'profiles.putty-read-failed',
            message: `Porthole could not read PuTTY's sessions from the registry: ${detail || error.message}`,
            hint: 'Export them with "reg export HKCU\\Software\\SimonTatham\\PuTTY\\Sessions putty.reg" and import that file instead.',
            retryable: true,
          },
          { cause: error },
        ),
      );
    });
  });
}

// ---------------------------------------------------------------------------------------
// Sessions -> profiles

interface Session {
  readonly name: string;
  readonly values: ReadonlyMap<string, RegistryValue>;
}

const SESSION_PATH = /\\Software\\SimonTatham\\PuTTY\\Sessions\\([^\\]+)$/i;

function sessionsToProfiles(keys: readonly RegistryKey[]): ImportResult {
  const collector = new ImportCollector();
  const sessions: Session[] = [];
  for (const key of keys) {
    const match = SESSION_PATH.exec(key.path);
    if (match) sessions.push({ name: unescapeSessionName(match[1]!), values: key.values });
  }
  for (const session of sessions) importSession(session, sessions, collector);
  return collector.result();
}

function importSession(session: Session, all: readonly Session[], collector: ImportCollector): void {
  const { name } = session;
  if (name === 'Default Settings') {
    collector.skip(name, "These are PuTTY's defaults for new sessions, not a saved host.");
    return;
  }
  const protocol = text(session, 'Protocol') ?? 'ssh';
  if (protocol.toLowerCase() !== 'ssh') {
    collector.skip(name, `It uses ${protocol}, not SSH; Porthole connects over SSH only.`);
    return;
  }
  const target = address(session);
  if (target === undefined) {
    collector.skip(name, 'It has no host name.');
    return;
  }
  const keyFile = text(session, 'PublicKeyFile');
  collector.add({
    name,
    host: target.host,
    port: number(session, 'PortNumber') ?? 22,
    ...(target.user === undefined ? {} : { user: target.user }),
    ...(keyFile === undefined ? {} : { key: { kind: 'path' as const, path: keyFile } }),
    jumpHosts: jumpHosts(session, all, collector),
    forwards: forwards(session, collector),
  });
}

/** HostName may be written "user@host" (PuTTY accepts that); UserName wins when both are set. */
function address(session: Session): { host: string; user?: string } | undefined {
  const hostName = text(session, 'HostName');
  if (hostName === undefined) return undefined;
  const at = hostName.lastIndexOf('@');
  const host = at >= 0 ? hostName.slice(at + 1) : hostName;
  const user = text(session, 'UserName') ?? (at > 0 ? hostName.slice(0, at) : undefined);
  if (host === '') return undefined;
  return user === undefined ? { host } : { host, user };
}

/** PuTTY's "SSH to proxy" is a jump host; ProxyHost may name another saved session. */
function jumpHosts(session: Session, all: readonly Session[], collector: ImportCollector): JumpHost[] {
  const method = number(session, 'ProxyMethod') ?? 0;
  if (method === 0) return [];
  const proxyHost = text(session, 'ProxyHost');
  if (method !== PROXY_SSH || proxyHost === undefined) {
    collector.warn(session.name, `Its ${PROXY_NAMES[method] ?? `type ${method}`} proxy was not imported${method === 5 ? ' (Porthole never runs local commands)' : ''}; Porthole will connect directly.`);
    return [];
  }
  const saved = all.find((other) => other !== session && other.name === proxyHost);
  if (saved !== undefined) {
    const target = address(saved);
    if (target !== undefined) return [{ host: target.host, port: number(saved, 'PortNumber') ?? 22, ...(target.user === undefined ? {} : { user: target.user }) }];
  }
  const user = text(session, 'ProxyUsername');
  return [{ host: proxyHost, port: number(session, 'ProxyPort') ?? 22, ...(user === undefined ? {} : { user }) }];
}

/**
 * `PortForwardings`: comma-separated `key=value` with `\` escaping `,`, `=` and `\`. Keys are
 * an optional 4/6 (IP version), L/R/D, then `[srcaddr:]port`; values `host:port` (empty for D).
 */
function forwards(session: Session, collector: ImportCollector): ProfileForward[] {
  const list = text(session, 'PortForwardings');
  if (list === undefined) return [];
  const localAll = number(session, 'LocalPortAcceptAll') === 1;
  const remoteAll = number(session, 'RemotePortAcceptAll') === 1;
  const result: ProfileForward[] = [];
  for (const { key, value } of splitForwardings(list)) {
    const match = /^([46]?)([LRD])(.+)$/.exec(key);
    let parsed: Parsed<ProfileForward>;
    if (!match) parsed = { ok: false, problem: 'it is not an L, R or D forward' };
    else if (match[2] === 'D') parsed = dynamicForward(match[3]!, localAll);
    else if (match[2] === 'L') parsed = localForward(match[3]!, value, localAll);
    else parsed = remoteForward(match[3]!, value, remoteAll);
    const written = value === '' ? key : `${key}=${value}`;
    if (!parsed.ok) {
      collector.warn(session.name, `The tunnel ${written} was not imported: ${parsed.problem}.`);
      continue;
    }
    if (listensBeyondLoopback(parsed.value)) collector.warn(session.name, `The tunnel ${written} listens on ${parsed.value.bindHost}, so other computers on your network can use it.`);
    result.push(parsed.value);
  }
  return result;
}

function splitForwardings(list: string): { key: string; value: string }[] {
  const entries: { key: string; value: string }[] = [];
  let key = '';
  let value = '';
  let inValue = false;
  const flush = () => {
    if (key !== '' || value !== '') entries.push({ key, value });
    key = '';
    value = '';
    inValue = false;
  };
  for (let i = 0; i < list.length; i++) {
    let char = list[i]!;
    if (char === ',') {
      flush();
      continue;
    }
    if (char === '=' && !inValue) {
      inValue = true;
      continue;
    }
    if (char === '\\' && i + 1 < list.length) char = list[++i]!;
    if (inValue) value += char;
    else key += char;
  }
  flush();
  return entries;
}

/** PuTTY writes session names with %XX for spaces, `\`, `*`, `?`, `%` and non-ASCII bytes. */
export function unescapeSessionName(escaped: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < escaped.length; i++) {
    const hex = escaped.slice(i + 1, i + 3);
    if (escaped[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      const char = String.fromCodePoint(escaped.codePointAt(i)!);
      for (const byte of new TextEncoder().encode(char)) bytes.push(byte);
      i += char.length - 1;
    }
  }
  const raw = Uint8Array.from(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return new TextDecoder('windows-1252').decode(raw);
  }
}

function text(session: Session, name: string): string | undefined {
  const value = session.values.get(name);
  return value?.type === 'string' && value.value !== '' ? value.value : undefined;
}

function number(session: Session, name: string): number | undefined {
  const value = session.values.get(name);
  if (value?.type === 'dword') return value.value;
  if (value?.type === 'string' && /^\d+$/.test(value.value)) return Number(value.value);
  return undefined;
}

function platformName(platform: NodeJS.Platform): string {
  return platform === 'darwin' ? 'macOS' : platform === 'linux' ? 'Linux' : platform;
}
