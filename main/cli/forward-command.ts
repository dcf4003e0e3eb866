/** `porthole forward`: `ssh -N -L/-R/-D` that verifies host keys, reconnects and keeps its ports. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { dataDir } from '../shared/data-dir';
import { PortholeError, toErrorInfo, type PortholeErrorInfo } from '../shared/errors';
import { defaultAgent, type Identity } from '../ssh/auth';
import { SshConnection } from '../ssh/connection';
import { defaultKnownHostsFiles, HostKeyStore } from '../ssh/host-keys';
import { parseDynamicForward, parseLocalForward, parseRemoteForward, type ForwardSpec } from '../tunnels/forward-spec';
import { ForwardSet } from '../tunnels/forward-set';
import { parseDestination, parseJumpList } from './destination';
import { createReporter } from './reporter';
import { terminalPrompter } from './terminal-prompter';

interface ForwardCommandOptions {
  local: string[];
  remote: string[];
  dynamic: string[];
  identity: string[];
  jump?: string;
  knownHosts: string[];
  acceptNewHostKey: boolean;
  json: boolean;
  nextFreePort: boolean;
  keepalive: number;
  keepaliveCount: number;
  agent: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const positiveInt = (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`expected a whole number, got "${value}"`);
  return number;
};

export function forwardCommand(): Command {
  return new Command('forward')
    .description('Forward ports over SSH, like ssh -N -L, and keep them up across network drops.')
    .argument('<destination>', 'user@host[:port]')
    .option('-L, --local <spec>', 'local forward [bind:]LPORT:RHOST:RPORT (repeatable)', collect, [])
    .option('-R, --remote <spec>', 'remote forward [bind:]RPORT:LHOST:LPORT (repeatable)', collect, [])
    .option('-D, --dynamic <spec>', 'SOCKS5 proxy on [bind:]PORT (repeatable)', collect, [])
    .option('-i, --identity <file>', 'private key file (repeatable; default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa)', collect, [])
    .option('-J, --jump <hops>', 'jump hosts, comma-separated: user@hop1,user@hop2:2222')
    .option('--known-hosts <file>', 'known_hosts file to trust instead of ~/.ssh/known_hosts (repeatable)', collect, [])
    .option('--accept-new-host-key', 'trust a host key never seen before (like StrictHostKeyChecking=accept-new); changed keys are always refused', false)
    .option('--next-free-port', 'if a local port is busy, take the next free one instead of failing', false)
    .addOption(new Option('--keepalive <seconds>', 'seconds between keepalives').default(10).argParser(positiveInt))
    .addOption(new Option('--keepalive-count <n>', 'unanswered keepalives before the link counts as dead').default(2).argParser(positiveInt))
    .option('--no-agent', 'do not use ssh-agent / Pageant')
    .option('--json', 'print one JSON object per line on stdout', false)
    .action(async (destination: string, options: ForwardCommandOptions) => {
      process.exitCode = await runForward(destination, options);
    });
}

async function runForward(destination: string, options: ForwardCommandOptions): Promise<number> {
  const reporter = createReporter(options.json);
  // Handlers first: a signal that arrived before them would kill the process outright.
  const stop = stopSignal();
  let connection: SshConnection | null = null;
  let forwards: ForwardSet | null = null;
  const cleanUp = async () => {
    await forwards?.close();
    await connection?.dispose();
  };
  try {
    const target = parseDestination(destination);
    const specs: ForwardSpec[] = [...options.local.map(parseLocalForward), ...options.remote.map(parseRemoteForward), ...options.dynamic.map(parseDynamicForward)];
    if (specs.length === 0) {
      throw new PortholeError({ code: 'cli.no-forwards', message: 'No forwards given.', hint: 'Add at least one, e.g. -L 8888:localhost:8888', retryable: false });
    }
    const live = new SshConnection({
      target,
      jumps: options.jump ? parseJumpList(options.jump, target.username) : [],
      identities: await identities(options.identity),
      agent: options.agent ? defaultAgent() : null,
      password: true,
      keyboardInteractive: true,
      hostKeys: new HostKeyStore({
        knownHostsFiles: options.knownHosts.length > 0 ? options.knownHosts : defaultKnownHostsFiles(),
        trustStorePath: join(dataDir(), 'known_hosts'),
      }),
      prompter: terminalPrompter({ acceptNewHostKey: options.acceptNewHostKey, interactive: Boolean(process.stdin.isTTY), say: reporter.say }),
      keepaliveIntervalMs: options.keepalive * 1000,
      keepaliveCountMax: options.keepaliveCount,
    });
    connection = live;
    const failed = new Promise<PortholeErrorInfo>((resolve) => {
      live.onStateChange((state) => {
        if (state.kind === 'failed' && state.everReady) resolve(state.error);
        else if (state.kind === 'reconnecting') {
          reporter.emit(
            { event: 'reconnecting', attempt: state.attempt, delayMs: state.delayMs, code: state.lastError.code, message: state.lastError.message },
            `${state.lastError.message} Reconnecting in ${(state.delayMs / 1000).toFixed(1)} s (attempt ${state.attempt})...`,
          );
        } else if (state.kind === 'ready' && state.reconnected && forwards) {
          reporter.emit({ event: 'reconnected', forwards: forwardLines(forwards) }, 'Reconnected; forwards are back on the same ports.');
        }
      });
    });

    const setUp = (async () => {
      await live.start();
      forwards = await ForwardSet.open(specs, live, {
        portFallback: options.nextFreePort ? 'next-free' : 'fail',
        onRemoteError: (error) => reporter.error(error.toInfo()),
      });
      reporter.emit({ event: 'ready', forwards: forwardLines(forwards) }, describeForwards(forwards, live.server));
    })();
    const first = await Promise.race([setUp.then(() => 'ready' as const), stop]);
    if (first !== 'ready') {
      // Stopped while connecting: a cancel, not a failure.
      setUp.catch(() => undefined);
      await cleanUp();
      return 0;
    }
    const outcome = await Promise.race([stop, failed]);
    await cleanUp();
    if (typeof outcome === 'string') {
      reporter.emit({ event: 'stopped', signal: outcome }, 'Stopped.');
      return 0;
    }
    reporter.error(outcome);
    return 1;
  } catch (error) {
    reporter.error(toErrorInfo(error));
    await cleanUp();
    return 1;
  }
}

/** Resolves with the name of the first SIGINT or SIGTERM. */
function stopSignal(): Promise<'SIGINT' | 'SIGTERM'> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** The machine-readable forwards: local ones exactly as `{localPort, remoteHost, remotePort}`. */
function forwardLines(forwards: ForwardSet): Record<string, unknown>[] {
  return forwards.describe().map(({ kind, ...rest }) => (kind === 'local' ? rest : { kind, ...rest }));
}

function describeForwards(forwards: ForwardSet, server: string): string {
  return forwards
    .describe()
    .map((f) =>
      f.kind === 'local'
        ? `Forwarding 127.0.0.1:${f.localPort} -> ${f.remoteHost}:${f.remotePort} via ${server}`
        : f.kind === 'remote'
          ? `Forwarding ${server}:${f.remotePort} -> ${f.localHost}:${f.localPort}`
          : `SOCKS5 proxy on 127.0.0.1:${f.localPort} via ${server}`,
    )
    .join('\n');
}

async function identities(files: readonly string[]): Promise<Identity[]> {
  if (files.length > 0) {
    return Promise.all(
      files.map(async (file) => {
        try {
          return { label: basename(file), data: await readFile(file) };
        } catch (error) {
          throw new PortholeError({ code: 'ssh.key-unreadable', message: `Cannot read the key file ${file}: ${(error as Error).message}.`, hint: 'Check the path.', retryable: false }, { cause: error });
        }
      }),
    );
  }
  const defaults = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(homedir(), '.ssh', name)).filter((file) => existsSync(file));
  return Promise.all(defaults.map(async (file) => ({ label: basename(file), data: await readFile(file), optional: true })));
}

