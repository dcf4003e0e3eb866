/** `porthole forward`: `ssh -N -L/-R/-D` that verifies host keys, reconnects and keeps its ports. */
import { Command } from 'commander';
import { PortholeError, toErrorInfo, type PortholeErrorInfo } from '../shared/errors';
import type { SshConnection } from '../ssh/connection';
import { parseDynamicForward, parseLocalForward, parseRemoteForward, type ForwardSpec } from '../tunnels/forward-spec';
import { ForwardSet } from '../tunnels/forward-set';
import { addConnectionOptions, connectionFromCli, resolveTarget, stopSignal, type ConnectionCliOptions } from './connection-options';
import { connectionFailureReporter, createReporter } from './reporter';

interface ForwardCommandOptions extends ConnectionCliOptions {
  local: string[];
  remote: string[];
  dynamic: string[];
  nextFreePort: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function forwardCommand(): Command {
  const command = new Command('forward')
    .description('Forward ports over SSH, like ssh -N -L, and keep them up across network drops.')
    .argument('<destination>', 'user@host[:port], or the name of a saved host')
    .option('-L, --local <spec>', 'local forward [bind:]LPORT:RHOST:RPORT (repeatable)', collect, [])
    .option('-R, --remote <spec>', 'remote forward [bind:]RPORT:LHOST:LPORT (repeatable)', collect, [])
    .option('-D, --dynamic <spec>', 'SOCKS5 proxy on [bind:]PORT (repeatable)', collect, [])
    .option('--next-free-port', 'if a local port is busy, take the next free one instead of failing', false);
  return addConnectionOptions(command).action(async (destination: string, options: ForwardCommandOptions) => {
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
    const specs: ForwardSpec[] = [...options.local.map(parseLocalForward), ...options.remote.map(parseRemoteForward), ...options.dynamic.map(parseDynamicForward)];
    if (specs.length === 0) {
      throw new PortholeError({ code: 'cli.no-forwards', message: 'No forwards given.', hint: 'Add at least one, e.g. -L 8888:localhost:8888', retryable: false });
    }
    const live = await connectionFromCli(await resolveTarget(destination, options), options, reporter);
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
        onConnectionError: connectionFailureReporter(reporter),
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

/** The machine-readable forwards: local ones as `{bindHost, localPort, remoteHost, remotePort, loopback}`. */
function forwardLines(forwards: ForwardSet): Record<string, unknown>[] {
  return forwards.describe().map(({ kind, ...rest }) => {
    const line = { ...rest, loopback: isLoopback(rest.bindHost) };
    return kind === 'local' ? line : { kind, ...line };
  });
}

/** 127.0.0.0/8, ::1 and localhost: reachable from this computer only. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** An address as it goes before `:port` (IPv6 in brackets). */
function hostPort(host: string, port: number): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}

function describeForwards(forwards: ForwardSet, server: string): string {
  const lines: string[] = [];
  for (const f of forwards.describe()) {
    if (f.kind === 'local') lines.push(`Forwarding ${hostPort(f.bindHost, f.localPort)} -> ${f.remoteHost}:${f.remotePort} via ${server}`);
    else if (f.kind === 'remote') lines.push(`Forwarding ${server} ${hostPort(f.bindHost, f.remotePort)} -> ${f.localHost}:${f.localPort}`);
    else lines.push(`SOCKS5 proxy on ${hostPort(f.bindHost, f.localPort)} via ${server}`);
    if (f.kind !== 'remote' && !isLoopback(f.bindHost)) {
      lines.push(`  Warning: ${f.bindHost} is not loopback: other computers that can reach this one can use port ${f.localPort}${f.kind === 'dynamic' ? ' as a proxy' : ''}. Leave out the address to listen on 127.0.0.1 only.`);
    }
  }
  return lines.join('\n');
}
