/**
 * A saved host turned into an SshConnection: its address and jump hosts, the key it names
 * (from the vault, a file, or the agent and the usual ~/.ssh/id_* files), the host key
 * store, and the questions routed to the window.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import type { KeyStore } from '../keys';
import type { Profile } from '../profiles';
import type { ResolvedAddress } from '../session/cloud-link';
import { PortholeError } from '../shared/errors';
import { defaultAgent, type Identity } from '../ssh/auth';
import { SshConnection, type ConnectionPrompter } from '../ssh/connection';
import type { HostKeyStore } from '../ssh/host-keys';

export interface ConnectionDeps {
  readonly hostKeys: HostKeyStore;
  readonly keepaliveSeconds: number;
  readonly keyStore: () => Promise<KeyStore>;
  /** Where ~/.ssh/id_* are looked for (the tests' own home). */
  readonly home?: string;
}

/** The user to log in as when a host names none: the local one, as ssh does. */
export function defaultUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? process.env['USERNAME'] ?? 'user';
  }
}

/** `resolved`: where a cloud host is right now (a fixed host needs none). */
export async function connectionForProfile(profile: Profile, prompter: ConnectionPrompter, deps: ConnectionDeps, resolved?: ResolvedAddress): Promise<SshConnection> {
  const username = profile.user ?? defaultUser();
  const useAgent = profile.key === undefined || profile.key.kind === 'agent';
  const host = resolved?.host ?? profile.host;
  if (host === undefined) {
    throw new PortholeError({ code: 'cloud.address-unresolved', message: `"${profile.name}" is a cloud VM and its current address is not known yet.`, hint: 'Launch it: Porthole starts the VM if needed and asks the cloud for its address.', retryable: true });
  }
  return new SshConnection({
    target: { host, port: profile.port, username, ...(resolved?.hostKeyAlias === undefined ? {} : { hostKeyAlias: resolved.hostKeyAlias }) },
    jumps: profile.jumpHosts.map((hop) => ({ host: hop.host, port: hop.port, username: hop.user ?? username })),
    identities: await identitiesFor(profile, prompter, deps),
    agent: useAgent ? defaultAgent() : null,
    password: true,
    keyboardInteractive: true,
    hostKeys: deps.hostKeys,
    prompter,
    keepaliveIntervalMs: deps.keepaliveSeconds * 1000,
  });
}

async function identitiesFor(profile: Profile, prompter: ConnectionPrompter, deps: ConnectionDeps): Promise<Identity[]> {
  const key = profile.key;
  if (key?.kind === 'vault') {
    const store = await deps.keyStore();
    return [{ label: key.name, data: await store.privateKeyForLogin(key.name, (_label, retry) => prompter.passphrase(key.name, retry)) }];
  }
  if (key?.kind === 'path') {
    try {
      return [{ label: basename(key.path), data: await readFile(key.path) }];
    } catch (error) {
      throw new PortholeError(
        { code: 'ssh.key-unreadable', message: `Cannot read the key file ${key.path}: ${(error as Error).message}.`, hint: 'Check the path in the host settings, or import the key into Porthole.', retryable: false },
        { cause: error },
      );
    }
  }
  if (key?.kind === 'agent') return [];
  // No key named: the usual files, skipped when unusable (as ssh does).
  const home = deps.home ?? homedir();
  const files = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(home, '.ssh', name)).filter((file) => existsSync(file));
  return Promise.all(files.map(async (file) => ({ label: basename(file), data: await readFile(file), optional: true })));
}
