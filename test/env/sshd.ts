/**
 * A real OpenSSH sshd on 127.0.0.1, started in the foreground by the test that owns it.
 * Nothing in /etc/ssh is read or touched: config, host keys, authorized_keys, pid file and
 * log all live in the instance's own directory. Several can run at once (jump hosts), and
 * each can be stopped and started again on the same port mid-test (reconnect tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { generateKeyPair, type KeyPair, type KeyType } from './keys';
import { freePort } from './ports';
import { descendantsOf, runChecked, terminate } from './processes';
import { waitFor } from './wait';

export const SSHD_PATH = '/usr/sbin/sshd';

export interface SshdAuth {
  readonly publickey?: boolean;
  readonly password?: boolean;
  readonly keyboardInteractive?: boolean;
}

export interface SshdOptions {
  readonly dir: string;
  readonly userName: string;
  readonly authorizedKeys: readonly string[];
  readonly auth?: SshdAuth;
  /** sshd's AllowTcpForwarding: yes, no, local or remote. */
  readonly allowTcpForwarding?: 'yes' | 'no' | 'local' | 'remote';
  readonly hostKeyTypes?: readonly KeyType[];
  /** Further sshd_config lines, e.g. `ClientAliveInterval 1`. */
  readonly extraConfig?: readonly string[];
  readonly port?: number;
  /** Serve these host keys instead of new ones: the same machine, reached at another address. */
  readonly hostKeys?: readonly KeyPair[];
  /** A loopback address other than 127.0.0.1 (all of 127.0.0.0/8 is local on Linux): a "new IP". */
  readonly listenAddress?: string;
}

export class Sshd {
  readonly configPath: string;
  readonly logPath: string;
  readonly pidPath: string;
  private child: ChildProcess | null = null;
  private exitInfo: string | null = null;

  private constructor(
    private readonly options: SshdOptions,
    public port: number,
    public hostKeys: KeyPair[],
  ) {
    this.configPath = join(options.dir, 'sshd_config');
    this.logPath = join(options.dir, 'sshd.log');
    this.pidPath = join(options.dir, 'sshd.pid');
  }

  static async start(options: SshdOptions): Promise<Sshd> {
    mkdirSync(options.dir, { recursive: true });
    // sshd as root needs its privilege-separation directory; Debian creates it only at boot.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const hostKeys = options.hostKeys ? [...options.hostKeys] : await generateHostKeys(options.dir, options.hostKeyTypes ?? ['ed25519']);
    const sshd = new Sshd(options, options.port ?? (await freePort(options.listenAddress)), hostKeys);
    const authorizedKeysPath = join(options.dir, 'authorized_keys');
    writeFileSync(authorizedKeysPath, options.authorizedKeys.map((line) => `${line}\n`).join(''));
    // sshd reads authorized_keys as the logged-in user.
    chmodSync(authorizedKeysPath, 0o644);
    await sshd.start({ portIsOurs: options.port === undefined });
    return sshd;
  }

  /** The host key the client should see first (the first of hostKeyTypes). */
  get hostKey(): KeyPair {
    return this.hostKeys[0]!;
  }

  get address(): string {
    return this.options.listenAddress ?? '127.0.0.1';
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  log(): string {
    return existsSync(this.logPath) ? readFileSync(this.logPath, 'utf8') : '';
  }

  /** Starts (again) on the same port; only a port sshd chose itself may move if it was taken. */
  async start({ portIsOurs = false }: { portIsOurs?: boolean } = {}): Promise<void> {
    if (this.running) throw new Error('sshd is already running');
    for (let attempt = 1; ; attempt++) {
      this.writeConfig();
      await runChecked(SSHD_PATH, ['-t', '-f', this.configPath]);
      const logStart = this.log().length;
      this.exitInfo = null;
      const child = spawn(SSHD_PATH, ['-D', '-f', this.configPath, '-E', this.logPath], { stdio: 'ignore' });
      this.child = child;
      child.once('exit', (code, sig) => {
        this.exitInfo = `exited with ${code ?? sig}`;
      });
      try {
        await waitFor(`sshd on ${this.address}:${this.port} to greet`, async () => {
          if (this.exitInfo !== null) throw new Error(`sshd ${this.exitInfo}: ${this.log().slice(logStart).trim()}`);
          return (await readBanner(this.address, this.port)).startsWith('SSH-2.0-OpenSSH');
        });
        return;
      } catch (error) {
        await this.stop();
        const lostPortRace = /Address already in use/.test(this.log().slice(logStart));
        if (!(portIsOurs && lostPortRace && attempt < 5)) throw error;
        this.port = await freePort(this.address);
      }
    }
  }

  /**
   * Stops the listener. With dropConnections (the default) every established session is
   * killed too, as when a server goes down; without it, open sessions live on, as after
   * `systemctl restart ssh`.
   */
  async stop({ dropConnections = true }: { dropConnections?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (child === null) return;
    const pid = child.pid;
    const sessions = pid !== undefined && dropConnections ? descendantsOf(pid).map((proc) => proc.pid) : [];
    if (pid !== undefined) await terminate([pid, ...sessions]);
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => child.once('exit', resolve));
    }
    this.child = null;
  }

  async restart(options?: { dropConnections?: boolean }): Promise<void> {
    await this.stop(options);
    await this.start();
  }

  /** New host keys on the next start: what a client sees when a server is rebuilt (or spoofed). */
  async regenerateHostKeys(types: readonly KeyType[] = this.options.hostKeyTypes ?? ['ed25519']): Promise<void> {
    for (const key of this.hostKeys) {
      rmSync(key.privatePath, { force: true });
      rmSync(key.publicPath, { force: true });
    }
    this.hostKeys = await generateHostKeys(this.options.dir, types);
  }

  private writeConfig(): void {
    const auth = { publickey: true, password: false, keyboardInteractive: false, ...this.options.auth };
    const usePam = auth.password || auth.keyboardInteractive;
    const yesNo = (value: boolean) => (value ? 'yes' : 'no');
    const lines = [
      `Port ${this.port}`,
      `ListenAddress ${this.address}`,
      ...this.hostKeys.map((key) => `HostKey ${key.privatePath}`),
      `PidFile ${this.pidPath}`,
      `AuthorizedKeysFile ${join(this.options.dir, 'authorized_keys')}`,
      // The run root lives in /tmp (world-writable): StrictModes would refuse it.
      'StrictModes no',
      `UsePAM ${yesNo(usePam)}`,
      `PubkeyAuthentication ${yesNo(auth.publickey)}`,
      `PasswordAuthentication ${yesNo(auth.password)}`,
      `KbdInteractiveAuthentication ${yesNo(auth.keyboardInteractive)}`,
      `AllowUsers ${this.options.userName}`,
      `AllowTcpForwarding ${this.options.allowTcpForwarding ?? 'yes'}`,
      'AllowStreamLocalForwarding yes',
      'PermitRootLogin no',
      'PrintMotd no',
      'LogLevel VERBOSE',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      ...(this.options.extraConfig ?? []),
    ];
    writeFileSync(this.configPath, `${lines.join('\n')}\n`);
  }
}

async function generateHostKeys(dir: string, types: readonly KeyType[]): Promise<KeyPair[]> {
  const keys: KeyPair[] = [];
  for (const type of types) {
    const name = `host_${type}_${Date.now().toString(36)}`;
    keys.push(await generateKeyPair(dir, name, { type, comment: `porthole-test-host-${type}` }));
  }
  return keys;
}

/** Connects and reads the server's identification line (`SSH-2.0-OpenSSH_9.2p1 ...`). */
function readBanner(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let data = '';
    const done = (value: string) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(2_000, () => done(''));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\n')) done(data);
    });
    socket.on('error', () => done(''));
    socket.on('close', () => done(data));
  });
}
