/**
 * `porthole azure`: the VMs of an Azure subscription, and starting and deallocating them.
 * Stop is always deallocate: a VM that is only "stopped" keeps billing its compute.
 *
 * Signs in with the Azure CLI's login (`az login`); without one, and with a person at the
 * terminal, in the browser or with a device code (Porthole says which). With --json every
 * command prints one JSON object per line on stdout (`error` lines carry `code`); exit codes:
 * 0 done, 1 failed, 130/143 when Ctrl-C / SIGTERM stopped the wait (Azure goes on).
 */
import { Command, Option } from 'commander';
import type * as AzureModule from '../cloud/azure';
import { addressOf, billsCompute, type CloudMachine, type CloudProvider } from '../cloud/provider';
import { PortholeError, toErrorInfo } from '../shared/errors';
import { stopSignal } from './connection-options';
import { createReporter, type Reporter } from './reporter';

/** The Azure SDKs take over half a second to load: only `porthole azure …` pays for them. */
function loadAzure(): typeof AzureModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load; import() of a .ts module does not work under tsx/cjs (bin/porthole.js)
  return require('../cloud/azure') as typeof AzureModule;
}

interface CommonOptions {
  subscription?: string;
  json: boolean;
}

interface OperationOptions extends CommonOptions {
  wait: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const KNOWN_IMAGE_NOTE: Readonly<Record<string, string>> = {
  'azure-dsvm': 'Data Science VM: JupyterHub on https://…:8000',
  tljh: 'The Littlest JupyterHub on port 80',
};

export function azureCommand(): Command {
  const azure = new Command('azure')
    .description('Your Azure VMs: list them with their power state, start them, deallocate them (so they stop billing).')
    .addHelpText(
      'after',
      [
        '',
        'Porthole signs in with the Azure CLI\'s login (run `az login` once). Without it, and with you at the',
        'terminal, Porthole opens your browser to sign in (or shows a code to enter at microsoft.com/devicelogin).',
        '',
        '"Stopped" VMs still bill for compute; "deallocated" ones do not. `porthole azure deallocate` always deallocates.',
        '',
        'Examples:',
        '  porthole azure subscriptions',
        '  porthole azure vms --subscription "Data Science course"',
        '  porthole azure start course-rg/gpu-01',
        '  porthole azure deallocate course-rg/gpu-01 --json',
      ].join('\n'),
    );
  const subscriptionOption = () => new Option('--subscription <id-or-name>', 'the subscription (default: AZURE_SUBSCRIPTION_ID, or the only one your account sees)');
  const jsonOption = () => new Option('--json', 'print one JSON object per line on stdout').default(false);

  azure
    .command('subscriptions')
    .description('List the subscriptions your Azure account can see.')
    .addOption(jsonOption())
    .addHelpText('after', '\nExample:\n  porthole azure subscriptions --json')
    .action(async (options: { json: boolean }) => {
      await run(options.json, async (reporter, signIn) => {
        const subscriptions = await loadAzure().listAzureSubscriptions({ credential: signIn });
        if (reporter.json) {
          reporter.emit({ event: 'subscriptions', subscriptions });
          return;
        }
        if (subscriptions.length === 0) {
          reporter.say('Your Azure account sees no subscriptions.');
          return;
        }
        process.stdout.write(table(['SUBSCRIPTION', 'NAME', 'STATE'], subscriptions.map((s) => [s.subscriptionId, s.displayName, s.state])));
      });
    });

  azure
    .command('vms')
    .description('List the VMs of a subscription with their power state, size, address and login user.')
    .addOption(subscriptionOption())
    .addOption(jsonOption())
    .addHelpText('after', '\nExamples:\n  porthole azure vms\n  porthole azure vms --subscription c0ffee00-0000-4000-8000-000000000001 --json')
    .action(async (options: CommonOptions) => {
      await run(options.json, async (reporter, signIn) => {
        const { provider, subscriptionId } = await providerFor(options, reporter, signIn);
        const machines = await provider.listMachines();
        if (reporter.json) {
          reporter.emit({ event: 'vms', subscriptionId, vms: machines.map((m) => ({ ...m, billsCompute: billsCompute(m.state, m.provider) })) });
          return;
        }
        if (machines.length === 0) {
          reporter.say(`No VMs in subscription ${subscriptionId}.`);
          return;
        }
        process.stdout.write(vmTable(machines));
        reporter.say(`${machines.length} VM${machines.length === 1 ? '' : 's'} in subscription ${subscriptionId}.`);
        reporter.say('"stopped" VMs still bill for compute; "deallocated" ones do not. Deallocate with: porthole azure deallocate RESOURCE-GROUP/VM-NAME');
      });
    });

  const operation = (kind: 'start' | 'deallocate') =>
    azure
      .command(kind)
      .description(
        kind === 'start'
          ? 'Start a VM and wait until it runs and has its address.'
          : 'Deallocate a VM (stop it so it no longer bills for compute) and wait until it is deallocated.',
      )
      .argument('<resource-group/vm-name>', 'the VM, as `porthole azure vms` lists it')
      .addOption(subscriptionOption())
      .option('--no-wait', 'return as soon as Azure accepted the request')
      .addOption(jsonOption())
      .addHelpText('after', `\nExamples:\n  porthole azure ${kind} course-rg/gpu-01\n  porthole azure ${kind} course-rg/gpu-01 --subscription "Data Science course" --no-wait --json`)
      .action(async (id: string, options: OperationOptions) => {
        await run(options.json, async (reporter, signIn) => {
          loadAzure().parseMachineId(id);
          const { provider, subscriptionId } = await providerFor(options, reporter, signIn);
          await operate(kind, provider, id, subscriptionId, options, reporter);
        });
      });
  operation('start');
  operation('deallocate');
  return azure;
}

/** Runs one subcommand: errors become a reported error and exit code 1 (130/143 for a stopped wait). */
async function run(json: boolean, body: (reporter: Reporter, signIn: AzureModule.AzureSignIn) => Promise<void>): Promise<void> {
  const reporter = createReporter(json);
  const { AzureSignIn } = loadAzure();
  const signIn = new AzureSignIn({
    // Asking to sign in needs a person at the terminal; scripts get azure.login-required.
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    onSignIn: (step) => {
      if (step.kind === 'browser') reporter.emit({ event: 'sign-in', method: 'browser' }, 'The Azure CLI is not signed in here: opening your browser to sign in to Azure…');
      else if (step.kind === 'device-code') reporter.emit({ event: 'sign-in', method: 'device-code', url: step.url, code: step.code }, step.message);
      else if (step.method !== 'azure-cli') reporter.emit({ event: 'signed-in', method: step.method }, 'Signed in to Azure.');
    },
  });
  try {
    await body(reporter, signIn);
    process.exitCode = 0;
  } catch (error) {
    if (error instanceof StoppedWaiting) {
      process.exitCode = error.signal === 'SIGINT' ? 130 : 143;
      return;
    }
    reporter.error(toErrorInfo(error));
    process.exitCode = 1;
  }
}

/** The subscription: --subscription (an id, or a name looked up), AZURE_SUBSCRIPTION_ID, or the only one there is. */
async function providerFor(options: CommonOptions, reporter: Reporter, signIn: AzureModule.AzureSignIn): Promise<{ provider: CloudProvider; subscriptionId: string }> {
  const azure = loadAzure();
  const wanted = options.subscription?.trim() || process.env['AZURE_SUBSCRIPTION_ID']?.trim() || undefined;
  let subscriptionId = wanted !== undefined && GUID.test(wanted) ? wanted : undefined;
  if (subscriptionId === undefined) {
    const all = await azure.listAzureSubscriptions({ credential: signIn });
    const usable = all.filter((s) => s.state === 'Enabled' || s.state === 'Warned' || s.state === 'PastDue');
    const match = wanted === undefined ? (usable.length === 1 ? usable[0] : undefined) : all.find((s) => s.displayName.toLowerCase() === wanted.toLowerCase());
    if (!match) throw subscriptionRequired(wanted, all);
    if (wanted === undefined) reporter.say(`Using subscription "${match.displayName}" (${match.subscriptionId}), the only one your account can use.`);
    subscriptionId = match.subscriptionId;
  }
  return { provider: azure.createAzureProvider({ provider: 'azure', subscriptionId }, { credential: signIn }), subscriptionId };
}

function subscriptionRequired(wanted: string | undefined, all: readonly AzureModule.AzureSubscription[]): PortholeError {
  const list = all.map((s) => `${s.subscriptionId} (${s.displayName}, ${s.state})`).join('; ');
  return new PortholeError({
    code: 'azure.subscription-required',
    message:
      wanted !== undefined
        ? `Your Azure account has no subscription named "${wanted}".`
        : all.length === 0
          ? 'Your Azure account sees no subscription.'
          : `Your Azure account sees ${all.length} subscriptions; Porthole needs to know which one.`,
    hint: all.length === 0 ? 'Sign in with the account that has your VMs (`az login`).' : `Give --subscription ID (or set AZURE_SUBSCRIPTION_ID): ${list}.`,
    retryable: false,
  });
}

/** Thrown when Ctrl-C / SIGTERM ended a wait: the command says so and exits 130/143, not as a failure. */
class StoppedWaiting extends Error {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super('stopped waiting');
  }
}

async function operate(kind: 'start' | 'deallocate', provider: CloudProvider, id: string, subscriptionId: string, options: OperationOptions, reporter: Reporter): Promise<void> {
  const controller = new AbortController();
  let stoppedBy: 'SIGINT' | 'SIGTERM' | null = null;
  void stopSignal().then((signal) => {
    stoppedBy = signal;
    controller.abort();
  });
  reporter.emit(
    { event: kind === 'start' ? 'starting' : 'deallocating', id, subscriptionId },
    kind === 'start' ? `Starting ${id} (subscription ${subscriptionId})…` : `Deallocating ${id} (subscription ${subscriptionId}); a plain "stop" would keep billing its compute…`,
  );
  const onProgress = (machine: CloudMachine) => reporter.emit({ event: 'progress', id, state: machine.state, machine }, `  ${id}: ${stateWords(machine)}`);
  const call = { wait: options.wait, signal: controller.signal, onProgress };
  let machine: CloudMachine;
  try {
    machine = kind === 'start' ? await provider.start(id, call) : await provider.stop(id, call);
  } catch (error) {
    if (stoppedBy !== null && error instanceof PortholeError && error.code === 'cloud.cancelled') {
      reporter.emit({ event: 'stopped-waiting', id, signal: stoppedBy }, `Stopped waiting. Azure goes on ${kind === 'start' ? 'starting' : 'deallocating'} ${id}; see where it is with: porthole azure vms`);
      throw new StoppedWaiting(stoppedBy);
    }
    throw error;
  }
  if (!options.wait) {
    reporter.emit({ event: 'accepted', id, machine }, `Azure accepted the request; ${id} is ${stateWords(machine)}. See where it is with: porthole azure vms`);
  } else if (kind === 'start') {
    const address = addressOf(machine);
    reporter.emit(
      { event: 'running', id, machine },
      `${id} is running at ${address}${machine.defaultUser ? ` (ssh ${machine.defaultUser}@${address})` : ''}. It bills for compute until you deallocate it: porthole azure deallocate ${id}`,
    );
  } else {
    reporter.emit({ event: 'deallocated', id, machine }, `${id} is deallocated: it no longer bills for compute (its disks still do).`);
  }
}

/** A state as the table and progress lines say it; "stopped" always with its cost. */
function stateWords(machine: CloudMachine): string {
  const address = addressOf(machine);
  switch (machine.state) {
    case 'pending':
      return 'starting';
    case 'running':
      return address ? `running at ${address}` : 'running';
    case 'stopped':
      return 'stopped (still billed)';
    default:
      return machine.state;
  }
}

function vmTable(machines: readonly CloudMachine[]): string {
  return table(
    ['VM', 'STATE', 'SIZE', 'REGION', 'ADDRESS', 'USER', ''],
    machines.map((m) => [
      m.id,
      m.state === 'stopped' ? 'stopped (still billed)' : m.state === 'pending' ? 'starting' : m.state,
      m.instanceType,
      m.region,
      tableAddress(m),
      m.defaultUser ?? '-',
      [m.platform === 'windows' ? 'Windows' : '', m.knownImage ? (KNOWN_IMAGE_NOTE[m.knownImage] ?? '') : ''].filter(Boolean).join(', '),
    ]),
  );
}

/** The public address, else the private one marked as such (reachable only from the VM's network or a VPN). */
function tableAddress(machine: CloudMachine): string {
  const publicAddress = machine.publicIp ?? machine.publicDns;
  if (publicAddress) return publicAddress;
  return machine.privateIp ? `${machine.privateIp} (private)` : '-';
}

/** Left-aligned columns, two spaces apart, no trailing blanks. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].map((text) => `${text}\n`).join('');
}
