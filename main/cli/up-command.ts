/**
 * `porthole up HOST`: from a saved host's stopped cloud VM to its notebook in the browser.
 * Starts the VM (after waiting for one that is still stopping), waits until it runs and
 * its SSH server greets, then runs the notebook flow of `porthole notebook` (connect ->
 * Jupyter -> forward -> ready -> browser). Every phase is a line: human on stderr, or one
 * JSON object per line on stdout with --json (`{"event":"phase","phase":"starting-vm",
 * "state":"pending"}` ... then notebook's `ready` line). Ctrl-C cancels any phase; with
 * --stop-vm-on-exit (or the host's stop-VM-on-disconnect) the VM is stopped on the way out.
 */
import { Command } from 'commander';
import type { CloudMachine } from '../cloud/provider';
import { PortholeError, toErrorInfo } from '../shared/errors';
import type { BringUpState } from '../session/bring-up-state';
import { machineIdOf, type ResolvedAddress } from '../session/cloud-link';
import type { SessionState } from '../session/notebook-session-state';
import type { VmBringUp } from '../session/bring-up';
import { cloudBringUp, isCloudProfile, providerFor, type CloudProfile } from './cloud-target';
import { JumpProbe } from '../session/jump-probe';
import { connectionFromCli, jumpsFor, resolveTarget, stopSignal } from './connection-options';
import { parseDestination } from './destination';
import { addNotebookOptions, notebookFlow, type NotebookCommandOptions } from './notebook-command';
import { createReporter, type Reporter } from './reporter';
import { openProfileStore } from './stores';

interface UpOptions extends NotebookCommandOptions {
  stopVmOnExit?: boolean;
}

export function upCommand(): Command {
  const command = new Command('up')
    .description("Start a saved cloud host's VM if it is stopped, wait for SSH, then start or reuse Jupyter, forward it and open it in your browser.")
    .argument('<host>', 'the name of a saved host (porthole hosts list)')
    .option('--stop-vm-on-exit', 'stop (AWS) or deallocate (Azure) the VM when this command ends, as the host\'s "stop the VM when I disconnect" does');
  return addNotebookOptions(command).action(async (host: string, options: UpOptions) => {
    process.exitCode = await runUp(host, options);
  });
}

async function runUp(name: string, options: UpOptions): Promise<number> {
  const reporter = createReporter(options.json);
  // First thing: a Ctrl-C from here on cancels the phase it lands in.
  const stop = stopSignal();
  const cancel = new AbortController();
  void stop.then(() => cancel.abort());
  let profile: CloudProfile | null = null;
  let runner: VmBringUp | null = null;
  let code: number;
  try {
    const saved = (await openProfileStore()).get(name);
    if (saved === undefined) {
      throw new PortholeError({ code: 'profiles.not-found', message: `There is no saved host named "${name}".`, hint: 'See porthole hosts list, or add it with porthole hosts add.', retryable: false });
    }
    let at: ResolvedAddress | null = null;
    if (isCloudProfile(saved)) {
      profile = saved;
      // Behind jump hosts, the VM's SSH greeting is looked for from the last of them.
      const jumps = jumpsFor(saved, options, saved.user ?? parseDestination('x').username);
      const probe = jumps.length === 0 ? null : new JumpProbe(() => connectionFromCli({ target: jumps.at(-1)!, jumps: jumps.slice(0, -1), profile: saved }, options, reporter));
      const bringUp = cloudBringUp(saved, await providerFor(saved.cloud), {
        allowStart: true,
        signal: cancel.signal,
        onState: phaseReporter(reporter, saved),
        ...(probe === null ? {} : { probe: (host: string, port: number, signal: AbortSignal) => probe.answers(host, port, signal) }),
      });
      runner = bringUp.runner;
      const done = await bringUp.result.finally(() => probe?.dispose());
      at = { host: done.address, hostKeyAlias: done.hostKeyAlias };
    }
    const resolved = await resolveTarget(saved.name, options, async () => at!);
    const hub = saved.jupyter.hub !== undefined;
    code = await notebookFlow(resolved, options, reporter, stop, {
      onState: (state, previous) => reportSessionPhase(reporter, state, previous, resolved.target, hub),
      onOpenBrowser: () => reporter.emit({ event: 'phase', phase: 'opening-browser' }, 'Opening the notebook in your browser...'),
    });
  } catch (error) {
    const info = toErrorInfo(error);
    if (info.code === 'cloud.cancelled') {
      reporter.emit({ event: 'stopped', signal: await stop }, info.hint ? `Stopped. ${info.hint}` : 'Stopped.');
      code = 0;
    } else {
      reporter.error(info);
      code = 1;
    }
  }
  // The VM was seen (so there is one to stop) and the user or the host asked for it.
  if (profile !== null && runner?.machine != null && (options.stopVmOnExit ?? profile.cloud.stopVmOnDisconnect)) {
    code = Math.max(code, await stopVm(profile, reporter));
  }
  return code;
}

/** The bring-up's states as phase lines: each machine state once, each SSH address once. */
function phaseReporter(reporter: Reporter, profile: CloudProfile): (state: BringUpState, runner: VmBringUp) => void {
  let last = '';
  return (state, runner) => {
    const machine = runner.machine;
    const name = machine === null ? machineIdOf(profile.cloud) : describe(machine);
    if (state.kind === 'starting-vm' && state.machineState !== null) {
      const key = `vm:${state.machineState}`;
      if (key === last) return;
      last = key;
      reporter.emit({ event: 'phase', phase: 'starting-vm', state: state.machineState, machine: machineIdOf(profile.cloud) }, vmLine(name, state.machineState));
    } else if (state.kind === 'waiting-for-ssh') {
      const key = `ssh:${state.address}`;
      if (key === last) return;
      last = key;
      reporter.emit({ event: 'phase', phase: 'waiting-for-ssh', address: state.address, port: profile.port }, `${name} runs; waiting for its SSH server at ${state.address}:${profile.port}...`);
    }
  };
}

function describe(machine: CloudMachine): string {
  return machine.name === machine.id ? machine.id : `${machine.name} (${machine.id})`;
}

function vmLine(name: string, state: string): string {
  switch (state) {
    case 'stopping':
    case 'deallocating':
      return `${name} is still ${state}; waiting for it to stop before starting it...`;
    case 'stopped':
    case 'deallocated':
      return `${name} is ${state}; starting it...`;
    case 'pending':
      return `${name} is starting...`;
    default:
      return `${name} is ${state}.`;
  }
}

/** The notebook session's setup states as phase lines (ready has its own line); `hub`: the VM's own JupyterHub is opened. */
function reportSessionPhase(reporter: Reporter, state: SessionState, previous: SessionState, target: { host: string; port: number; username: string }, hub: boolean): void {
  if (state.kind === previous.kind) return;
  switch (state.kind) {
    case 'connecting':
      if (previous.kind === 'awaiting-user') return;
      reporter.emit({ event: 'phase', phase: 'connecting', address: target.host, port: target.port, user: target.username }, `Connecting to ${target.username}@${target.host}:${target.port}...`);
      return;
    case 'locating':
      reporter.emit({ event: 'phase', phase: 'starting-jupyter', step: 'locating' }, hub ? "Using the VM's own JupyterHub..." : 'Looking for Jupyter on the VM...');
      return;
    case 'starting':
      reporter.emit({ event: 'phase', phase: 'starting-jupyter', step: 'starting', reusing: state.reusing }, hub ? undefined : state.reusing ? 'Reusing the Jupyter server already running...' : 'Starting Jupyter...');
      return;
    case 'forwarding':
      reporter.emit({ event: 'phase', phase: 'starting-jupyter', step: 'forwarding' }, hub ? "Forwarding the hub's port to this computer..." : 'Forwarding the notebook to this computer...');
      return;
    case 'probing':
      reporter.emit({ event: 'phase', phase: 'starting-jupyter', step: 'probing' }, hub ? 'Checking that the hub answers...' : 'Checking that the notebook answers...');
      return;
    default:
      return;
  }
}

/** Stops (AWS) or deallocates (Azure) the VM and waits until it has; exit code 0, or 1 when the cloud refused. */
async function stopVm(profile: CloudProfile, reporter: Reporter): Promise<number> {
  const verb = profile.cloud.provider === 'aws' ? 'Stopping' : 'Deallocating';
  try {
    const provider = await providerFor(profile.cloud);
    let last = '';
    const machine = await provider.stop(machineIdOf(profile.cloud), {
      onProgress: (m) => {
        if (m.state === last) return;
        last = m.state;
        // The final state has its own line below.
        const done = m.state === 'stopped' || m.state === 'deallocated';
        reporter.emit({ event: 'phase', phase: 'stopping-vm', state: m.state, machine: m.id }, done ? undefined : `${verb} ${describe(m)}: ${m.state}...`);
      },
    });
    reporter.emit({ event: 'vm-stopped', state: machine.state, machine: machine.id }, `${describe(machine)} is ${machine.state}.`);
    return 0;
  } catch (error) {
    const info = toErrorInfo(error);
    reporter.error({ ...info, message: `The VM was not stopped: ${info.message}`, hint: `${info.hint ? `${info.hint} ` : ''}It keeps running (and costing money) until you stop it.` });
    return 1;
  }
}
