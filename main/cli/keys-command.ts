/**
 * `porthole keys`: import, generate, list, show and remove the keys Porthole logs in with.
 * Passphrases come only from stdin (--passphrase-stdin) or a hidden prompt on the terminal,
 * never from the command line, where `ps` and shell history would keep them. Output is for
 * people by default, one JSON object per line with --json; no output ever carries private
 * key material.
 */
import { writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Command, Option } from 'commander';
import { PortholeError, toErrorInfo, type PortholeErrorInfo } from '../shared/errors';
import { generateKey, type GeneratedKeyType } from '../keys/generate';
import { importKey, type AskPassphrase } from '../keys/import';
import type { KeyStore, KeyStoreEntry } from '../keys/key-store';
import { terminalPrompter } from './terminal-prompter';
import { table } from './table';

export interface KeysCommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** All of stdin, for --passphrase-stdin. */
  readStdin(): Promise<string>;
  /** A hidden prompt on the terminal; null without a terminal or when the user cancels. */
  readonly askPassphrase: AskPassphrase;
  setExitCode(code: number): void;
}

export interface KeysCommandDeps {
  readonly openKeyStore: () => Promise<KeyStore>;
  /** Streams and prompts; the process's own by default (tests pass their own). */
  readonly io?: Partial<KeysCommandIo>;
}

interface JsonOption {
  json: boolean;
}

export function keysCommand(deps: KeysCommandDeps): Command {
  const io = withDefaults(deps.io);
  const output = { writeOut: (text: string) => void io.stdout.write(text), writeErr: (text: string) => void io.stderr.write(text) };
  const command = (name: string) => new Command(name).configureOutput(output).showHelpAfterError();
  const jsonOption = () => new Option('--json', 'print one JSON object per line on stdout').default(false);

  /** Runs an action; failures become a message (or a JSON error line) and exit code 1. */
  const action =
    <A extends unknown[]>(json: (...args: A) => boolean, body: (...args: A) => Promise<void>) =>
    async (...args: A) => {
      try {
        await body(...args);
      } catch (error) {
        reportError(io, json(...args), cliHint(toErrorInfo(error)));
        io.setExitCode(1);
      }
    };

  const importCmd = command('import')
    .description('Import a private key (OpenSSH, .pem, PKCS#8, PuTTY .ppk) into Porthole.')
    .argument('<file>', 'the private key file')
    .option('--name <name>', 'name to save it under (default: the file name without extension)')
    .option('--passphrase-stdin', "read the key's passphrase from stdin (otherwise Porthole asks on the terminal)", false)
    .option('--keep-path', 'remember only where the file is and read it at each login, instead of keeping an encrypted copy in the vault', false)
    .addOption(jsonOption())
    .addHelpText('after', '\nExamples:\n  porthole keys import ~/Downloads/mykey.pem --name aws-gpu\n  porthole keys import lab.ppk --passphrase-stdin < passphrase.txt')
    .action(
      action(
        (_file: string, options: ImportOptions) => options.json,
        async (file: string, options: ImportOptions) => {
          const passphrase = options.passphraseStdin ? stripNewline(await io.readStdin()) : undefined;
          const key = await importKey({ path: file }, passphrase !== undefined ? { passphrase } : { askPassphrase: io.askPassphrase });
          const store = await deps.openKeyStore();
          const entry = await store.add(options.name ?? defaultName(file), key, options.keepPath ? { keepPathInstead: file } : {});
          emit(io, options.json, { event: 'imported', ...describe(entry), ...storageFacts(entry, key.encrypted), publicKey: entry.publicKey }, [
            `Imported "${entry.name}": ${entry.type} ${entry.fingerprint}${entry.comment ? ` ${entry.comment}` : ''}`,
            `  ${storageLine(entry, key.encrypted)}`,
          ]);
        },
      ),
    );

  const generateCmd = command('generate')
    .description('Create a new key pair (Ed25519 unless --type rsa) and keep it in the vault.')
    .requiredOption('--name <name>', 'name to save it under')
    .addOption(new Option('--type <type>', 'key type').choices(['ed25519', 'rsa']).default('ed25519'))
    .addOption(new Option('--bits <bits>', 'RSA key size').default(3072).argParser(wholeNumber))
    .option('--comment <text>', 'comment in the public key (default: user@host)')
    .option('--passphrase-stdin', 'protect the key with a passphrase read from stdin', false)
    .option('--ask-passphrase', 'protect the key with a passphrase typed on the terminal', false)
    .addOption(jsonOption())
    .addHelpText('after', '\nThe public key is printed; put it on the server with your cloud console, or in ~/.ssh/authorized_keys.\n\nExample:\n  porthole keys generate --name lab')
    .action(
      action(
        (options: GenerateOptions) => options.json,
        async (options: GenerateOptions) => {
          const passphrase = await newPassphrase(io, options);
          const key = await generateKey({
            type: options.type,
            ...(options.type === 'rsa' ? { bits: options.bits } : {}),
            ...(options.comment !== undefined ? { comment: options.comment } : {}),
            ...(passphrase !== undefined ? { passphrase } : {}),
          });
          const store = await deps.openKeyStore();
          const entry = await store.add(options.name, key);
          emit(io, options.json, { event: 'generated', ...describe(entry), publicKey: entry.publicKey }, [
            `Generated "${entry.name}": ${entry.type} ${entry.bits} ${entry.fingerprint}`,
            'Public key (add it to the server):',
            entry.publicKey,
          ]);
        },
      ),
    );

  const listCmd = command('list')
    .description('List your keys: name, type, fingerprint and comment.')
    .addOption(jsonOption())
    .action(
      action(
        (options: JsonOption) => options.json,
        async (options: JsonOption) => {
          const entries = await (await deps.openKeyStore()).list();
          if (options.json) {
            io.stdout.write(`${JSON.stringify({ event: 'keys', keys: entries.map(describe) })}\n`);
            return;
          }
          if (entries.length === 0) {
            io.stdout.write('No keys yet. Import one with "porthole keys import FILE" or create one with "porthole keys generate --name NAME".\n');
            return;
          }
          io.stdout.write(table([['NAME', 'TYPE', 'FINGERPRINT', 'COMMENT'], ...entries.map((e) => [e.name, `${e.type} ${e.bits}`, e.fingerprint, `${e.comment}${e.source === 'path' ? ` (file: ${e.path})` : ''}`])]));
        },
      ),
    );

  const publicCmd = command('public')
    .description('Print the OpenSSH public key line of a key (for authorized_keys or a cloud console).')
    .argument('<name>', 'the key name')
    .option('-o, --output <file>', 'write it to this new file (e.g. mykey.pub) instead of printing it')
    .addOption(jsonOption())
    .action(
      action(
        (_name: string, options: PublicOptions) => options.json,
        async (name: string, options: PublicOptions) => {
          const entry = await (await deps.openKeyStore()).get(name);
          if (options.output !== undefined) await writeNewFile(options.output, `${entry.publicKey}\n`);
          if (options.json) {
            io.stdout.write(`${JSON.stringify({ event: 'public-key', name: entry.name, type: entry.type, fingerprint: entry.fingerprint, publicKey: entry.publicKey, ...(options.output !== undefined ? { file: options.output } : {}) })}\n`);
          } else {
            io.stdout.write(options.output !== undefined ? `Wrote the public key of "${entry.name}" to ${options.output}\n` : `${entry.publicKey}\n`);
          }
        },
      ),
    );

  const removeCmd = command('remove')
    .description('Remove a key from Porthole (a file kept by path is not touched).')
    .argument('<name>', 'the key name')
    .addOption(jsonOption())
    .action(
      action(
        (_name: string, options: JsonOption) => options.json,
        async (name: string, options: JsonOption) => {
          const store = await deps.openKeyStore();
          const entry = await store.get(name);
          await store.remove(entry.name);
          emit(io, options.json, { event: 'removed', name: entry.name }, [`Removed "${entry.name}".`]);
        },
      ),
    );

  return command('keys')
    .description('Manage the SSH keys Porthole logs in with: import (.pem, OpenSSH, PuTTY .ppk), generate, list.')
    .addCommand(importCmd)
    .addCommand(generateCmd)
    .addCommand(listCmd)
    .addCommand(publicCmd)
    .addCommand(removeCmd);
}

interface ImportOptions extends JsonOption {
  name?: string;
  passphraseStdin: boolean;
  keepPath: boolean;
}

interface PublicOptions extends JsonOption {
  output?: string;
}

interface GenerateOptions extends JsonOption {
  name: string;
  type: GeneratedKeyType;
  bits: number;
  comment?: string;
  passphraseStdin: boolean;
  askPassphrase: boolean;
}

/** What may be printed about a key: never private material. */
/**
 * What was stored and what protects it, in the user's words. An imported key is kept
 * decrypted inside the vault (so logins do not ask for its passphrase again): the vault's
 * AES-256-GCM encryption, under a key in the OS keychain, is then its only protection.
 */
function storageLine(entry: KeyStoreEntry, sourceWasEncrypted: boolean): string {
  if (entry.source === 'path') return `Read from ${entry.path} at each login; no copy was made${entry.needsPassphrase ? ' (its passphrase is asked each time)' : ''}.`;
  if (entry.needsPassphrase) return 'Kept in the Porthole vault, still encrypted with its passphrase (asked at each login); the vault itself is encrypted with a key in your OS keychain.';
  return `Kept in the Porthole vault ${sourceWasEncrypted ? 'without its passphrase: ' : ''}decrypted, protected by the vault's encryption under a key in your OS keychain${sourceWasEncrypted ? ', so logins no longer ask for the passphrase' : ''}. Anyone who can use your OS keychain account can use the key.`;
}

function storageFacts(entry: KeyStoreEntry, sourceWasEncrypted: boolean): Record<string, unknown> {
  return {
    sourceEncrypted: sourceWasEncrypted,
    passphraseKept: entry.needsPassphrase,
    protectedBy: entry.source === 'path' ? (entry.needsPassphrase ? 'passphrase' : 'file-permissions') : entry.needsPassphrase ? 'passphrase+vault' : 'vault',
  };
}

function describe(entry: KeyStoreEntry): Record<string, unknown> {
  return {
    name: entry.name,
    type: entry.type,
    bits: entry.bits,
    fingerprint: entry.fingerprint,
    comment: entry.comment,
    source: entry.source,
    ...(entry.path !== undefined ? { path: entry.path } : {}),
    needsPassphrase: entry.needsPassphrase,
  };
}

async function newPassphrase(io: KeysCommandIo, options: GenerateOptions): Promise<string | undefined> {
  if (options.passphraseStdin && options.askPassphrase) throw cliError('cli.conflicting-options', 'Use either --passphrase-stdin or --ask-passphrase, not both.', 'Pick one way to give the passphrase.');
  if (options.passphraseStdin) {
    const passphrase = stripNewline(await io.readStdin());
    if (passphrase === '') throw cliError('cli.empty-passphrase', 'stdin held an empty passphrase.', 'Pipe the passphrase in, or leave out --passphrase-stdin for a key without one.');
    return passphrase;
  }
  if (!options.askPassphrase) return undefined;
  const first = await io.askPassphrase('the new key', false);
  if (first === null) throw cliError('cli.no-terminal', 'No passphrase was typed.', 'Run this in a terminal, or give the passphrase with --passphrase-stdin.');
  if (first === '') return undefined;
  const again = await io.askPassphrase('the new key (again)', false);
  if (again !== first) throw cliError('cli.passphrase-mismatch', 'The two passphrases differ.', 'Run the command again and type the same passphrase twice.');
  return first;
}

/** `~/Downloads/my key.pem` -> `my-key`: a valid store name from a file name. */
function defaultName(file: string): string {
  const stem = basename(file, extname(file)).replace(/[^\p{L}\p{N}._@+-]+/gu, '-').replace(/^[^\p{L}\p{N}]+/u, '').slice(0, 64);
  return stem || 'key';
}

/** Never overwrites: the path given could be the private key itself. */
async function writeNewFile(path: string, content: string): Promise<void> {
  try {
    await writeFile(path, content, { flag: 'wx', mode: 0o644 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw cliError('cli.output-exists', `${path} already exists; Porthole does not overwrite files.`, 'Choose a new file name, or delete the old file first.');
    throw cliError('cli.output-failed', `Cannot write ${path}: ${(error as Error).message}.`, 'Check the folder exists and that you may write there.');
  }
}

function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`expected a whole number, got "${value}"`);
  return number;
}

function cliError(code: string, message: string, hint: string): PortholeError {
  return new PortholeError({ code, message, hint, retryable: false });
}

/** The CLI's version of the next step where the library's hint speaks of the app. */
function cliHint(error: PortholeErrorInfo): PortholeErrorInfo {
  if (error.code === 'keys.passphrase-required') return { ...error, hint: 'Run it in a terminal to be asked, or give the passphrase on stdin with --passphrase-stdin.' };
  if (error.code === 'keys.name-taken') return { ...error, hint: 'Choose another name with --name, or remove the existing key with "porthole keys remove NAME".' };
  return error;
}

function emit(io: KeysCommandIo, json: boolean, event: Record<string, unknown>, human: readonly string[]): void {
  io.stdout.write(json ? `${JSON.stringify(event)}\n` : `${human.join('\n')}\n`);
}

/** Same shape as the reporter's errors (main/cli/reporter.ts). */
function reportError(io: KeysCommandIo, json: boolean, error: PortholeErrorInfo): void {
  if (json) {
    io.stdout.write(`${JSON.stringify({ event: 'error', code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) })}\n`);
    return;
  }
  io.stderr.write(`porthole: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ''}  (${error.code})\n`);
}

function withDefaults(io: Partial<KeysCommandIo> = {}): KeysCommandIo {
  const prompter = terminalPrompter({ acceptNewHostKey: false, interactive: Boolean(process.stdin.isTTY), say: (line) => process.stderr.write(`${line}\n`) });
  return {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    readStdin: io.readStdin ?? readProcessStdin,
    askPassphrase: io.askPassphrase ?? ((label, retry) => prompter.passphrase(label, retry)),
    setExitCode: io.setExitCode ?? ((code) => (process.exitCode = code)),
  };
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
