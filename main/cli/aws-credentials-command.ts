/**
 * `porthole aws credentials`: AWS access keys kept in Porthole's vault, for people who were
 * handed a key pair and have no AWS CLI. The secret comes from stdin (the console's CSV,
 * credentials-file lines, or the id and secret on two lines) or, on a terminal, a hidden
 * prompt: never from the command line, where `ps` and shell history would keep it.
 */
import { Command, Option } from 'commander';
import { PortholeError } from '../shared/errors';
import { parseAccessKeyText } from '../cloud/aws/access-key-text';
import { checkAccessKey, listAwsAccessKeys, removeAwsAccessKey, saveAwsAccessKey, type AwsAccessKey } from '../cloud/aws/vault-credentials';
import type { SecretStore } from '../secrets';
import { runReported } from './reporter';
import { askOnTerminal } from './terminal-prompter';
import { table } from './table';

export interface AwsCredentialsCommandDeps {
  readonly openVault: () => Promise<SecretStore>;
}

export function awsCredentialsCommand(deps: AwsCredentialsCommandDeps): Command {
  const credentials = new Command('credentials').description('AWS access keys kept in Porthole’s vault (use one with --credentials NAME).');
  const json = () => new Option('--json', 'print one JSON object per line on stdout').default(false);

  credentials
    .command('add')
    .description('Keep an AWS access key in Porthole, read from stdin (or asked for on a terminal).')
    .argument('<name>', 'a name for the key, e.g. course-2025')
    .option('--replace', 'replace a key already kept under that name', false)
    .addOption(json())
    .addHelpText(
      'after',
      '\nstdin takes the CSV the AWS console offers for download, aws_access_key_id/aws_secret_access_key\nlines, or the key id and the secret (and a session token) on lines of their own.\n\nExamples:\n  porthole aws credentials add course < course_accessKeys.csv\n  porthole aws credentials add lab            (asks for the key id and the secret)\n  porthole aws instances --credentials course --region eu-central-1',
    )
    .action(async (name: string, options: { replace: boolean; json: boolean }) => {
      await runReported(options.json, async (reporter) => {
        const key = process.stdin.isTTY ? await askForKey() : parseAccessKeyText(await readStdin());
        const entry = await saveAwsAccessKey(await deps.openVault(), name, key, { replace: options.replace });
        reporter.emit(
          { event: 'credentials-added', name: entry.name, accessKeyId: entry.accessKeyId, temporary: entry.temporary },
          `Kept the AWS access key "${entry.name}" (${entry.accessKeyId}) in Porthole's vault. Use it with --credentials ${entry.name}.`,
        );
      });
    });

  credentials
    .command('list')
    .description('List the AWS access keys kept in Porthole (names and masked key ids only).')
    .addOption(json())
    .action(async (options: { json: boolean }) => {
      await runReported(options.json, async (reporter) => {
        const entries = await listAwsAccessKeys(await deps.openVault());
        if (reporter.json) reporter.emit({ event: 'credentials', credentials: entries });
        else if (entries.length === 0) reporter.say('No AWS access keys kept in Porthole. Add one with "porthole aws credentials add NAME".');
        else process.stdout.write(table([['NAME', 'ACCESS KEY', 'KIND'], ...entries.map((e) => [e.name, e.accessKeyId, e.temporary ? 'temporary (session token)' : 'long-term'])]));
      });
    });

  credentials
    .command('remove')
    .description('Remove an AWS access key from Porthole (the key itself stays valid at AWS).')
    .argument('<name>', 'the key name')
    .addOption(json())
    .action(async (name: string, options: { json: boolean }) => {
      await runReported(options.json, async (reporter) => {
        await removeAwsAccessKey(await deps.openVault(), name);
        reporter.emit({ event: 'credentials-removed', name }, `Removed the AWS access key "${name}" from Porthole. To revoke it, deactivate it in the AWS console (IAM, Security credentials).`);
      });
    });

  return credentials;
}

async function askForKey(): Promise<AwsAccessKey> {
  const accessKeyId = await askOnTerminal('AWS access key ID: ', false);
  const secretAccessKey = accessKeyId === null ? null : await askOnTerminal('AWS secret access key (hidden): ', true);
  if (accessKeyId === null || secretAccessKey === null) throw new PortholeError({ code: 'cli.cancelled', message: 'No access key was saved.', hint: 'Run the command again to add it.', retryable: false });
  const sessionToken = /^ASIA/.test(accessKeyId.trim()) ? await askOnTerminal('AWS session token (hidden): ', true) : null;
  return checkAccessKey({ accessKeyId, secretAccessKey, sessionToken: sessionToken ?? undefined });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

