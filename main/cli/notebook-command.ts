/** `porthole notebook`: one command from "my VM" to "Jupyter open in my browser". */
import { Command, Option } from 'commander';
import { PortholeError, toErrorInfo } from '../shared/errors';
import type { EnvChoice } from '../jupyter/remote-scripts';
import { prepareBrowserHandoff, type HandoffOutcome } from '../session/browser-handoff';
import { HubSession } from '../session/hub-session';
import { NotebookSession, type NotebookEngine } from '../session/notebook-session';
import { notebookPasswordId } from '../session/secret-ids';
import type { SessionState } from '../session/notebook-session-state';
import { addConnectionOptions, connectionFromCli, positiveInt, resolveTarget, stopSignal, type ConnectionCliOptions, type ResolvedTarget } from './connection-options';
import { openVault } from './stores';
import { openInBrowser } from './open-browser';
import { connectionFailureReporter, createReporter, type Reporter } from './reporter';

export interface NotebookCommandOptions extends ConnectionCliOptions {
  localPort?: number;
  dir?: string;
  flavour?: 'lab' | 'notebook' | 'server' | 'auto';
  condaEnv?: string;
  python?: string;
  passwordStdin: boolean;
  open: boolean;
  stopOnExit?: boolean;
}

export function notebookCommand(): Command {
  const command = new Command('notebook')
    .description('Start Jupyter on the remote (or reuse the running one), forward it, and open it in your browser.')
    .argument('<destination>', 'user@host[:port], or the name of a saved host');
  return addNotebookOptions(command).action(async (destination: string, options: NotebookCommandOptions) => {
    process.exitCode = await runNotebook(destination, options);
  });
}

/** The notebook's options and the SSH ones, for every command that ends in a notebook (`notebook`, `up`). */
export function addNotebookOptions(command: Command): Command {
  command
    .addOption(new Option('--local-port <n>', 'local port to serve the notebook on (default: the remote port, or the next free one)').argParser(positiveInt))
    .option('--dir <remote-dir>', 'folder on the remote to open (default: your home folder)')
    .addOption(new Option('--flavour <flavour>', 'which Jupyter to run (default: auto, Lab if installed)').choices(['lab', 'notebook', 'server', 'auto']))
    .addOption(new Option('--conda-env <name>', 'use Jupyter from this conda environment').conflicts('python'))
    .option('--python <path>', 'use Jupyter from this Python (a venv\'s bin/python, for example)')
    .option('--password-stdin', 'password mode: read the notebook password from stdin instead of using a token', false)
    .option('--no-open', 'do not open the browser')
    .option('--stop-on-exit', 'stop the Jupyter server when this command ends (default: keep it running)');
  return addConnectionOptions(command);
}

/** Where a notebook password is kept in the vault: per saved host, or per user@host:port. */
function passwordId(resolved: ResolvedTarget): string {
  const { target, profile } = resolved;
  return notebookPasswordId(profile ? { profileName: profile.name } : target);
}

/**
 * Password mode: a password from stdin is used and kept in the vault (OS keychain) for
 * next time; a saved host in password mode reads it back from there.
 */
async function notebookPassword(options: NotebookCommandOptions, resolved: ResolvedTarget, reporter: Reporter): Promise<string | null> {
  if (options.passwordStdin) {
    const password = await readPasswordFromStdin();
    try {
      await (await openVault()).set(passwordId(resolved), password);
    } catch (error) {
      const info = toErrorInfo(error);
      reporter.say(`The password was not saved (${info.message}); it is used for this session only.`);
    }
    return password;
  }
  if (resolved.profile?.jupyter.auth !== 'password') return null;
  const saved = await (await openVault()).get(passwordId(resolved));
  if (saved === null) {
    throw new PortholeError({ code: 'jupyter.password-missing', message: `The host "${resolved.profile.name}" uses a notebook password, and none is saved yet.`, hint: 'Give it once with --password-stdin; Porthole keeps it in your keychain-protected vault.', retryable: false });
  }
  return saved.toString('utf8');
}

async function readPasswordFromStdin(): Promise<string> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const password = input.split(/\r?\n/)[0] ?? '';
  if (password.length === 0) {
    throw new PortholeError({ code: 'cli.empty-password', message: 'No password arrived on stdin.', hint: 'Pipe it in, for example: printf %s "$PASS" | porthole notebook ... --password-stdin', retryable: false });
  }
  return password;
}

async function runNotebook(destination: string, options: NotebookCommandOptions): Promise<number> {
  const reporter = createReporter(options.json);
  const stop = stopSignal();
  try {
    return await notebookFlow(await resolveTarget(destination, options), options, reporter, stop);
  } catch (error) {
    reporter.error(toErrorInfo(error));
    return 1;
  }
}

export interface NotebookFlowHooks {
  /** Every state of the notebook session, as it changes (`porthole up` prints them as phases). */
  readonly onState?: (state: SessionState, previous: SessionState) => void;
  /** Just before the browser is opened. */
  readonly onOpenBrowser?: () => void;
}

/**
 * Connect -> Jupyter -> forward -> ready line -> browser, then run until Ctrl-C / SIGTERM
 * (or the session ends): the one notebook flow, for `notebook` and `up`. Returns the exit
 * code; failures before ready are thrown (as PortholeErrors), after stopping what started.
 */
export async function notebookFlow(resolved: ResolvedTarget, options: NotebookCommandOptions, reporter: Reporter, stop: Promise<'SIGINT' | 'SIGTERM'>, hooks: NotebookFlowHooks = {}): Promise<number> {
  let session: NotebookEngine | null = null;
  try {
    const saved = resolved.profile?.jupyter;
    // A saved host whose VM runs its own JupyterHub: that is opened, and no Jupyter is started.
    const hub = saved?.hub;
    const password = hub === undefined ? await notebookPassword(options, resolved, reporter) : null;
    const env: EnvChoice = options.condaEnv ? { kind: 'conda', name: options.condaEnv } : options.python ? { kind: 'python', path: options.python } : (saved?.env ?? { kind: 'auto' });
    const connection = await connectionFromCli(resolved, options, reporter);
    const localPort = options.localPort ?? saved?.localPort ?? null;
    const live: NotebookEngine =
      hub !== undefined
        ? new HubSession(connection, { port: hub.port, scheme: hub.scheme, localPort, onConnectionError: connectionFailureReporter(reporter) })
        : new NotebookSession(connection, {
            flavour: options.flavour ?? saved?.flavour ?? 'auto',
            env,
            rootDir: options.dir ?? saved?.rootDir ?? null,
            password,
            localPort,
            stopServerOnClose: options.stopOnExit ?? saved?.stopOnDisconnect ?? false,
          });
    session = live;
    const ended = new Promise<{ code: number }>((resolve) => {
      live.onStateChange((state, previous) => {
        hooks.onState?.(state, previous);
        report(reporter, state, previous, resolve);
      });
    });

    const first = await Promise.race([live.start().then((notebook) => ({ notebook })), stop.then((signal) => ({ signal }))]);
    if ('signal' in first) {
      await live.stop();
      reporter.emit({ event: 'stopped', signal: first.signal }, 'Stopped.');
      return 0;
    }
    const { notebook } = first;
    if (notebook.hub !== undefined) {
      reportHubReady(reporter, notebook.url, notebook.localPort, notebook.remotePort, notebook.hub);
    } else {
      // In password mode the token Porthole set for its own API calls would be a second,
      // full-access credential next to the password: scripts get only the password's word.
      const credential = password === null ? { token: live.token } : {};
      reporter.emit(
        { event: 'ready', url: notebook.url, localPort: notebook.localPort, remotePort: notebook.remotePort, ...credential, password: password !== null, serverPid: notebook.serverPid, reused: notebook.reused, flavour: notebook.flavour, version: notebook.version },
        `Jupyter ${notebook.flavour} ${notebook.version ?? ''} is ready at ${notebook.url}${notebook.reused ? ' (already running, reused)' : ''}. Press Ctrl-C to close the tunnel${options.stopOnExit ? ' and stop Jupyter' : '; Jupyter keeps running on the remote'}.`,
      );
    }
    if (options.open) {
      const target = live.browserUrl();
      if (target) {
        hooks.onOpenBrowser?.();
        const handoff = await prepareBrowserHandoff(target);
        openInBrowser(handoff.openTarget);
        void handoff.outcome.then((outcome) => reportHandoff(reporter, outcome));
      }
    }
    const outcome = await Promise.race([stop.then((signal) => ({ signal })), ended]);
    await live.stop();
    reportLeftRunning(reporter, live);
    if ('signal' in outcome) {
      reporter.emit({ event: 'stopped', signal: outcome.signal }, 'Stopped.');
      return 0;
    }
    return outcome.code;
  } catch (error) {
    await session?.stop();
    throw error;
  }
}

/** The VM's own JupyterHub is reachable here: where, and why the browser may warn about its certificate. */
function reportHubReady(reporter: Reporter, url: string, localPort: number, remotePort: number, hub: { scheme: 'http' | 'https'; certificateNote: string | null }): void {
  reporter.emit(
    { event: 'ready', url, localPort, remotePort, hub: true, scheme: hub.scheme, certificateNote: hub.certificateNote },
    `The VM's JupyterHub is ready at ${url} (its port ${remotePort}); sign in there as usual. Press Ctrl-C to close the tunnel; the hub keeps running on the VM.${hub.certificateNote === null ? '' : `\n${hub.certificateNote}`}`,
  );
}

/** Asked to stop Jupyter but the link was down: say that it still runs, and where. */
function reportLeftRunning(reporter: Reporter, session: NotebookEngine): void {
  const left = session.leftRunning;
  if (left === null || left.reason !== 'unreachable') return;
  reporter.emit(
    { event: 'server-left-running', server: left.server, pid: left.pid, remotePort: left.remotePort, rootDir: left.rootDir },
    `The connection was down, so Jupyter could not be stopped: it keeps running on ${left.server} (pid ${left.pid}, port ${left.remotePort}, folder ${left.rootDir}).`,
  );
}

/** Events after ready: reconnects, the server going away, a failure. */
function report(reporter: Reporter, state: SessionState, previous: SessionState, end: (outcome: { code: number }) => void): void {
  if (state.kind === 'reconnecting' && previous.kind !== 'reconnecting') {
    reporter.emit({ event: 'reconnecting', attempt: state.attempt, delayMs: state.delayMs, code: state.error.code, message: state.error.message }, `${state.error.message} Reconnecting...`);
  } else if (state.kind === 'ready' && state.reconnected && previous.kind === 'reconnecting') {
    reporter.emit({ event: 'reconnected', url: state.notebook.url, localPort: state.notebook.localPort }, `Reconnected: ${state.notebook.url} works again.`);
  } else if (state.kind === 'server-stopped') {
    reporter.error({ code: 'jupyter.server-stopped', message: `Jupyter (pid ${state.notebook.serverPid}) stopped on the remote.`, hint: 'Run the command again to start a new server.', retryable: true });
    end({ code: 3 });
  } else if (state.kind === 'failed' && previous.kind !== 'idle' && ['ready', 'reconnecting'].includes(previous.kind)) {
    reporter.error(state.error);
    end({ code: 1 });
  }
}

/** Says when the browser handoff was reached by something other than the browser, or by nobody. */
function reportHandoff(reporter: Reporter, outcome: HandoffOutcome): void {
  const human =
    outcome === 'other'
      ? 'Warning: something other than your browser contacted the one-time browser address first. It was turned away (it lacked the secret from your private file), but another program or user on this computer may be probing for your notebook.'
      : outcome === 'expired'
        ? 'Your browser did not pick up the notebook within 60 s. Run the command again, or use --no-open.'
        : undefined;
  reporter.emit({ event: 'browser-handoff', outcome }, human);
}
