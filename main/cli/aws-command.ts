/**
 * `porthole aws`: list, start and stop EC2 instances, and keep AWS access keys in the vault.
 * Credentials are found as the AWS CLI finds them (--profile, AWS_PROFILE, the environment,
 * SSO), or come from the vault (--credentials NAME); AWS_ENDPOINT_URL_EC2 and
 * AWS_ENDPOINT_URL are honoured as the AWS CLI honours them. With --json every event is one
 * JSON line on stdout; otherwise `instances` prints a table on stdout and everything else
 * short lines on stderr. Exit codes: 0 done, 1 failed, 130 interrupted (Ctrl-C).
 */
import { Command, Option } from 'commander';
import { PortholeError } from '../shared/errors';
import { addressOf, describeAccount, type CloudAccount, type CloudMachine, type CloudProvider } from '../cloud/provider';
// Not the aws/ index: the SDK client takes half a second to load, which no other command should pay.
import { listAwsProfiles, type AwsProfileListing } from '../cloud/aws/profiles';
import { isAwsRegionId } from '../cloud/aws/regions';
import type { createAwsProvider as CreateAwsProvider } from '../cloud/aws/aws-provider';
import type { SecretStore } from '../secrets';
import { awsCredentialsCommand } from './aws-credentials-command';
import { positiveInt, stopSignal } from './connection-options';
import { table } from './table';
import { runReported } from './reporter';

export interface AwsCommandDeps {
  readonly openVault: () => Promise<SecretStore>;
}

interface AccountOptions {
  profile?: string;
  credentials?: string;
  region?: string;
  json: boolean;
}

interface WaitOptions extends AccountOptions {
  wait: boolean;
  timeout: number;
}

const EXAMPLES = {
  instances: '\nExamples:\n  porthole aws instances --region eu-central-1\n  porthole aws instances --profile course --json\n  porthole aws instances --credentials lab-key --region us-east-1',
  start: '\nExamples:\n  porthole aws start i-0123456789abcdef0 --profile course\n  porthole aws start i-0123456789abcdef0 --no-wait --json',
  stop: '\nExamples:\n  porthole aws stop i-0123456789abcdef0 --profile course\n  porthole aws stop i-0123456789abcdef0 --json',
};

export function awsCommand(deps: AwsCommandDeps): Command {
  const aws = new Command('aws').description('AWS EC2: list, start and stop your instances; keep access keys in Porthole.');

  withAccountOptions(aws.command('instances'))
    .description('List the EC2 instances of an account in one region (terminated ones left out).')
    .addHelpText('after', EXAMPLES.instances)
    .action(async (options: AccountOptions) => {
      await runReported(options.json, async (reporter) => {
        const { provider, account } = await providerFor(options, deps);
        const machines = await provider.listMachines();
        if (reporter.json) {
          reporter.emit({ event: 'instances', account: describeAccount(account), region: account.region, instances: machines });
          return;
        }
        if (machines.length === 0) {
          reporter.say(`No instances in ${account.region} for ${describeAccount(account)}.`);
          return;
        }
        process.stdout.write(instanceTable(machines));
      });
    });

  withWaitOptions(withAccountOptions(aws.command('start')))
    .description('Start an instance and wait until it runs; prints each state it passes and the new address.')
    .argument('<id>', 'the instance id, i-…')
    .addHelpText('after', EXAMPLES.start)
    .action(async (id: string, options: WaitOptions) => {
      await runWait(options, deps, 'start', id);
    });

  withWaitOptions(withAccountOptions(aws.command('stop')))
    .description('Stop an instance (it stops billing for compute; its disk stays) and wait until it has stopped.')
    .argument('<id>', 'the instance id, i-…')
    .addHelpText('after', EXAMPLES.stop)
    .action(async (id: string, options: WaitOptions) => {
      await runWait(options, deps, 'stop', id);
    });

  aws
    .command('profiles')
    .description('List the AWS CLI profiles Porthole can use (from ~/.aws/config and ~/.aws/credentials).')
    .option('--json', 'print one JSON object on stdout', false)
    .action(async (options: { json: boolean }) => {
      await runReported(options.json, async (reporter) => {
        const listing = await listAwsProfiles();
        if (reporter.json) {
          reporter.emit({ event: 'profiles', ...listing });
          return;
        }
        if (listing.profiles.length === 0) reporter.say(`No AWS profiles in ${listing.configFile} or ${listing.credentialsFile}.`);
        else process.stdout.write(table([['PROFILE', 'CREDENTIALS', 'REGION'], ...listing.profiles.map((p) => [p.name, p.kind, p.region ?? '-'])]));
        if (listing.environmentCredentials) reporter.say('AWS_ACCESS_KEY_ID is set: without --profile, Porthole uses the environment’s key first.');
      });
    });

  aws.addCommand(awsCredentialsCommand(deps));
  return aws;
}

function withAccountOptions(command: Command): Command {
  return command
    .addOption(new Option('--profile <name>', 'AWS CLI profile (default: AWS_PROFILE, else the environment and the default profile)').conflicts('credentials'))
    .option('--credentials <name>', 'an access key kept in Porthole (see porthole aws credentials list)')
    .option('--region <region>', 'AWS region, e.g. eu-central-1 (default: AWS_REGION, else the profile’s region)')
    .option('--json', 'print one JSON object per line on stdout', false);
}

function withWaitOptions(command: Command): Command {
  return command.option('--no-wait', 'return once AWS accepted the request, without waiting').addOption(new Option('--timeout <seconds>', 'how long to wait at most').default(600).argParser(positiveInt));
}

/** The CLI's account: --credentials or --profile (else the default chain), and a region from the flags, the environment or the profile. */
async function accountFrom(options: AccountOptions): Promise<CloudAccount & { provider: 'aws' }> {
  const listing: AwsProfileListing | null = options.region === undefined ? await listAwsProfiles() : null;
  const profileRegion = listing?.profiles.find((p) => p.name === (options.profile ?? listing.defaultProfile))?.region ?? null;
  const region = options.region ?? (process.env['AWS_REGION'] || process.env['AWS_DEFAULT_REGION'] || profileRegion);
  if (!region) {
    throw new PortholeError({ code: 'aws.region-missing', message: 'Which AWS region? None was given, and the profile names none.', hint: 'Add --region, e.g. --region eu-central-1 (or set AWS_REGION).', retryable: false });
  }
  if (!isAwsRegionId(region)) {
    throw new PortholeError({ code: 'aws.invalid-region', message: `"${region}" is not an AWS region.`, hint: 'Regions look like eu-central-1 or us-east-1.', retryable: false });
  }
  if (options.credentials !== undefined) return { provider: 'aws', profile: null, region, vaultCredential: options.credentials };
  return { provider: 'aws', profile: options.profile ?? null, region };
}

async function providerFor(options: AccountOptions, deps: AwsCommandDeps): Promise<{ provider: CloudProvider; account: CloudAccount & { provider: 'aws' } }> {
  // The SDK warns on stderr, on every run under Node 20, that its 2027 releases will need Node 22:
  // nothing a Porthole user can act on (the app itself runs on Electron's newer Node).
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const account = await accountFrom(options);
  // Loaded on first use (see the imports): a require, as import() would bypass the CommonJS hook bin/porthole.js runs under.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createAwsProvider } = require('../cloud/aws/aws-provider') as { createAwsProvider: typeof CreateAwsProvider };
  return { account, provider: createAwsProvider(account, { secrets: deps.openVault }) };
}

async function runWait(options: WaitOptions, deps: AwsCommandDeps, verb: 'start' | 'stop', id: string): Promise<void> {
  const abort = new AbortController();
  let interrupted = false;
  void stopSignal().then(() => {
    interrupted = true;
    abort.abort();
  });
  await runReported(options.json, async (reporter) => {
    const { provider } = await providerFor(options, deps);
    let lastState: string | null = null;
    const onProgress = (machine: CloudMachine) => {
      if (machine.rawState === lastState) return;
      if (lastState === null) reporter.say(`Asked AWS to ${verb} ${label(machine)}.`);
      lastState = machine.rawState;
      const address = addressOf(machine);
      reporter.emit(
        { event: 'state', id: machine.id, name: machine.name, state: machine.state, rawState: machine.rawState, publicIp: machine.publicIp },
        `${machine.name}: ${machine.rawState}${machine.state === 'running' && address ? ` at ${address}` : ''}`,
      );
    };
    const call = { signal: abort.signal, onProgress, wait: options.wait, timeoutMs: options.timeout * 1000 };
    try {
      const machine = verb === 'start' ? await provider.start(id, call) : await provider.stop(id, call);
      if (!options.wait) {
        reporter.emit({ event: `${verb}-requested`, machine }, `AWS accepted; ${machine.name} is ${machine.rawState}. See it with "porthole aws instances".`);
      } else if (verb === 'start') {
        const address = addressOf(machine);
        reporter.emit({ event: 'running', machine, address }, `${label(machine)} is running${address ? ` at ${address}` : ''}${machine.defaultUser && address ? `; log in as ${machine.defaultUser} (ssh ${machine.defaultUser}@${address})` : ''}.`);
      } else {
        reporter.emit({ event: 'stopped', machine }, `${label(machine)} has stopped; it no longer bills for compute (its disk still does).`);
      }
    } catch (error) {
      if (interrupted) {
        throw new PortholeError({
          code: 'cloud.cancelled',
          message: `Stopped waiting for ${id}.`,
          hint: `If AWS got the ${verb} request, the instance keeps ${verb === 'start' ? 'starting' : 'stopping'} all the same; see it with "porthole aws instances".`,
          retryable: true,
        });
      }
      throw error;
    }
  });
  if (interrupted) process.exitCode = 130;
}

function label(machine: CloudMachine): string {
  return machine.name === machine.id ? machine.id : `${machine.name} (${machine.id})`;
}

function instanceTable(machines: readonly CloudMachine[]): string {
  return table([
    ['NAME', 'ID', 'STATE', 'TYPE', 'PUBLIC IP', 'KEY', 'USER'],
    ...machines.map((m) => [m.name, m.id, m.rawState, m.instanceType, m.publicIp ?? '-', m.keyName ?? '-', m.defaultUser ?? '?']),
  ]);
}
