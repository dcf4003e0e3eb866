/**
 * `porthole keys`, run in-process through commander as main/cli.ts will run it, over a key
 * store on an in-memory SecretStore: import (with passphrases from stdin or the prompt,
 * never argv), generate, list, public, remove, --json, --help, and errors with their codes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keysCommand } from '../../main/cli/keys-command';
import { KeyStore } from '../../main/keys';
import type { SecretStore } from '../../main/secrets/types';
import { fingerprintOf } from '../env/keys';
import { runChecked } from '../env/processes';

/** RSA generation and bcrypt/Argon2 key derivation take seconds when the other test files load both cores. */
const SLOW = { timeout: 30_000 };

class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, Buffer>();
  async get(id: string) {
    return this.values.get(id) ?? null;
  }
  async set(id: string, value: Buffer | string) {
    this.values.set(id, Buffer.from(value));
  }
  async delete(id: string) {
    return this.values.delete(id);
  }
  async list(prefix = '') {
    return [...this.values.keys()].filter((id) => id.startsWith(prefix)).sort();
  }
}

const PASSPHRASE = 'cli pass 99';
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-keys-cli-'));
  await runChecked('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', PASSPHRASE, '-f', join(dir, 'my key.pem')]);
  await runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'laptop', '-f', join(dir, 'id_ed25519')]);
  writeFileSync(join(dir, 'pass'), PASSPHRASE);
  await runChecked('puttygen', ['-q', '-t', 'ed25519', '-C', 'putty key', '-o', join(dir, 'lab.ppk'), '--new-passphrase', join(dir, 'pass')]);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  readonly asked: string[];
  /** The stdout lines as JSON objects (for --json runs). */
  json(): Record<string, unknown>[];
}

/** One CLI session over a shared secret store, like successive `porthole` runs on one machine. */
function cli(secrets = new MemorySecretStore()) {
  const run = async (args: string[], { stdin = '', prompts = [] as (string | null)[] } = {}): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    let exitCode = 0;
    const asked: string[] = [];
    const program = new Command('porthole').exitOverride().addCommand(
      keysCommand({
        openKeyStore: async () => new KeyStore(secrets),
        io: {
          stdout: { write: (text: string) => (stdout += text) },
          stderr: { write: (text: string) => (stderr += text) },
          readStdin: async () => stdin,
          askPassphrase: async (label, retry) => {
            asked.push(`${label}${retry ? ' (retry)' : ''}`);
            return prompts.shift() ?? null;
          },
          setExitCode: (code) => (exitCode = code),
        },
      }),
    );
    const exitOverride = (command: Command) => {
      command.exitOverride();
      command.commands.forEach(exitOverride);
    };
    exitOverride(program);
    try {
      await program.parseAsync(['node', 'porthole', ...args]);
    } catch (error) {
      if (!(error instanceof CommanderError)) throw error;
      exitCode = error.exitCode;
      stderr += `[commander ${error.code}]`;
    }
    return { stdout, stderr, exitCode, asked, json: () => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
  };
  return { run, secrets };
}

const everything = (r: Run) => r.stdout + r.stderr;

describe('porthole keys import', SLOW, () => {
  it('imports an encrypted .pem with the passphrase on stdin; --json prints the key facts, never the key', async () => {
    const { run, secrets } = cli();
    const result = await run(['keys', 'import', join(dir, 'my key.pem'), '--passphrase-stdin', '--json'], { stdin: `${PASSPHRASE}\n` });
    expect(result.exitCode).toBe(0);
    const [event] = result.json();
    expect(event).toMatchObject({ event: 'imported', name: 'my-key', type: 'ssh-rsa', bits: 2048, source: 'vault', needsPassphrase: false });
    expect(event!['fingerprint']).toBe(await fingerprintOf(join(dir, 'my key.pem.pub')));
    expect(everything(result)).not.toMatch(/PRIVATE KEY/);
    expect(result.asked).toEqual([]);
    expect([...secrets.values.keys()].sort()).toEqual(['keys/my-key/meta', 'keys/my-key/private']);
  });

  it('asks on the terminal when no --passphrase-stdin, and retries after a wrong passphrase', async () => {
    const { run } = cli();
    const result = await run(['keys', 'import', join(dir, 'lab.ppk'), '--name', 'lab'], { prompts: ['oops', PASSPHRASE] });
    expect(result.exitCode).toBe(0);
    expect(result.asked).toEqual(['lab.ppk', 'lab.ppk (retry)']);
    expect(result.stdout).toMatch(/^Imported "lab": ssh-ed25519 SHA256:\S+ putty key\n {2}Kept in the Porthole vault/);
  });

  it('says plainly that a passphrase-protected key is kept without its passphrase, protected by the vault alone', async () => {
    const { run, secrets } = cli();
    const human = await run(['keys', 'import', join(dir, 'lab.ppk'), '--name', 'lab', '--passphrase-stdin'], { stdin: PASSPHRASE });
    expect(human.exitCode).toBe(0);
    expect(human.stdout).not.toMatch(/\(encrypted\)/);
    expect(human.stdout).toMatch(/without its passphrase/);
    expect(human.stdout).toMatch(/OS keychain/);
    // What is stored really is the decrypted key (inside the encrypted vault).
    expect(secrets.values.get('keys/lab/private')!.toString()).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    const json = await run(['keys', 'import', join(dir, 'my key.pem'), '--passphrase-stdin', '--json'], { stdin: PASSPHRASE });
    expect(json.json()[0]).toMatchObject({ source: 'vault', needsPassphrase: false, passphraseKept: false, protectedBy: 'vault' });
  });

  it('without a terminal or stdin passphrase: keys.passphrase-required, exit 1, and the hint names --passphrase-stdin', async () => {
    const { run } = cli();
    const human = await run(['keys', 'import', join(dir, 'lab.ppk')]);
    expect(human.exitCode).toBe(1);
    expect(human.stderr).toMatch(/^porthole: lab\.ppk is protected by a passphrase\.\n {2}.*--passphrase-stdin.*\n {2}\(keys\.passphrase-required\)\n$/);
    const json = await run(['keys', 'import', join(dir, 'lab.ppk'), '--json']);
    expect(json.json()).toEqual([expect.objectContaining({ event: 'error', code: 'keys.passphrase-required' })]);
  });

  it('a wrong passphrase on stdin is not retried: keys.wrong-passphrase', async () => {
    const { run } = cli();
    const result = await run(['keys', 'import', join(dir, 'lab.ppk'), '--passphrase-stdin', '--json'], { stdin: 'nope' });
    expect(result.exitCode).toBe(1);
    expect(result.json()[0]).toMatchObject({ event: 'error', code: 'keys.wrong-passphrase' });
    expect(result.asked).toEqual([]);
  });

  it('--keep-path stores only the path', async () => {
    const { run, secrets } = cli();
    const result = await run(['keys', 'import', join(dir, 'id_ed25519'), '--keep-path', '--json']);
    expect(result.json()[0]).toMatchObject({ event: 'imported', name: 'id_ed25519', source: 'path', path: join(dir, 'id_ed25519'), comment: 'laptop' });
    expect([...secrets.values.keys()]).toEqual(['keys/id_ed25519/meta']);
    expect(result.stdout).not.toContain('Kept in the Porthole vault');
  });

  it('a .pub file, a taken name and a missing file each fail with their code', async () => {
    const { run } = cli();
    expect((await run(['keys', 'import', join(dir, 'id_ed25519.pub'), '--json'])).json()[0]).toMatchObject({ code: 'keys.public-key-given' });
    await run(['keys', 'import', join(dir, 'id_ed25519'), '--name', 'work']);
    const taken = await run(['keys', 'import', join(dir, 'lab.ppk'), '--name', 'WORK', '--passphrase-stdin'], { stdin: PASSPHRASE });
    expect(taken.exitCode).toBe(1);
    expect(taken.stderr).toMatch(/already a key named "work"[\s\S]*--name[\s\S]*\(keys\.name-taken\)/);
    expect((await run(['keys', 'import', join(dir, 'nope.pem'), '--json'])).json()[0]).toMatchObject({ code: 'keys.unreadable' });
  });

  it('has no way to put a passphrase on the command line', async () => {
    const { run } = cli();
    const result = await run(['keys', 'import', join(dir, 'lab.ppk'), '--passphrase', PASSPHRASE]);
    expect(result.stderr).toContain('[commander commander.unknownOption]');
    expect(result.exitCode).not.toBe(0);
  });
});

describe('porthole keys generate / list / public / remove', SLOW, () => {
  it('generates Ed25519 by default and prints the public key; list and public agree; remove removes', async () => {
    const { run } = cli();
    const generated = await run(['keys', 'generate', '--name', 'lab', '--comment', 'lab key']);
    expect(generated.exitCode).toBe(0);
    const publicLine = generated.stdout.trim().split('\n').at(-1)!;
    expect(publicLine).toMatch(/^ssh-ed25519 AAAA\S+ lab key$/);

    const pub = await run(['keys', 'public', 'lab']);
    expect(pub.stdout).toBe(`${publicLine}\n`);
    writeFileSync(join(dir, 'lab.pub'), pub.stdout);
    const fingerprint = await fingerprintOf(join(dir, 'lab.pub'));

    // Export to a file; never over an existing one (it could be the private key).
    const exported = await run(['keys', 'public', 'lab', '-o', join(dir, 'exported.pub')]);
    expect(exported.stdout).toBe(`Wrote the public key of "lab" to ${join(dir, 'exported.pub')}\n`);
    expect(readFileSync(join(dir, 'exported.pub'), 'utf8')).toBe(`${publicLine}\n`);
    const overwrite = await run(['keys', 'public', 'lab', '--output', join(dir, 'id_ed25519'), '--json']);
    expect(overwrite.json()[0]).toMatchObject({ event: 'error', code: 'cli.output-exists' });
    expect(readFileSync(join(dir, 'id_ed25519'), 'utf8')).toMatch(/PRIVATE KEY/);

    const list = await run(['keys', 'list']);
    expect(list.stdout).toMatch(/^NAME\s+TYPE\s+FINGERPRINT\s+COMMENT\n/);
    expect(list.stdout).toContain(`lab   ssh-ed25519 256  ${fingerprint}  lab key`);
    const listJson = await run(['keys', 'list', '--json']);
    expect(listJson.json()).toEqual([{ event: 'keys', keys: [expect.objectContaining({ name: 'lab', type: 'ssh-ed25519', fingerprint, comment: 'lab key', source: 'vault' })] }]);
    // The list is about keys, not key material: no private key, and not even the public blob.
    expect(listJson.stdout).not.toContain(publicLine.split(' ')[1]!);
    expect(everything(list) + everything(listJson) + everything(generated)).not.toMatch(/PRIVATE KEY/);

    const removed = await run(['keys', 'remove', 'lab', '--json']);
    expect(removed.json()).toEqual([{ event: 'removed', name: 'lab' }]);
    expect((await run(['keys', 'list'])).stdout).toMatch(/^No keys yet/);
    const gone = await run(['keys', 'public', 'lab']);
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('(keys.not-found)');
  });

  it('generates RSA 3072 with --type rsa, and takes a passphrase from stdin', async () => {
    const { run, secrets } = cli();
    const result = await run(['keys', 'generate', '--name', 'old-server', '--type', 'rsa', '--passphrase-stdin', '--json'], { stdin: 'a new passphrase\n' });
    expect(result.json()[0]).toMatchObject({ event: 'generated', name: 'old-server', type: 'ssh-rsa', bits: 3072, needsPassphrase: true });
    const stored = secrets.values.get('keys/old-server/private')!.toString();
    expect(stored).toContain('BEGIN OPENSSH PRIVATE KEY');
    writeFileSync(join(dir, 'stored'), stored, { mode: 0o600 });
    await expect(runChecked('ssh-keygen', ['-y', '-P', 'a new passphrase', '-f', join(dir, 'stored')])).resolves.toMatch(/^ssh-rsa /);
  });

  it('asks for a new passphrase twice with --ask-passphrase, and refuses when they differ or stdin is empty', async () => {
    const { run } = cli();
    const ok = await run(['keys', 'generate', '--name', 'asked', '--ask-passphrase', '--json'], { prompts: ['same one', 'same one'] });
    expect(ok.json()[0]).toMatchObject({ event: 'generated', needsPassphrase: true });
    expect(ok.asked).toHaveLength(2);
    const differ = await run(['keys', 'generate', '--name', 'differ', '--ask-passphrase', '--json'], { prompts: ['one', 'two'] });
    expect(differ.json()[0]).toMatchObject({ code: 'cli.passphrase-mismatch' });
    const empty = await run(['keys', 'generate', '--name', 'empty', '--passphrase-stdin', '--json'], { stdin: '\n' });
    expect(empty.json()[0]).toMatchObject({ code: 'cli.empty-passphrase' });
    expect((await run(['keys', 'list', '--json'])).json()[0]!['keys']).toHaveLength(1);
  });

  it('refuses a bad --type before doing anything', async () => {
    const { run } = cli();
    const result = await run(['keys', 'generate', '--name', 'x', '--type', 'dsa']);
    expect(result.stderr).toContain('[commander commander.invalidArgument]');
  });
});

describe('help', SLOW, () => {
  it.each([
    [['keys', '--help'], /Usage: porthole keys[\s\S]*import[\s\S]*generate[\s\S]*list[\s\S]*public[\s\S]*remove/],
    [['keys', 'import', '--help'], /Usage: porthole keys import \[options\] <file>[\s\S]*--passphrase-stdin[\s\S]*--keep-path[\s\S]*--json/],
    [['keys', 'generate', '--help'], /Usage: porthole keys generate[\s\S]*--name <name>[\s\S]*--type <type>[\s\S]*"ed25519", "rsa"[\s\S]*--passphrase-stdin/],
    [['keys', 'list', '--help'], /Usage: porthole keys list[\s\S]*--json/],
    [['keys', 'public', '--help'], /Usage: porthole keys public \[options\] <name>[\s\S]*--output <file>/],
    [['keys', 'remove', '--help'], /Usage: porthole keys remove \[options\] <name>/],
  ])('%j', async (args, expected) => {
    const { run } = cli();
    const result = await run(args);
    expect(result.stdout).toMatch(expected);
    expect(result.stderr).toContain('commander.helpDisplayed');
    expect(result.exitCode).toBe(0);
  });
});

describe('the fixtures', SLOW, () => {
  it('are what the tests think they are', () => {
    expect(readFileSync(join(dir, 'my key.pem'), 'utf8')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED/);
    expect(readFileSync(join(dir, 'lab.ppk'), 'utf8')).toMatch(/^PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc/);
  });
});
