/** `[user@]host[:port]`, `ssh://user@host:port` and `[v6addr]:port`, as ssh and scp accept them. */
import { userInfo } from 'node:os';
import { PortholeError } from '../shared/errors';
import type { SshEndpoint } from '../ssh/connection';

export function parseDestination(text: string, defaultUser: string = safeUserName()): SshEndpoint {
  const raw = text.trim().replace(/^ssh:\/\//, '').replace(/\/$/, '');
  const at = raw.lastIndexOf('@');
  const username = at >= 0 ? raw.slice(0, at) : defaultUser;
  const hostPort = at >= 0 ? raw.slice(at + 1) : raw;
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(hostPort);
  const host = match?.[1];
  const port = match?.[2] === undefined ? 22 : Number(match[2]);
  if (!host || !username || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new PortholeError({
      code: 'cli.bad-destination',
      message: `"${text}" is not a destination Porthole understands.`,
      hint: 'Write it as user@host or user@host:port, for example ubuntu@203.0.113.7 or azureuser@myvm.westeurope.cloudapp.azure.com:2222.',
      retryable: false,
    });
  }
  return { host, port, username };
}

/** `-J a,b,c` (OpenSSH ProxyJump): hops in the order they are travelled. */
export function parseJumpList(text: string, defaultUser?: string): SshEndpoint[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => parseDestination(part, defaultUser));
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? process.env['USERNAME'] ?? 'root';
  }
}
