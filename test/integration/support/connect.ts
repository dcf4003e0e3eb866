/** Builds Porthole SshConnections to test hosts, with a scripted prompter that records what was asked. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshConnection, type ConnectionPrompter, type SshConnectionOptions } from '../../../main/ssh/connection';
import type { UserPrompt } from '../../../main/ssh/connection-state';
import { HostKeyStore } from '../../../main/ssh/host-keys';
import type { TestHost } from '../../env/host';
import { makeDir } from '../../env/run-dir';

export interface ScriptedAnswers {
  acceptHostKey?: boolean;
  passphrases?: string[];
  passwords?: string[];
  keyboardInteractive?: string[][];
}

export interface RecordingPrompter extends ConnectionPrompter {
  readonly asked: UserPrompt[];
}

export function scriptedPrompter(answers: ScriptedAnswers = {}): RecordingPrompter {
  const asked: UserPrompt[] = [];
  const passphrases = [...(answers.passphrases ?? [])];
  const passwords = [...(answers.passwords ?? [])];
  const rounds = [...(answers.keyboardInteractive ?? [])];
  return {
    asked,
    confirmHostKey: async (prompt) => {
      asked.push(prompt);
      return answers.acceptHostKey ?? false;
    },
    passphrase: async (keyLabel, retry) => {
      asked.push({ kind: 'passphrase', keyLabel, retry });
      return passphrases.shift() ?? null;
    },
    password: async (server, retry) => {
      asked.push({ kind: 'password', server, retry });
      return passwords.shift() ?? null;
    },
    keyboardInteractive: async (server, instructions, prompts) => {
      asked.push({ kind: 'keyboard-interactive', server, instructions, prompts });
      return rounds.shift() ?? null;
    },
  };
}

/** A connection to a test host that trusts its known_hosts file and logs in with its client key. */
export function connectionTo(host: TestHost, options: Partial<SshConnectionOptions> & { trustStoreDir?: string } = {}): SshConnection {
  const { trustStoreDir, ...rest } = options;
  return new SshConnection({
    target: { host: host.host, port: host.port, username: host.user.name },
    identities: [{ label: 'client_key', data: readFileSync(host.clientKey.privatePath) }],
    agent: null,
    hostKeys: new HostKeyStore({ knownHostsFiles: [host.knownHostsPath], trustStorePath: join(trustStoreDir ?? makeDir('trust'), 'known_hosts') }),
    prompter: scriptedPrompter(),
    handshakeTimeoutMs: 10_000,
    backoff: { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0.2 },
    ...rest,
  });
}
