/**
 * `npm run bench:tunnel`: throughput and round-trip latency of a local port forward through
 * one real local sshd, for
 *   - direct loopback (no SSH),
 *   - OpenSSH `ssh -N -L` (the reference),
 *   - Porthole (portholeForward() over ssh2) with ssh2's native crypto addon,
 *   - Porthole without the addon (as inside Electron, where it is not rebuilt),
 * each with aes128-gcm@openssh.com and chacha20-poly1305@openssh.com forced on both clients.
 * Every forwarder runs in its own process (ssh, or a Node child for Porthole); the load
 * generator, the sink, the source and the echo server run in this process, the same for
 * every path. Repetitions are interleaved across paths. Round trips are measured twice:
 * as they come, and with SCHED_IDLE busy loops keeping every vCPU awake, because on a VM a
 * halted vCPU's wake-up latency otherwise dominates (and varies with unrelated load).
 *
 *   npm run bench:tunnel                 the table (and bench/results/tunnel-<time>.json)
 *   npm run bench:tunnel -- --explore    each tuning lever of the addon-less path, one by one
 *   npm run bench:tunnel -- --profile    V8 CPU profiles of the Porthole child, top functions
 * Options: --bytes=<MiB> --reps=<n> --rounds=<n> (defaults 512, 5, 3000; explore 256, 3),
 * --only=<part>,<part> (paths whose "name cipher" contains a part).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { startTestHost, type TestHost } from '../env/host';
import { leftoverProcesses, leftoverUsers } from '../env/leak-check';
import { freePort } from '../env/ports';
import { descendantsOf, isAlive, terminate } from '../env/processes';
import { createRunRoot, RUN_ROOT_ENV } from '../env/run-dir';
import { removeTestUser, staleTestUsers } from '../env/test-user';
import { waitFor } from '../env/wait';
import { CHILD_CONFIG_ENV, type ChildConfig, type ChildReady } from './child-config';
import { summariseProfile, type ProfileSummary } from './cpuprofile';
import { cpuSeconds, LoadServers, machineBusySeconds, pingPong, processCpu, pullThrough, pushThrough } from './load';
import { RECOMMENDED, UNTUNED, type PortholeTuning } from './porthole-forward';
import { formatTable, median, percentile, round } from './stats';

interface CipherChoice {
  readonly cipher: string;
  /** Forced MAC, for non-AEAD ciphers only. */
  readonly mac?: string;
  readonly label: string;
}
const AES_GCM: CipherChoice = { cipher: 'aes128-gcm@openssh.com', label: 'aes128-gcm' };
const CHACHA: CipherChoice = { cipher: 'chacha20-poly1305@openssh.com', label: 'chacha20-poly1305' };
const AES_CTR: CipherChoice = { cipher: 'aes128-ctr', mac: 'hmac-sha2-256-etm@openssh.com', label: 'aes128-ctr+sha256-etm' };
const CIPHERS = [AES_GCM, CHACHA] as const;

const REPO = resolve(__dirname, '../..');
const CHILD_SCRIPT = join(__dirname, 'forward-child.ts');
const NO_ADDON_PRELOAD = join(__dirname, 'no-addon-preload.js');
const RESULTS_DIR = join(REPO, 'bench/results');
const MiB = 1024 * 1024;
/** Unrecorded round trips at the start of each latency block (its connection is new). */
const RTT_BLOCK_WARMUP = 30;

interface Options {
  readonly mode: 'table' | 'explore' | 'profile';
  readonly bytes: number;
  readonly reps: number;
  readonly rounds: number;
  readonly warmupRounds: number;
  /** Only paths whose name contains one of these (explore). */
  readonly only: readonly string[];
}

function parseOptions(argv: readonly string[]): Options {
  const value = (name: string) => argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const mode = argv.includes('--explore') ? 'explore' : argv.includes('--profile') ? 'profile' : 'table';
  return {
    mode,
    bytes: Number(value('bytes') ?? (mode === 'explore' ? 256 : 512)) * MiB,
    reps: Number(value('reps') ?? (mode === 'explore' ? 3 : 5)),
    rounds: Number(value('rounds') ?? 3000),
    warmupRounds: 300,
    only: (value('only') ?? '').split(',').filter((part) => part !== ''),
  };
}

// ---------------------------------------------------------------------------------------
// Paths and forwarders

type PathKind = 'direct' | 'openssh' | 'porthole';

interface PathSpec {
  readonly name: string;
  readonly kind: PathKind;
  readonly cipher: CipherChoice | null;
  readonly addon?: boolean;
  readonly tuning?: PortholeTuning;
  readonly tuningName?: string;
  /** Extra Node/V8 flags for the Porthole child (Electron: app.commandLine js-flags). */
  readonly nodeFlags?: readonly string[];
  /** Experiment: ssh2-padding-pool.ts. */
  readonly paddingPool?: boolean;
  /** Reference: the Porthole child without SSH, piping to plain TCP (Node's floor). */
  readonly plainProxy?: boolean;
}

interface Forwarder {
  readonly sinkPort: number;
  readonly echoPort: number;
  readonly sourcePort: number;
  /** The forwarding process (ssh or the Porthole child); null for direct. */
  readonly pid: number | null;
  readonly detail: Record<string, unknown>;
  /** Porthole only: V8 CPU profile of whatever `work` does. */
  readonly profile?: (file: string, intervalUs: number, work: () => Promise<void>) => Promise<void>;
  stop(): Promise<void>;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

async function stopChild(child: ChildProcess, graceful: () => void): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolvePromise) => child.once('exit', resolvePromise));
  graceful();
  await Promise.race([exited, new Promise((resolvePromise) => setTimeout(resolvePromise, 5_000).unref())]);
  if (isAlive(child.pid)) await terminate([child.pid]);
}

async function startOpenssh(host: TestHost, servers: LoadServers, choice: CipherChoice): Promise<Forwarder> {
  const [sinkPort, echoPort, sourcePort] = [await freePort(), await freePort(), await freePort()];
  const forwards = [
    [sinkPort, servers.sinkPort],
    [echoPort, servers.echoPort],
    [sourcePort, servers.sourcePort],
  ].flatMap(([local, remote]) => ['-L', `127.0.0.1:${local}:127.0.0.1:${remote}`]);
  const args = [
    '-F', '/dev/null', '-N', '-n',
    '-c', choice.cipher,
    ...(choice.mac ? ['-m', choice.mac] : []),
    '-o', 'ExitOnForwardFailure=yes',
    ...forwards,
    ...host.opensshArgs(),
  ];
  const child = spawn('/usr/bin/ssh', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  const forwarder: Forwarder = {
    sinkPort,
    echoPort,
    sourcePort,
    pid: child.pid ?? null,
    detail: { argv: ['ssh', ...args] },
    stop: () => stopChild(child, () => child.kill('SIGTERM')),
  };
  try {
    await waitFor(`ssh -L (${choice.label}) to listen`, async () => {
      if (child.exitCode !== null) throw new Error(`ssh exited ${child.exitCode}: ${stderr.trim()}`);
      for (const port of [sinkPort, echoPort, sourcePort]) if (!(await canConnect(port))) return false;
      return true;
    });
  } catch (error) {
    await forwarder.stop();
    throw error;
  }
  return forwarder;
}

/** Next JSON line of `type` from the child's stdout. */
function nextMessage<T>(lines: Interface, type: string, child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => done(new Error(`Porthole child sent no ${type} within ${timeoutMs} ms: ${stderr().trim()}`)), timeoutMs);
    const onLine = (line: string) => {
      try {
        const message = JSON.parse(line) as { type?: string };
        if (message.type === type) done(undefined, message as T);
      } catch {
        done(new Error(`Porthole child said: ${line} ${stderr().trim()}`));
      }
    };
    const onExit = (code: number | null) => done(new Error(`Porthole child exited ${code}: ${stderr().trim()}`));
    function done(error?: Error, value?: T) {
      clearTimeout(timer);
      lines.off('line', onLine);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolvePromise(value!);
    }
    lines.on('line', onLine);
    child.once('exit', onExit);
  });
}

async function startPorthole(host: TestHost, servers: LoadServers, spec: PathSpec): Promise<Forwarder> {
  const config: ChildConfig = {
    ssh: {
      host: host.host,
      port: host.port,
      username: host.user.name,
      privateKeyPath: host.clientKey.privatePath,
      hostFingerprints: host.sshd.hostKeys.map((key) => key.fingerprint),
      knownHostsPath: host.knownHostsPath,
    },
    cipher: spec.cipher?.cipher ?? '',
    mac: spec.cipher?.mac,
    targets: [servers.sinkPort, servers.echoPort, servers.sourcePort].map((port) => ({ host: '127.0.0.1', port })),
    tuning: spec.tuning!,
    expectAddon: spec.addon!,
    paddingPool: spec.paddingPool,
    plainProxy: spec.plainProxy,
    // The recommended rows measure Porthole itself (main/ssh + main/tunnels); the other
    // tunings need knobs the product does not have, so they use the stand-in.
    standIn: spec.tuningName !== 'recommended' || Boolean(spec.paddingPool) || (spec.nodeFlags?.length ?? 0) > 0,
  };
  const nodeArgs = [...(spec.addon || spec.plainProxy ? [] : ['--require', NO_ADDON_PRELOAD]), ...(spec.nodeFlags ?? []), '--import', 'tsx', CHILD_SCRIPT];
  const child = spawn(process.execPath, nodeArgs, {
    cwd: REPO,
    env: { ...process.env, [CHILD_CONFIG_ENV]: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  const lines = createInterface({ input: child.stdout! });
  const stop = () => stopChild(child, () => child.stdin!.end());
  try {
    const ready = await nextMessage<ChildReady>(lines, 'ready', child, () => stderr, 20_000);
    if (!spec.plainProxy && ready.bindingAvailable !== spec.addon) throw new Error('child reports the wrong addon state');
    const [sinkPort, echoPort, sourcePort] = ready.ports;
    return {
      sinkPort: sinkPort!,
      echoPort: echoPort!,
      sourcePort: sourcePort!,
      pid: child.pid ?? null,
      detail: { bindingAvailable: ready.bindingAvailable, negotiatedCipher: ready.cipher, node: ready.node, patched: ready.patched, nodeArgs },
      async profile(file, intervalUs, work) {
        child.stdin!.write(`profile-start ${intervalUs}\n`);
        try {
          await work();
        } finally {
          const profiled = nextMessage(lines, 'profiled', child, () => stderr, 30_000);
          child.stdin!.write(`profile-stop ${file}\n`);
          await profiled;
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function startForwarder(spec: PathSpec, host: TestHost, servers: LoadServers): Promise<Forwarder> {
  switch (spec.kind) {
    case 'direct':
      return Promise.resolve({
        sinkPort: servers.sinkPort,
        echoPort: servers.echoPort,
        sourcePort: servers.sourcePort,
        pid: null,
        detail: {},
        stop: async () => undefined,
      });
    case 'openssh':
      return startOpenssh(host, servers, spec.cipher!);
    case 'porthole':
      return startPorthole(host, servers, spec);
  }
}

// ---------------------------------------------------------------------------------------
// CPU accounting

interface CpuShare {
  /** Percent of one core used by the forwarding process (ssh / Porthole child). */
  readonly forwarder: number;
  /** Of that, percent of one core spent in the kernel (syscalls, loopback TCP; from tick counts). */
  readonly forwarderKernel: number;
  /** Percent of one core used by all sshd processes together. */
  readonly sshd: number;
  /** Percent of one core used by this process (load generator, sink, echo). */
  readonly bench: number;
  /** Percent of one core used by everything else on the machine (other jobs: noise). */
  readonly other: number;
  /** CPU seconds the forwarding process used. */
  readonly forwarderSeconds: number;
}

const ZERO_CPU: CpuShare = { forwarder: 0, forwarderKernel: 0, sshd: 0, bench: 0, other: 0, forwarderSeconds: 0 };

class CpuMeter {
  private readonly start: { fwd: number; fwdTicks: { user: number; system: number }; sshd: number; bench: NodeJS.CpuUsage; machine: number; wall: bigint };
  constructor(
    private readonly forwarderPid: number | null,
    private readonly sshdPid: number | null,
  ) {
    this.start = {
      fwd: this.fwd(),
      fwdTicks: this.fwdTicks(),
      sshd: this.sshd(),
      bench: process.cpuUsage(),
      machine: machineBusySeconds(),
      wall: process.hrtime.bigint(),
    };
  }
  private fwd(): number {
    return this.forwarderPid === null ? 0 : cpuSeconds(this.forwarderPid);
  }
  /** user/system split, in 10 ms ticks: only good for the kernel's share. */
  private fwdTicks(): { user: number; system: number } {
    return this.forwarderPid === null ? { user: 0, system: 0 } : processCpu(this.forwarderPid);
  }
  private sshd(): number {
    if (this.sshdPid === null) return 0;
    return [this.sshdPid, ...descendantsOf(this.sshdPid).map((p) => p.pid)].reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  }
  read(): CpuShare {
    const wall = Number(process.hrtime.bigint() - this.start.wall) / 1e9;
    const bench = process.cpuUsage(this.start.bench);
    const pct = (seconds: number) => round((100 * seconds) / wall, 0);
    const fwd = this.fwd() - this.start.fwd;
    const ticks = this.fwdTicks();
    const tickUser = ticks.user - this.start.fwdTicks.user;
    const tickKernel = ticks.system - this.start.fwdTicks.system;
    const fwdKernel = tickUser + tickKernel > 0 ? (fwd * tickKernel) / (tickUser + tickKernel) : 0;
    const sshd = this.sshd() - this.start.sshd;
    const own = (bench.user + bench.system) / 1e6;
    const machine = machineBusySeconds() - this.start.machine;
    return {
      forwarder: pct(fwd),
      forwarderKernel: pct(fwdKernel),
      sshd: pct(sshd),
      bench: pct(own),
      other: Math.max(0, pct(machine - fwd - sshd - own)),
      forwarderSeconds: round(fwd, 6),
    };
  }
}

/**
 * Other jobs on this machine (parallel test runs) steal the same two cores. Before each
 * measurement, wait (bounded per call and per run) until the machine is quiet: less than
 * 25% of one core busy over 300 ms while our processes are idle.
 */
class QuietWaiter {
  private spentMs = 0;
  constructor(private readonly totalBudgetMs: number) {}
  async wait(maxMs = 5_000): Promise<void> {
    const started = Date.now();
    for (;;) {
      const before = machineBusySeconds();
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 300));
      const busyPct = ((machineBusySeconds() - before) / 0.3) * 100;
      const waited = Date.now() - started;
      if (busyPct < 25 || waited >= maxMs || this.spentMs + waited >= this.totalBudgetMs) {
        this.spentMs += waited;
        return;
      }
    }
  }
  get spent(): number {
    return this.spentMs;
  }
}

/**
 * One busy loop per CPU at SCHED_IDLE priority: it yields to any real work at once, but a
 * vCPU that is never idle is never halted by the hypervisor, so round trips do not pay the
 * VM's wake-up latency (which on this VM depends on how busy the machine happens to be).
 */
function startIdleSpinners(): ChildProcess[] {
  return cpus().map(() => spawn('/usr/bin/chrt', ['--idle', '0', '/bin/sh', '-c', 'while :; do :; done'], { stdio: 'ignore' }));
}

async function stopIdleSpinners(spinners: readonly ChildProcess[]): Promise<void> {
  for (const spinner of spinners) await stopChild(spinner, () => spinner.kill('SIGKILL'));
}

// ---------------------------------------------------------------------------------------
// Measurements

interface PathResult {
  readonly path: string;
  readonly kind: PathKind;
  readonly cipher: string | null;
  readonly mac: string | null;
  readonly addon: boolean | null;
  readonly tuningName: string | null;
  readonly tuning: PortholeTuning | null;
  readonly nodeFlags: readonly string[];
  readonly paddingPool: boolean;
  readonly detail: Record<string, unknown>;
  readonly push: { readonly bytes: number; readonly seconds: number[]; readonly mbps: number[]; readonly cpu: CpuShare[] };
  readonly pull: { readonly bytes: number; readonly seconds: number[]; readonly mbps: number[]; readonly cpu: CpuShare[] };
  /** Round trips as they come on this VM (idle vCPUs halt between messages). */
  readonly rtt: RttResult;
  /** The same with SCHED_IDLE spinners keeping every vCPU awake (no halt/wake-up latency). */
  readonly rttAwake: RttResult;
}

interface RttResult {
  readonly size: number;
  readonly samplesUs: number[];
  readonly cpu: CpuShare[];
}

interface Summary {
  readonly path: string;
  readonly cipher: string;
  readonly pushMBps: number;
  readonly pullMBps: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly rttCount: number;
  readonly throughputVsOpenssh: number | null;
  readonly pullVsOpenssh: number | null;
  readonly p50VsOpenssh: number | null;
  /** Median % of one core of the forwarding process during the pushes (kernel part in kernelPct). */
  readonly fwdCpuPct: number | null;
  readonly fwdKernelPct: number | null;
  readonly sshdCpuPct: number | null;
  /** Forwarder CPU seconds per GB (10^9 bytes) pushed: its cost, robust to other load. */
  readonly fwdCpuSecPerGB: number | null;
  /** Median % of one core used by other jobs on the machine during the pushes (noise). */
  readonly otherCpuPct: number;
  /** Forwarder CPU µs per 100-byte round trip (both directions). */
  readonly fwdCpuUsPerRtt: number | null;
  readonly awake: { readonly p50Us: number; readonly p99Us: number; readonly p50VsOpenssh: number | null; readonly fwdCpuUsPerRtt: number | null };
}

function summarise(results: readonly PathResult[]): Summary[] {
  const base = (r: PathResult) => ({
    push: median(r.push.mbps),
    pull: median(r.pull.mbps),
    p50: percentile(r.rtt.samplesUs, 50),
    p99: percentile(r.rtt.samplesUs, 99),
    p50Awake: percentile(r.rttAwake.samplesUs, 50),
  });
  const cpuPerRtt = (rtt: RttResult) => round((1e6 * rtt.cpu.reduce((sum, c) => sum + c.forwarderSeconds, 0)) / rtt.samplesUs.length, 0);
  const label = (r: PathResult) => `${r.cipher}/${r.mac}`;
  const openssh = new Map(results.filter((r) => r.kind === 'openssh').map((r) => [label(r), base(r)]));
  return results.map((r) => {
    const b = base(r);
    const ref = r.kind === 'porthole' ? openssh.get(label(r)) : undefined;
    const forwarded = r.kind !== 'direct';
    return {
      path: r.path,
      cipher: r.cipher === null ? '-' : [AES_GCM, CHACHA, AES_CTR].find((c) => c.cipher === r.cipher)?.label ?? r.cipher,
      pushMBps: round(b.push, 0),
      pullMBps: round(b.pull, 0),
      p50Us: round(b.p50, 0),
      p99Us: round(b.p99, 0),
      rttCount: r.rtt.samplesUs.length,
      throughputVsOpenssh: ref ? round(b.push / ref.push, 2) : null,
      pullVsOpenssh: ref ? round(b.pull / ref.pull, 2) : null,
      p50VsOpenssh: ref ? round(b.p50 / ref.p50, 2) : null,
      fwdCpuPct: forwarded ? median(r.push.cpu.map((c) => c.forwarder)) : null,
      fwdKernelPct: forwarded ? median(r.push.cpu.map((c) => c.forwarderKernel)) : null,
      sshdCpuPct: forwarded ? median(r.push.cpu.map((c) => c.sshd)) : null,
      fwdCpuSecPerGB: forwarded ? round(r.push.cpu.reduce((sum, c) => sum + c.forwarderSeconds, 0) / ((r.push.bytes * r.push.cpu.length) / 1e9), 2) : null,
      otherCpuPct: median(r.push.cpu.map((c) => c.other)),
      fwdCpuUsPerRtt: forwarded ? cpuPerRtt(r.rtt) : null,
      awake: {
        p50Us: round(b.p50Awake, 0),
        p99Us: round(percentile(r.rttAwake.samplesUs, 99), 0),
        p50VsOpenssh: ref ? round(b.p50Awake / ref.p50Awake, 2) : null,
        fwdCpuUsPerRtt: forwarded ? cpuPerRtt(r.rttAwake) : null,
      },
    };
  });
}

function printTable(summaries: readonly Summary[]): void {
  const ratio = (value: number | null) => (value === null ? '' : `${value.toFixed(2)}x`);
  const header = [
    'path', 'cipher', 'MB/s', 'p50 µs', 'p99 µs', 'MB/s vs ssh', 'p50 vs ssh',
    'pull MB/s', 'pull vs ssh', 'RTTs', 'awake p50', 'awake p99', 'awake p50 vs ssh',
    'fwd CPU% (kernel)', 'fwd s/GB', 'fwd µs/RTT (awake)', 'sshd CPU%', 'other CPU%',
  ];
  const rows = summaries.map((s) => [
    s.path,
    s.cipher,
    s.pushMBps,
    s.p50Us,
    s.p99Us,
    ratio(s.throughputVsOpenssh),
    ratio(s.p50VsOpenssh),
    s.pullMBps,
    ratio(s.pullVsOpenssh),
    s.rttCount,
    s.awake.p50Us,
    s.awake.p99Us,
    ratio(s.awake.p50VsOpenssh),
    s.fwdCpuPct === null ? '' : `${s.fwdCpuPct} (${s.fwdKernelPct})`,
    s.fwdCpuSecPerGB === null ? '' : s.fwdCpuSecPerGB.toFixed(2),
    s.fwdCpuUsPerRtt === null ? '' : `${s.fwdCpuUsPerRtt} (${s.awake.fwdCpuUsPerRtt})`,
    s.sshdCpuPct ?? '',
    s.otherCpuPct,
  ]);
  console.log(formatTable([header, ...rows]));
}

/**
 * All forwarders of `specs` stay up together; repetitions are interleaved across paths (rep 1
 * of every path, then rep 2, ...) so slow drift and other jobs hit every path alike.
 */
async function measurePaths(specs: readonly PathSpec[], host: TestHost, servers: LoadServers, options: Options, cleanups: (() => Promise<void>)[]): Promise<PathResult[]> {
  const running: { forwarder: Forwarder; result: PathResult }[] = [];
  try {
    for (const spec of specs) {
      const forwarder = await startForwarder(spec, host, servers);
      cleanups.push(() => forwarder.stop());
      running.push({
        forwarder,
        result: {
          path: spec.name,
          kind: spec.kind,
          cipher: spec.cipher?.cipher ?? null,
          mac: spec.cipher?.mac ?? null,
          addon: spec.addon ?? null,
          tuningName: spec.tuningName ?? null,
          tuning: spec.tuning ?? null,
          nodeFlags: spec.nodeFlags ?? [],
          paddingPool: spec.paddingPool ?? false,
          detail: forwarder.detail,
          push: { bytes: options.bytes, seconds: [], mbps: [], cpu: [] },
          pull: { bytes: options.bytes, seconds: [], mbps: [], cpu: [] },
          rtt: { size: 100, samplesUs: [], cpu: [] },
          rttAwake: { size: 100, samplesUs: [], cpu: [] },
        },
      });
    }
    const sshdPid = host.sshd.pid;
    // Warm-up: JIT, TCP windows, first channel opens.
    for (const { forwarder } of running) {
      await pushThrough(servers, forwarder.sinkPort, 32 * MiB);
      await pullThrough(forwarder.sourcePort, 32 * MiB);
      await pingPong(forwarder.echoPort, 10, options.warmupRounds, { budgetMs: 1_000 });
    }
    const quiet = new QuietWaiter(90_000);
    for (let rep = 0; rep < options.reps; rep++) {
      process.stdout.write(`  throughput rep ${rep + 1}/${options.reps}:`);
      for (const { forwarder, result } of running) {
        const meter = () => new CpuMeter(forwarder.pid, forwarder.pid === null ? null : sshdPid);
        await quiet.wait();
        const pushMeter = meter();
        const pushed = await pushThrough(servers, forwarder.sinkPort, options.bytes);
        result.push.cpu.push(pushMeter.read());
        result.push.seconds.push(pushed);
        result.push.mbps.push(options.bytes / 1e6 / pushed);

        await quiet.wait();
        const pullMeter = meter();
        const pulled = await pullThrough(forwarder.sourcePort, options.bytes);
        result.pull.cpu.push(pullMeter.read());
        result.pull.seconds.push(pulled);
        result.pull.mbps.push(options.bytes / 1e6 / pulled);
        process.stdout.write('.');
      }
      process.stdout.write('\n');
    }
    // Round trips in short blocks, cycling through the paths, so bursts of other load
    // spread over all of them; a block gets at most 500 ms (40 ms Nagle stalls).
    const cycles = 10;
    const perBlock = Math.ceil(options.rounds / cycles);
    let spinners: ChildProcess[] = [];
    cleanups.push(() => stopIdleSpinners(spinners));
    process.stdout.write(`  round trips, ${cycles} cycles (as is, then vCPUs kept awake):`);
    for (let cycle = 0; cycle < cycles; cycle++) {
      await quiet.wait();
      for (const awake of [false, true]) {
        if (awake) spinners = startIdleSpinners();
        for (const { forwarder, result } of running) {
          const rtt = awake ? result.rttAwake : result.rtt;
          const rounds = Math.min(perBlock, options.rounds - rtt.samplesUs.length);
          if (rounds <= 0) continue;
          // CPU is metered over the recorded round trips only (not connect, channel open, warm-up).
          let rttMeter: CpuMeter | null = null;
          const samples = await pingPong(forwarder.echoPort, rounds, RTT_BLOCK_WARMUP, {
            budgetMs: 500,
            onRecordStart: () => (rttMeter = new CpuMeter(forwarder.pid, forwarder.pid === null ? null : sshdPid)),
          });
          rtt.cpu.push((rttMeter as CpuMeter | null)?.read() ?? ZERO_CPU);
          rtt.samplesUs.push(...samples);
        }
        if (awake) await stopIdleSpinners(spinners);
      }
      process.stdout.write('.');
    }
    process.stdout.write('\n');
    console.log(`  (quiet checks for other jobs on the machine took ${round(quiet.spent / 1000, 0)} s)`);
  } finally {
    for (const { forwarder } of running) await forwarder.stop();
  }
  return running.map((r) => r.result);
}

// ---------------------------------------------------------------------------------------
// Modes

function porthole(cipher: CipherChoice, addon: boolean, tuning: PortholeTuning, tuningName: string, extra: Partial<PathSpec> = {}): PathSpec {
  const name = `porthole ${addon ? '+addon' : 'no-addon'}${tuningName === 'recommended' ? '' : ` (${tuningName})`}`;
  return { name, kind: 'porthole', cipher, addon, tuning, tuningName, ...extra };
}

function tableSpecs(): PathSpec[] {
  const specs: PathSpec[] = [{ name: 'direct loopback', kind: 'direct', cipher: null }];
  for (const cipher of CIPHERS) {
    specs.push({ name: 'openssh ssh -L', kind: 'openssh', cipher });
    specs.push(porthole(cipher, true, RECOMMENDED, 'recommended'));
    specs.push(porthole(cipher, false, RECOMMENDED, 'recommended'));
    specs.push(porthole(cipher, false, UNTUNED, 'untuned'));
  }
  return specs;
}

const SEMI_SPACE = ['--max-semi-space-size=64'];

/** One lever at a time on top of UNTUNED, then combinations; addon-less unless marked. */
function exploreSpecs(): PathSpec[] {
  const lever = (cipher: CipherChoice, name: string, tuning: PortholeTuning, extra: Partial<PathSpec> = {}) =>
    porthole(cipher, false, tuning, name, { name: `no-addon: ${name}`, ...extra });
  const aes: PathSpec[] = [
    { name: 'openssh ssh -L', kind: 'openssh', cipher: AES_GCM },
    lever(AES_GCM, 'untuned', UNTUNED),
    lever(AES_GCM, 'sshNoDelay', { ...UNTUNED, sshNoDelay: true }),
    lever(AES_GCM, 'localNoDelay', { ...UNTUNED, localNoDelay: true }),
    lever(AES_GCM, 'coalesce tick', { ...UNTUNED, coalesceSshWrites: 'tick' }),
    lever(AES_GCM, 'coalesce immediate', { ...UNTUNED, coalesceSshWrites: 'immediate' }),
    lever(AES_GCM, 'localHWM 1MiB', { ...UNTUNED, localHighWaterMark: MiB }),
    lever(AES_GCM, 'noDelay both', { ...UNTUNED, sshNoDelay: true, localNoDelay: true }),
    lever(AES_GCM, 'recommended', RECOMMENDED),
    lever(AES_GCM, 'recommended+ssh immediate', { ...RECOMMENDED, coalesceSshWrites: 'immediate' }),
    lever(AES_GCM, 'recommended+local tick', { ...RECOMMENDED, coalesceLocalWrites: 'tick' }),
    lever(AES_GCM, 'recommended+local immediate', { ...RECOMMENDED, coalesceLocalWrites: 'immediate' }),
    lever(AES_GCM, 'recommended+semi-space 32MB', RECOMMENDED, { nodeFlags: ['--max-semi-space-size=32'] }),
    lever(AES_GCM, 'recommended+semi-space 64MB', RECOMMENDED, { nodeFlags: SEMI_SPACE }),
    lever(AES_GCM, 'recommended+padding pool (ssh2 patch)', RECOMMENDED, { paddingPool: true }),
    { ...porthole(AES_GCM, true, UNTUNED, 'untuned'), name: '+addon: untuned' },
    { ...porthole(AES_GCM, true, RECOMMENDED, 'recommended'), name: '+addon: recommended' },
    { ...porthole(AES_GCM, true, RECOMMENDED, 'recommended'), name: '+addon: recommended+padding pool', paddingPool: true },
  ];
  const chacha: PathSpec[] = [
    { name: 'openssh ssh -L', kind: 'openssh', cipher: CHACHA },
    lever(CHACHA, 'untuned', UNTUNED),
    lever(CHACHA, 'coalesce tick', { ...UNTUNED, coalesceSshWrites: 'tick' }),
    lever(CHACHA, 'noDelay both', { ...UNTUNED, sshNoDelay: true, localNoDelay: true }),
    lever(CHACHA, 'recommended', RECOMMENDED),
    { ...porthole(CHACHA, true, RECOMMENDED, 'recommended'), name: '+addon: recommended' },
  ];
  const ctr: PathSpec[] = [{ name: 'openssh ssh -L', kind: 'openssh', cipher: AES_CTR }, lever(AES_CTR, 'recommended', RECOMMENDED)];
  const floor: PathSpec[] = [
    { name: 'direct loopback', kind: 'direct', cipher: null },
    { name: 'node pipe, no SSH (recommended)', kind: 'porthole', cipher: null, addon: false, tuning: RECOMMENDED, tuningName: 'recommended', plainProxy: true },
  ];
  return [...floor, ...aes, ...chacha, ...ctr];
}

interface ProfileRun {
  readonly path: string;
  readonly cipher: string;
  readonly workload: 'push' | 'pull' | 'pingpong';
  readonly result: string;
  readonly cpu: CpuShare;
  readonly summary: ProfileSummary;
}

/** V8 CPU profiles (250 µs sampling) of the Porthole child during each workload alone. */
async function profileRuns(host: TestHost, servers: LoadServers, options: Options, profDir: string, cleanups: (() => Promise<void>)[]): Promise<ProfileRun[]> {
  const out: ProfileRun[] = [];
  const specs = [
    porthole(AES_GCM, false, UNTUNED, 'untuned'),
    porthole(AES_GCM, false, RECOMMENDED, 'recommended'),
    porthole(CHACHA, false, RECOMMENDED, 'recommended'),
    porthole(AES_GCM, true, RECOMMENDED, 'recommended'),
  ];
  for (const spec of specs) {
    const forwarder = await startForwarder(spec, host, servers);
    cleanups.push(() => forwarder.stop());
    try {
      await pushThrough(servers, forwarder.sinkPort, 64 * MiB);
      await pullThrough(forwarder.sourcePort, 64 * MiB);
      await pingPong(forwarder.echoPort, 10, 300, { budgetMs: 1_000 });
      for (const workload of ['push', 'pull', 'pingpong'] as const) {
        const file = join(profDir, `${out.length}.cpuprofile`);
        let result = '';
        const meter = new CpuMeter(forwarder.pid, host.sshd.pid);
        await forwarder.profile!(file, 250, async () => {
          if (workload === 'push') result = `${round((2 * options.bytes) / 1e6 / (await pushThrough(servers, forwarder.sinkPort, 2 * options.bytes)), 0)} MB/s`;
          else if (workload === 'pull') result = `${round((2 * options.bytes) / 1e6 / (await pullThrough(forwarder.sourcePort, 2 * options.bytes)), 0)} MB/s`;
          else result = `p50 ${round(percentile(await pingPong(forwarder.echoPort, options.rounds, 0, { budgetMs: 5_000 }), 50), 0)} µs`;
        });
        const cpu = meter.read();
        const summary = summariseProfile(file);
        out.push({ path: spec.name, cipher: spec.cipher!.label, workload, result, cpu, summary });
        console.log(
          `\n== ${spec.name} ${spec.cipher!.label}, ${workload}: ${result}; child CPU ${cpu.forwarder}% of a core (${cpu.forwarderKernel}% kernel), ` +
            `sshd ${cpu.sshd}%; profile: ${summary.samples} samples, ${summary.idlePct}% "(idle)" (event loop incl. socket reads)`,
        );
        console.log(
          formatTable([
            ['self % of busy', 'total % of busy', 'function'],
            ...summary.top.slice(0, 15).map((f) => [f.selfBusyPct, f.totalBusyPct, f.fn]),
          ]),
        );
        console.log(`  self time by area (% of busy): ${summary.byArea.slice(0, 10).map((a) => `${a.area} ${a.busyPct}`).join(', ')}`);
      }
    } finally {
      await forwarder.stop();
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (process.platform !== 'linux' || process.getuid?.() !== 0) throw new Error('bench:tunnel runs as root on Linux (it creates a test user and starts sshd).');

  for (const stale of staleTestUsers()) await removeTestUser(stale);
  const root = createRunRoot('bench');
  process.env[RUN_ROOT_ENV] = root;

  const cleanups: (() => Promise<void>)[] = [];
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    const errors: unknown[] = [];
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    const leftovers = leftoverProcesses(root);
    if (leftovers.length > 0) {
      await terminate(leftovers.map((p) => p.pid));
      errors.push(new Error(`left running (now killed): ${leftovers.map((p) => `${p.pid} ${p.cmdline}`).join('; ')}`));
    }
    for (const user of leftoverUsers(root)) await removeTestUser(user);
    rmSync(root, { recursive: true, force: true });
    if (errors.length > 0) throw errors[0];
  };
  const onSignal = (sig: NodeJS.Signals) => {
    console.error(`\n${sig}: cleaning up...`);
    cleanup().then(
      () => process.exit(130),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const started = Date.now();
  try {
    const servers = await LoadServers.start();
    cleanups.push(() => servers.close());
    const host = await startTestHost();
    cleanups.push(() => host.stop());
    mkdirSync(RESULTS_DIR, { recursive: true });
    const stamp = new Date().toISOString().replace(/:/g, '-');
    const machine = {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      node: process.version,
      openssh: spawnSync('/usr/bin/ssh', ['-V'], { encoding: 'utf8' }).stderr.trim(),
    };
    console.log(
      `bench:tunnel ${options.mode}: ${options.bytes / MiB} MiB x ${options.reps} reps each way, ${options.rounds} x 100-byte round trips; ` +
        `sshd 127.0.0.1:${host.port}; ${machine.cpus} CPUs, Node ${process.version}, ${machine.openssh}`,
    );

    if (options.mode === 'profile') {
      const profDir = mkdtempSync(join(tmpdir(), 'porthole-bench-prof-'));
      cleanups.push(async () => rmSync(profDir, { recursive: true, force: true }));
      const profiles = await profileRuns(host, servers, options, profDir, cleanups);
      const file = join(RESULTS_DIR, `tunnel-profile-${stamp}.json`);
      writeFileSync(file, `${JSON.stringify({ mode: 'profile', machine, options, profiles }, null, 2)}\n`);
      console.log(`\nwrote ${file}`);
    } else {
      const all = options.mode === 'explore' ? exploreSpecs() : tableSpecs();
      const specs = options.only.length === 0 ? all : all.filter((spec) => options.only.some((part) => `${spec.name} ${spec.cipher?.label ?? ''}`.includes(part)));
      const results = await measurePaths(specs, host, servers, options, cleanups);
      const summaries = summarise(results);
      console.log(
        `\nMB/s = 10^6 bytes/s, median of ${options.reps} x ${options.bytes / MiB} MiB pushed to a sink at the far end (pull: from a source at the far end);` +
          ` p50/p99 over ${options.rounds} 100-byte round trips (awake: every vCPU kept busy by a SCHED_IDLE loop, so no VM halt/wake-up latency);` +
          ` "vs ssh" = Porthole / OpenSSH with the same cipher; CPU% = % of one core during the push; fwd s/GB = forwarder CPU seconds per GB pushed;` +
          ` fwd µs/RTT = forwarder CPU per round trip; other = CPU% of other jobs on the machine during the push.\n`,
      );
      printTable(summaries);
      const file = join(RESULTS_DIR, `tunnel-${options.mode === 'explore' ? 'explore-' : ''}${stamp}.json`);
      writeFileSync(
        file,
        `${JSON.stringify({ mode: options.mode, startedAt: new Date(started).toISOString(), machine, options, recommendedTuning: RECOMMENDED, summaries, results }, null, 2)}\n`,
      );
      console.log(`\nwrote ${file}`);
    }
  } finally {
    await cleanup();
    console.log(`total ${round((Date.now() - started) / 1000, 0)} s`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
