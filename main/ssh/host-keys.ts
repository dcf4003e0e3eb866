/**
 * Host key verification, before any credential is sent. Reads the user's OpenSSH
 * known_hosts files (read-only: Porthole never edits them) plus Porthole's own trust store,
 * a known_hosts-format file in the data directory that records the keys the user accepted.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { PortholeError } from '../shared/errors';
import { sha256Fingerprint } from '../shared/fingerprint';
import { checkHostKey, formatKnownHostsLine, keyTypeOfBlob, knownKeyTypes, readKnownHostsFiles, type KnownHostEntry } from './known-hosts';

export interface HostKeySources {
  /** OpenSSH known_hosts files to trust (read-only). */
  readonly knownHostsFiles: readonly string[];
  /** Porthole's own trust store; accepted keys are appended here. */
  readonly trustStorePath: string;
}

export function defaultKnownHostsFiles(home = homedir()): string[] {
  const files = [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')];
  if (process.platform === 'win32') files.push(join(process.env['ProgramData'] ?? 'C:\\ProgramData', 'ssh', 'ssh_known_hosts'));
  else files.push('/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2');
  return files;
}

/**
 * The name and port a host's keys are filed under: host:port, or only the alias when one is
 * set, as OpenSSH does with HostKeyAlias (the port is then not part of the name, and the
 * address is not consulted at all: an IP another machine used before says nothing about
 * this one).
 */
export function knownHostsIdentity(endpoint: { readonly host: string; readonly port: number; readonly hostKeyAlias?: string }): { host: string; port: number } {
  return endpoint.hostKeyAlias === undefined ? { host: endpoint.host, port: endpoint.port } : { host: endpoint.hostKeyAlias, port: 22 };
}

export interface PresentedKey {
  readonly keyType: string;
  readonly keyBlob: Buffer;
  readonly fingerprint: string;
}

export type HostKeyDecision =
  | { readonly kind: 'trusted' }
  | { readonly kind: 'unknown'; readonly key: PresentedKey; readonly otherKeyTypesKnown: readonly string[] }
  | { readonly kind: 'refused'; readonly error: PortholeError };

export class HostKeyStore {
  constructor(private readonly sources: HostKeySources) {}

  private entries(): Promise<KnownHostEntry[]> {
    return readKnownHostsFiles([...this.sources.knownHostsFiles, this.sources.trustStorePath]);
  }

  /** Key types already known for this host, to offer them first in negotiation as OpenSSH does. */
  async preferredKeyTypes(host: string, port: number): Promise<string[]> {
    return knownKeyTypes(await this.entries(), host, port);
  }

  async decide(host: string, port: number, keyBlob: Buffer, server: string): Promise<HostKeyDecision> {
    const keyType = keyTypeOfBlob(keyBlob);
    const key: PresentedKey = { keyType, keyBlob, fingerprint: sha256Fingerprint(keyBlob) };
    const verdict = checkHostKey(await this.entries(), host, port, { keyType, keyBlob });
    switch (verdict.kind) {
      case 'trusted':
        return { kind: 'trusted' };
      case 'unknown':
        // Like OpenSSH: when keys of other types are on record for this host, a key of a new
        // type is a changed identity, not a new host. (Porthole offers the recorded types
        // first, so an honest server presents one of them.)
        if (verdict.otherKeyTypesKnown.length > 0) return { kind: 'refused', error: changedError(server, key, verdict.otherKeyTypesKnown) };
        return { kind: 'unknown', key, otherKeyTypesKnown: [] };
      case 'revoked':
        return {
          kind: 'refused',
          error: new PortholeError({
            code: 'ssh.hostkey-revoked',
            message: `${server} presented a host key that is marked as revoked (${key.fingerprint}, ${verdict.entry.file} line ${verdict.entry.line}).`,
            hint: 'Do not connect. Ask the server\'s administrator which key it should have.',
            retryable: false,
          }),
        };
      case 'changed':
        return { kind: 'refused', error: changedError(server, key, verdict.recorded) };
    }
  }

  /** Records a key the user accepted, so the next connection trusts it without asking. */
  async trust(host: string, port: number, key: PresentedKey): Promise<void> {
    await mkdir(dirname(this.sources.trustStorePath), { recursive: true, mode: 0o700 });
    await appendFile(this.sources.trustStorePath, `${formatKnownHostsLine(host, port, key.keyType, key.keyBlob)}\n`, { mode: 0o600 });
  }
}

function changedError(server: string, key: PresentedKey, recorded: readonly KnownHostEntry[]): PortholeError {
  const onRecord = recorded.map((e) => `${e.keyType} ${e.fingerprint} (${e.file} line ${e.line})`).join(', ');
  return new PortholeError({
    code: 'ssh.hostkey-changed',
    message: `The host key of ${server} has changed since your last visit. It now presents ${key.keyType} ${key.fingerprint}; on record: ${onRecord}. Porthole stopped before sending any password or key.`,
    hint: 'If the machine was rebuilt or its IP now belongs to another VM, remove the old entry and connect again. Otherwise someone may be intercepting the connection: do not connect.',
    retryable: false,
    details: {
      hostKeyChanged: {
        server,
        presented: { keyType: key.keyType, fingerprint: key.fingerprint },
        recorded: recorded.map((e) => ({ keyType: e.keyType, fingerprint: e.fingerprint, file: e.file, line: e.line })),
      },
    },
  });
}

export function unknownHostKeyError(server: string, key: PresentedKey): PortholeError {
  return new PortholeError({
    code: 'ssh.hostkey-unknown',
    message: `${server} is not known yet. Its ${key.keyType} host key fingerprint is ${key.fingerprint}.`,
    hint: 'Compare the fingerprint with the one your cloud console or administrator shows, then accept it (CLI: --accept-new-host-key).',
    retryable: false,
  });
}
