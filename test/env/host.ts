/**
 * A test "remote machine": a throw-away user with its own temp HOME, a real sshd that lets
 * only that user in, a client key pair in authorized_keys, and an OpenSSH known_hosts file
 * for the client side. Jupyter (Debian's notebook 6, jupyter_server 1.x) is on the user's
 * PATH as on a real VM. stop() removes all of it and fails if any process outlives it.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, type KeyPair, type KeyType } from './keys';
import { listProcesses } from './processes';
import { makeDir } from './run-dir';
import { Sshd, type SshdAuth } from './sshd';
import { createTestUser, processesOf, removeTestUser, setPassword, type TestUser } from './test-user';

export interface TestHostOptions {
  readonly auth?: SshdAuth;
  readonly allowTcpForwarding?: 'yes' | 'no' | 'local' | 'remote';
  readonly hostKeyTypes?: readonly KeyType[];
  readonly extraConfig?: readonly string[];
  readonly clientKeyType?: KeyType;
  /** Encrypts the client's private key with this passphrase. */
  readonly clientKeyPassphrase?: string;
  /** Run under an existing user of another host instead of a new one (that host owns it). */
  readonly user?: TestUser;
  /** Parent directory; defaults to a new dir under the run root. */
  readonly dir?: string;
}

export interface TestHost {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: TestUser;
  readonly sshd: Sshd;
  readonly dir: string;
  readonly clientKey: KeyPair;
  /** Set when password or keyboard-interactive logins are enabled. */
  readonly password: string | undefined;
  /** OpenSSH known_hosts listing this host's current keys as `[127.0.0.1]:PORT`. */
  readonly knownHostsPath: string;
  /** Rewrites known_hosts after the port or host keys changed. */
  writeKnownHosts(): void;
  /** `ssh` arguments that log in with the client key and strict host key checking. */
  opensshArgs(): string[];
  stop(): Promise<void>;
}

export async function startTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const dir = options.dir ?? makeDir('host');
  const ownsUser = options.user === undefined;
  const user = options.user ?? (await createTestUser(dir));
  const clientKey = await generateKeyPair(dir, 'client_key', {
    type: options.clientKeyType ?? 'ed25519',
    passphrase: options.clientKeyPassphrase ?? '',
    comment: 'porthole-test-client',
  });
  const wantsPassword = Boolean(options.auth?.password || options.auth?.keyboardInteractive);
  const password = wantsPassword ? randomBytes(12).toString('base64url') : undefined;
  if (password !== undefined) await setPassword(user, password);

  let sshd: Sshd;
  try {
    sshd = await Sshd.start({
      dir: join(dir, 'sshd'),
      userName: user.name,
      authorizedKeys: [clientKey.publicLine],
      ...(options.auth ? { auth: options.auth } : {}),
      ...(options.allowTcpForwarding ? { allowTcpForwarding: options.allowTcpForwarding } : {}),
      ...(options.hostKeyTypes ? { hostKeyTypes: options.hostKeyTypes } : {}),
      ...(options.extraConfig ? { extraConfig: options.extraConfig } : {}),
    });
  } catch (error) {
    if (ownsUser) await removeTestUser(user);
    throw error;
  }

  const knownHostsPath = join(dir, 'known_hosts');
  const writeKnownHosts = () =>
    writeFileSync(knownHostsPath, sshd.hostKeys.map((key) => `[127.0.0.1]:${sshd.port} ${key.publicLine}\n`).join(''));
  writeKnownHosts();

  let stopped = false;
  return {
    host: '127.0.0.1',
    get port() {
      return sshd.port;
    },
    user,
    sshd,
    dir,
    clientKey,
    password,
    knownHostsPath,
    writeKnownHosts,
    opensshArgs: () => [
      '-i', clientKey.privatePath,
      '-p', String(sshd.port),
      '-o', `UserKnownHostsFile=${knownHostsPath}`,
      '-o', 'StrictHostKeyChecking=yes',
      '-o', 'BatchMode=yes',
      '-o', 'IdentitiesOnly=yes',
      `${user.name}@127.0.0.1`,
    ],
    async stop() {
      if (stopped) return;
      stopped = true;
      await sshd.stop();
      if (ownsUser) await removeTestUser(user);
      const leftovers = listProcesses().filter((proc) => proc.cmdline.includes(dir) || (ownsUser && proc.uid === user.uid));
      if (leftovers.length > 0) {
        throw new Error(`test host left processes running: ${leftovers.map((p) => `${p.pid} ${p.cmdline}`).join('; ')}`);
      }
      if (ownsUser && processesOf(user.uid).length > 0) throw new Error(`processes of ${user.name} outlived the host`);
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Another sshd letting in the same test user with the same client key. With `sameHostKey`
 * it is the same machine reached at another address (a cloud VM after a restart that
 * changed its IP); without, another machine. Stop it before the host it belongs to.
 */
export async function startSiblingSshd(host: TestHost, options: { readonly sameHostKey: boolean; readonly listenAddress?: string; readonly port?: number }): Promise<Sshd> {
  const dir = mkdtempSync(join(host.dir, 'sibling-sshd-'));
  // sshd reads authorized_keys as the test user.
  chmodSync(dir, 0o755);
  return Sshd.start({
    dir,
    userName: host.user.name,
    authorizedKeys: [host.clientKey.publicLine],
    ...(options.sameHostKey ? { hostKeys: host.sshd.hostKeys } : {}),
    ...(options.listenAddress !== undefined ? { listenAddress: options.listenAddress } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
}
