/** The `porthole` command: the same engine as the app, for scripts and headless use. */
import { Command } from 'commander';
import { azureCommand } from './cli/azure-command';
import { forwardCommand } from './cli/forward-command';
import { notebookCommand } from './cli/notebook-command';
import { hostsCommand } from './cli/hosts-command';
import { keysCommand } from './cli/keys-command';
import { upCommand } from './cli/up-command';
import { awsCommand } from './cli/aws-command';
import { openKeyStore, openProfileStore, openVault } from './cli/stores';

export function buildProgram(): Command {
  return new Command('porthole')
    .description('Porthole: SSH tunnels to Jupyter on your cloud VM, without PuTTY or ssh -L.')
    .version(process.env['npm_package_version'] ?? '0.1.0')
    .addCommand(forwardCommand())
    .addCommand(notebookCommand())
    .addCommand(upCommand())
    .addCommand(hostsCommand({ openProfileStore }))
    .addCommand(keysCommand({ openKeyStore }))
    .addCommand(awsCommand({ openVault }))
    .addCommand(azureCommand())
    .showHelpAfterError();
}

export async function main(argv: readonly string[] = process.argv): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`porthole: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
}
