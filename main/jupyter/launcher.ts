/**
 * Finds, reuses, starts and stops Jupyter on the remote over an SSH connection. Reads the
 * real port and token from Jupyter's own runtime files (never by scraping its log), keeps
 * the token out of every command line, and leaves nothing behind but the server's files.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from 'ssh2';
import { PortholeError } from '../shared/errors';
import { aliveScript, runningServersScript, shQuote, startScript, stopScript, tailScript, locateScript, type EnvChoice, type MarkedLine } from './remote-scripts';
import { parseLocateReport } from './locate-report';
import { runScript, valueOf, valuesOf } from './remote-exec';
import { parseRuntimeFile, type ServerInfo } from './server-info';
import { passwordConfig, portRetriesFlag, type JupyterVersions } from './versions';

export type Flavour = 'lab' | 'notebook' | 'server';

export interface JupyterInstall {
  readonly binDir: string;
  readonly flavours: readonly Flavour[];
  readonly python: string;
  readonly versions: JupyterVersions;
  readonly runtimeDir: string;
  readonly home: string;
}

export interface Located {
  readonly install: JupyterInstall;
  /** Every jupyter found, so the user can pick one per host. */
  readonly candidates: readonly { readonly binDir: string; readonly flavours: readonly Flavour[] }[];
  readonly condaEnvs: readonly { readonly name: string; readonly prefix: string }[];
  /** Live servers of this user recorded in the runtime dir. */
  readonly running: readonly ServerInfo[];
}

/**
 * Runtime files read from one report. A user runs a handful of servers; a broken or hostile
 * remote could list thousands, each one a JSON parse and a schema check.
 */
const MAX_SERVERS_READ = 256;

export async function locateJupyter(client: Client, env: EnvChoice = { kind: 'auto' }): Promise<Located> {
  const { lines } = await runScript(client, (marker) => locateScript(marker, env));
  return readLocateReport(lines, env);
}

/** The locate script's report (pure, so it can be fuzzed): a malformed one is `jupyter.bad-report`, never a raw exception. */
export function readLocateReport(lines: readonly MarkedLine[], env: EnvChoice): Located {
  const candidates = valuesOf(lines, 'candidate').map((value) => {
    const [binDir = '', flavours = ''] = splitLast(value);
    return { binDir, flavours: flavours.split(',').filter(isFlavour) };
  });
  const condaEnvs = valuesOf(lines, 'conda-env').map((value) => {
    const [name = '', prefix = ''] = splitFirst(value);
    return { name, prefix };
  });
  const chosen = valueOf(lines, 'chosen');
  const json = valueOf(lines, 'json');
  const missing = valueOf(lines, 'missing-requested');
  if (chosen === undefined || json === undefined) {
    throw notFound(env, missing, condaEnvs.map((e) => e.name));
  }
  const report = parseLocateReport(json);
  const candidate = candidates.find((c) => c.binDir === chosen);
  const install: JupyterInstall = {
    binDir: chosen,
    flavours: candidate?.flavours ?? [],
    python: valueOf(lines, 'python') ?? '',
    versions: {
      notebook: report.versions['notebook'] ?? null,
      jupyterServer: report.versions['jupyter_server'] ?? null,
      jupyterlab: report.versions['jupyterlab'] ?? null,
      jupyterCore: report.versions['jupyter_core'] ?? null,
    },
    runtimeDir: report.runtimeDir ?? `${valueOf(lines, 'home') ?? '~'}/.local/share/jupyter/runtime`,
    home: valueOf(lines, 'home') ?? '',
  };
  const running = report.servers
    .slice(0, MAX_SERVERS_READ)
    .filter((server) => server.alive)
    .map((server) => parseRuntimeFile(server.name, server.json))
    .filter((info): info is ServerInfo => info !== null);
  return { install, candidates, condaEnvs, running };
}

export interface RunningServers {
  readonly home: string;
  readonly servers: readonly (ServerInfo & { readonly runtimeDir: string })[];
}

/** The warm-start fast path: live servers from the runtime dirs, with the shell alone. */
export async function listRunningServers(client: Client): Promise<RunningServers> {
  const { lines } = await runScript(client, runningServersScript, 15_000);
  return readRunningServers(lines);
}

/** The running-servers script's report (pure, so it can be fuzzed). */
export function readRunningServers(lines: readonly MarkedLine[]): RunningServers {
  const servers: (ServerInfo & { runtimeDir: string })[] = [];
  let dir = '';
  let name = '';
  let read = 0;
  for (const line of lines) {
    if (line.key === 'server-dir') dir = line.value;
    else if (line.key === 'server-name') name = line.value;
    else if (line.key === 'server-json') {
      if (++read > MAX_SERVERS_READ) break;
      const info = parseRuntimeFile(name, line.value);
      if (info) servers.push({ ...info, runtimeDir: dir });
    }
  }
  return { home: valueOf(lines, 'home') ?? '', servers };
}

function notFound(env: EnvChoice, missing: string | undefined, condaEnvs: readonly string[]): PortholeError {
  const looked = 'the login PATH, conda/mamba/micromamba installs (/opt/conda, ~/anaconda3, ~/miniconda3, ~/miniforge3, /anaconda, /data/anaconda, ...) and ~/.local/bin, ~/venv, ~/.venv';
  const where = env.kind === 'python' ? `next to ${env.path}` : env.kind === 'conda' ? `in the conda environment "${env.name}"${condaEnvs.length ? ` (environments found: ${condaEnvs.join(', ')})` : ''}` : `in ${looked}`;
  return new PortholeError({
    code: 'jupyter.not-found',
    message: `Jupyter is not installed on the remote ${missing ? `(${missing} does not exist)` : ''}: Porthole looked ${where}.`.replace('  ', ' '),
    hint: 'Install it there (for example `pip install --user jupyterlab`, or `conda install jupyterlab` in your environment), or tell Porthole which Python or conda environment to use.',
    retryable: false,
  });
}

/** Which flavour to run: the one asked for if installed, else Lab, Notebook, Server in that order. */
export function chooseFlavour(install: JupyterInstall, requested: Flavour | 'auto'): Flavour {
  if (requested !== 'auto') {
    if (!install.flavours.includes(requested)) {
      throw new PortholeError({
        code: 'jupyter.flavour-missing',
        message: `jupyter ${requested} is not installed in ${install.binDir} (available: ${install.flavours.join(', ') || 'none'}).`,
        hint: requested === 'lab' ? 'Install JupyterLab (`pip install jupyterlab`), or choose another flavour.' : 'Choose one of the available flavours.',
        retryable: false,
      });
    }
    return requested;
  }
  const preferred = (['lab', 'notebook', 'server'] as const).find((flavour) => install.flavours.includes(flavour));
  if (!preferred) {
    throw new PortholeError({ code: 'jupyter.not-found', message: `${install.binDir}/jupyter has no lab, notebook or server command.`, hint: 'Install jupyterlab or notebook there.', retryable: false });
  }
  return preferred;
}

/**
 * A running server Porthole may attach to instead of starting another: alive, serving the
 * same root directory, of a compatible kind, and with a token Porthole can use.
 */
export function chooseReusable(running: readonly ServerInfo[], want: { flavour: Flavour; rootDir: string | null; home: string; versions: JupyterVersions }): ServerInfo | null {
  const root = normalizeDir(want.rootDir ?? want.home);
  const wantsNotebook6 = want.flavour === 'notebook' && isNotebook6(want.versions);
  return (
    running.find(
      (server) =>
        server.token !== '' &&
        server.sock === null &&
        normalizeDir(server.rootDir) === root &&
        (wantsNotebook6 ? server.kind === 'notebook6' : server.kind === 'server' || (want.flavour === 'notebook' && server.kind === 'notebook6')),
    ) ?? null
  );
}

export function isNotebook6(versions: JupyterVersions): boolean {
  return versions.notebook !== null && Number(versions.notebook.split('.')[0]) < 7;
}

export interface StartedServer {
  readonly info: ServerInfo;
  /** Porthole's log of this server (removed when Porthole stops it). */
  readonly logPath: string | null;
  readonly reused: boolean;
}

/** Where Porthole logged a server it started (any session, so a reused server's log can go too). */
export function portholeLogPath(runtimeDir: string, pid: number): string {
  return `${runtimeDir}/porthole-jupyter-${pid}.log`;
}

export function newToken(): string {
  // 256 bits, as hex: what Jupyter itself generates.
  return randomBytes(32).toString('hex');
}

export async function startJupyter(
  client: Client,
  install: JupyterInstall,
  options: { flavour: Flavour; rootDir: string | null; token: string; passwordHash: string | null; port?: number; timeoutMs?: number },
): Promise<StartedServer> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const { lines } = await runScript(
    client,
    (marker) =>
      startScript(marker, {
        binDir: install.binDir,
        flavour: options.flavour,
        rootDir: options.rootDir,
        port: options.port ?? 8888,
        portRetriesFlag: portRetriesFlag(install.versions, options.flavour),
        token: options.token,
        passwordConfig: options.passwordHash ? JSON.stringify(passwordConfig(install.versions, options.flavour, options.passwordHash)) : null,
        runtimeDir: install.runtimeDir,
        python: install.python,
        timeoutMs,
      }),
    timeoutMs + 15_000,
  );
  if (valueOf(lines, 'error') === 'root-dir') {
    throw new PortholeError({ code: 'jupyter.bad-root-dir', message: `The folder ${options.rootDir ?? ''} does not exist on the remote.`, hint: 'Choose an existing folder for the notebooks.', retryable: false });
  }
  return readStartReport(lines, { flavour: options.flavour, timeoutMs });
}

/**
 * The start script's report (pure, so it can be tested on recorded and damaged reports): the
 * server from its runtime file, or an error that says which of the ways it failed.
 */
export function readStartReport(lines: readonly MarkedLine[], started: { readonly flavour: Flavour; readonly timeoutMs: number }): StartedServer {
  const logPath = valueOf(lines, 'log') ?? null;
  const logTail = redact(valuesOf(lines, 'log-line').join('\n')) || '(nothing)';
  const name = valueOf(lines, 'runtime-name');
  const json = valueOf(lines, 'runtime-json');
  if (name !== undefined && json !== undefined) {
    const info = parseRuntimeFile(name, json);
    if (info) return { info, logPath, reused: false };
    // Complete JSON (the script waits for that), but not a server entry Porthole knows.
    throw new PortholeError({
      code: 'jupyter.bad-report',
      message: `jupyter ${started.flavour} started, but its runtime file ${name} does not describe a server Porthole can use.`,
      hint: 'Check the Jupyter version on the remote (`jupyter --version`); updating jupyter_server or notebook usually helps.',
      retryable: false,
    });
  }
  const died = valueOf(lines, 'died') !== undefined;
  const incomplete = valueOf(lines, 'runtime-incomplete');
  const what = died
    ? `jupyter ${started.flavour} exited while starting`
    : incomplete !== undefined
      ? `jupyter ${started.flavour} did not finish writing its runtime file ${incomplete} within ${Math.round(started.timeoutMs / 1000)} s`
      : `jupyter ${started.flavour} did not come up within ${Math.round(started.timeoutMs / 1000)} s`;
  throw new PortholeError({
    code: died ? 'jupyter.start-failed' : 'jupyter.start-timeout',
    message: `${what}. Its last output:\n${logTail}`,
    hint: 'Read the output above; a missing package or a broken environment is the usual cause.',
    retryable: !died,
  });
}

/** Hashes a password with the remote's own Jupyter library; the password travels inside the stdin script only. */
export async function hashPasswordRemotely(client: Client, install: JupyterInstall, password: string): Promise<string> {
  const encoded = Buffer.from(password, 'utf8').toString('base64');
  const { lines } = await runScript(
    client,
    (marker) => `${shQuote(install.python)} - <<'PORTHOLE_PY' 2>&1 | sed -n "s/^PORTHOLE_HASH /${marker} hash /p"
import base64
password = base64.b64decode("${encoded}").decode("utf-8")
try:
    from jupyter_server.auth import passwd
except ImportError:
    from notebook.auth import passwd
print("PORTHOLE_HASH " + passwd(password))
PORTHOLE_PY
`,
  );
  const hash = valueOf(lines, 'hash');
  if (!hash) {
    throw new PortholeError({ code: 'jupyter.password-hash-failed', message: 'The remote Jupyter could not hash the password.', hint: 'Check that notebook or jupyter_server is installed in the chosen environment.', retryable: false });
  }
  return hash;
}

/**
 * Stops a server: the API first (clean kernel shutdown), then signals if it lingers.
 * `apiBase` is the forwarded local URL when a tunnel is up.
 */
export async function stopJupyter(client: Client, server: StartedServer, apiBase: string | null): Promise<void> {
  if (apiBase) {
    try {
      await fetch(new URL('api/shutdown', apiBase), { method: 'POST', headers: { Authorization: `token ${server.info.token}` }, signal: AbortSignal.timeout(5_000) });
    } catch {
      // Fall through to signals.
    }
  }
  const { lines } = await runScript(client, (marker) => stopScript(marker, server.info.pid, server.logPath));
  if (valueOf(lines, 'alive') !== undefined) {
    throw new PortholeError({ code: 'jupyter.stop-failed', message: `Jupyter (pid ${server.info.pid}) is still running after being asked to stop.`, hint: 'Stop it on the remote with `jupyter server stop` or `kill`.', retryable: true });
  }
}

export async function isServerAlive(client: Client, pid: number): Promise<boolean> {
  const { lines } = await runScript(client, (marker) => aliveScript(marker, pid), 15_000);
  return valueOf(lines, 'alive') === 'yes';
}

export async function serverLogTail(client: Client, logPath: string | null): Promise<string> {
  if (!logPath) return '';
  const { lines } = await runScript(client, (marker) => tailScript(marker, logPath), 15_000);
  return redact(valuesOf(lines, 'log-line').join('\n'));
}

/** Jupyter logs URLs with `?token=`; never show or log one. */
export function redact(text: string): string {
  return text.replace(/([?&]token=)[^&\s]+/g, '$1<redacted>');
}

function normalizeDir(dir: string): string {
  return dir.replace(/\/+$/, '') || '/';
}

function isFlavour(value: string): value is Flavour {
  return value === 'lab' || value === 'notebook' || value === 'server';
}

function splitLast(value: string): [string, string] {
  const space = value.lastIndexOf(' ');
  return space < 0 ? [value, ''] : [value.slice(0, space), value.slice(space + 1)];
}

function splitFirst(value: string): [string, string] {
  const space = value.indexOf(' ');
  return space < 0 ? [value, ''] : [value.slice(0, space), value.slice(space + 1)];
}
