/**
 * How Porthole logs in: the methods users have today, tried in OpenSSH's order: ssh-agent,
 * then private keys, then keyboard-interactive (2FA), then password. Each attempt is
 * recorded, so a refusal can say what was tried and what the server accepts.
 */
import { existsSync } from 'node:fs';
import { utils, type AnyAuthMethod, type AuthHandlerMiddleware, type ParsedKey } from 'ssh2';
import { parseKeyOffThread } from '../keys/unlock';
import { PortholeError } from '../shared/errors';
import { cleanServerText } from '../shared/server-text';
import { classifySshError } from './errors';

/** A private key as given by the user (file content or vault record), not yet decrypted. */
export interface Identity {
  /** Shown to the user: a file name or a vault key name. Never key material. */
  readonly label: string;
  readonly data: Buffer | string;
  readonly passphrase?: string;
  /** Found by looking (like ~/.ssh/id_ed25519), not named by the user: skip it if unusable. */
  readonly optional?: boolean;
}

/** The questions a connection may need to ask. Returning null means the user declined. */
export interface AuthPrompter {
  passphrase(keyLabel: string, retry: boolean): Promise<string | null>;
  password(server: string, retry: boolean): Promise<string | null>;
  keyboardInteractive(server: string, instructions: string, prompts: readonly { prompt: string; echo: boolean }[]): Promise<string[] | null>;
}

export interface AuthOptions {
  readonly username: string;
  readonly identities?: readonly Identity[];
  /** ssh-agent socket path, Windows pipe, 'pageant', or null for none. */
  readonly agent?: string | null;
  readonly password?: boolean;
  readonly keyboardInteractive?: boolean;
}

export interface LoadedIdentity {
  readonly label: string;
  readonly key: ParsedKey;
}

const MAX_PASSPHRASE_TRIES = 3;

/** Decrypts each identity up front (asking for passphrases), so reconnects never ask again. */
export async function loadIdentities(identities: readonly Identity[], prompter: Pick<AuthPrompter, 'passphrase'>): Promise<LoadedIdentity[]> {
  const loaded: LoadedIdentity[] = [];
  for (const identity of identities) {
    let passphrase = identity.passphrase;
    for (let attempt = 0; ; attempt++) {
      // Without a passphrase no key derivation runs, so parsing here is cheap; with one,
      // the KDF (bcrypt for OpenSSH keys) runs on the key worker.
      const parsed = passphrase === undefined ? utils.parseKey(identity.data) : await parseKeyOffThread(identity.data, passphrase, identity.label);
      if (!(parsed instanceof Error)) {
        const key = Array.isArray(parsed) ? parsed[0] : parsed;
        if (key === undefined || !key.isPrivateKey()) {
          throw new PortholeError({
            code: 'ssh.key-not-private',
            message: `${identity.label} is a public key; logging in needs the private key.`,
            hint: 'Choose the file without .pub (for AWS, the .pem you downloaded when creating the key pair).',
            retryable: false,
          });
        }
        loaded.push({ label: identity.label, key });
        break;
      }
      const error = classifySshError(parsed, { server: identity.label });
      const needsPassphrase = error.code === 'ssh.key-passphrase-required' || error.code === 'ssh.key-passphrase-wrong';
      const answer = needsPassphrase && attempt < MAX_PASSPHRASE_TRIES ? await prompter.passphrase(identity.label, passphrase !== undefined) : null;
      if (answer === null) {
        if (identity.optional) break;
        throw keyError(error, identity.label);
      }
      passphrase = answer;
    }
  }
  return loaded;
}

function keyError(error: PortholeError, label: string): PortholeError {
  return new PortholeError({ code: error.code, message: `${label}: ${error.message}`, ...(error.hint ? { hint: error.hint } : {}), retryable: false });
}

/** Where the user's agent is, by platform: SSH_AUTH_SOCK, the Windows OpenSSH pipe, or Pageant. */
export function defaultAgent(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | null {
  if (env['SSH_AUTH_SOCK']) return env['SSH_AUTH_SOCK'];
  if (platform === 'win32') {
    const pipe = '\\\\.\\pipe\\openssh-ssh-agent';
    return existsSync(pipe) ? pipe : 'pageant';
  }
  return null;
}

type MethodLabel = string;

interface AuthStep {
  readonly type: AnyAuthMethod['type'];
  readonly run: () => Promise<AnyAuthMethod | null>;
}

/** One login attempt sequence (one per hop per connection attempt). */
export class AuthSequence {
  readonly tried: MethodLabel[] = [];
  serverMethods: string[] | null = null;
  private readonly queue: AuthStep[];
  private passwordTries = 0;

  constructor(
    private readonly options: AuthOptions,
    private readonly identities: readonly LoadedIdentity[],
    private readonly prompter: AuthPrompter,
    private readonly server: string,
    /** A password that already worked on this connection, reused on reconnect. */
    private readonly remembered: { password?: string },
  ) {
    const { username } = options;
    const agent = options.agent;
    this.queue = [
      // 'none' first, as OpenSSH does: the refusal tells us which methods the server accepts.
      { type: 'none', run: async () => ({ type: 'none', username }) },
      ...(agent ? [{ type: 'agent' as const, run: async () => ({ type: 'agent' as const, username, agent }) }] : []),
      ...identities.map((identity) => ({ type: 'publickey' as const, run: async () => ({ type: 'publickey' as const, username, key: identity.key }) })),
      ...(options.keyboardInteractive ? [{ type: 'keyboard-interactive' as const, run: () => this.keyboardInteractive() }] : []),
      ...(options.password ? [{ type: 'password' as const, run: () => this.password() }] : []),
    ];
  }

  private async keyboardInteractive(): Promise<AnyAuthMethod | null> {
    return {
      type: 'keyboard-interactive',
      username: this.options.username,
      prompt: (_name, instructions, _lang, prompts, finish) => {
        // Each round (password, then a one-time code, ...) goes to the user as it comes, its
        // text cleaned here once, so the UserPrompt (UI) and the CLI show the same safe text.
        this.prompter.keyboardInteractive(this.server, cleanServerText(instructions ?? ''), prompts.map((p) => ({ prompt: cleanServerText(p.prompt), echo: p.echo ?? false }))).then(
          (answers) => finish(answers ?? prompts.map(() => '')),
          () => finish(prompts.map(() => '')),
        );
      },
    };
  }

  private async password(): Promise<AnyAuthMethod | null> {
    let password = this.remembered.password;
    if (password === undefined || this.passwordTries > 0) {
      const answer = await this.prompter.password(this.server, this.passwordTries > 0);
      if (answer === null) return null;
      password = answer;
    }
    this.passwordTries++;
    this.pendingPassword = password;
    // Up to three password attempts, like OpenSSH.
    if (this.passwordTries < 3) this.queue.unshift({ type: 'password', run: () => this.password() });
    return { type: 'password', username: this.options.username, password };
  }

  /** The password of the attempt in flight; kept only if the login succeeds. */
  pendingPassword: string | undefined;

  /** ssh2's authHandler: picks the next method the server still accepts. */
  readonly handler: AuthHandlerMiddleware = (methodsLeft, _partial, callback) => {
    // ssh2 passes null before the first attempt, although its types say otherwise.
    if ((methodsLeft as string[] | null) !== null) this.serverMethods = [...methodsLeft];
    // ssh2 accepts `false` for "no more methods"; its types do not say so.
    const done = callback as (next: AnyAuthMethod | false) => void;
    void this.nextMethod().then(done, () => done(false));
  };

  private async nextMethod(): Promise<AnyAuthMethod | false> {
    for (;;) {
      const step = this.queue.shift();
      if (step === undefined) return false;
      // Never prompt for a method the server has said it does not take.
      if (step.type !== 'none' && !this.serverAllows(step.type)) continue;
      const method = await step.run();
      if (method === null) continue;
      if (method.type !== 'none') this.tried.push(describe(method, this.identities));
      return method;
    }
  }

  private serverAllows(type: AnyAuthMethod['type']): boolean {
    if (this.serverMethods === null) return true;
    const wire = type === 'agent' ? 'publickey' : type;
    return this.serverMethods.includes(wire);
  }

  /** The auth-failed error, saying what was tried and what the server accepts. */
  failure(): PortholeError {
    const tried = this.tried.length > 0 ? this.tried.join(', ') : 'nothing it accepts';
    const accepts = this.serverMethods?.length ? this.serverMethods.join(', ') : 'unknown methods';
    return new PortholeError({
      code: 'ssh.auth-failed',
      message: `${this.server} refused the login as "${this.options.username}". Tried: ${tried}. The server accepts: ${accepts}.`,
      hint: hintFor(this.serverMethods ?? [], this.tried),
      retryable: false,
    });
  }
}

function describe(method: AnyAuthMethod, identities: readonly LoadedIdentity[]): string {
  switch (method.type) {
    case 'agent':
      return 'publickey (ssh-agent)';
    case 'publickey': {
      const identity = identities.find((i) => i.key === method.key);
      return `publickey (${identity?.label ?? 'key'})`;
    }
    default:
      return method.type;
  }
}

function hintFor(serverMethods: readonly string[], tried: readonly string[]): string {
  if (serverMethods.includes('publickey') && !tried.some((t) => t.startsWith('publickey'))) {
    return 'This server wants a key: choose your private key (for AWS, the .pem from the key pair) or start your ssh-agent.';
  }
  if (tried.some((t) => t.startsWith('publickey'))) {
    return 'Check the user name (ubuntu, ec2-user, azureuser...) and that your public key is in ~/.ssh/authorized_keys on the server.';
  }
  return 'Check the user name and the password.';
}
