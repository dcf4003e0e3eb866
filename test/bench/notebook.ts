/**
 * `npm run bench:notebook`: how long "one command to a working notebook" takes against the
 * local sshd + Debian's Jupyter, in one run:
 *   - cold start: no server running; command to first 200, split by phase (ssh, locate,
 *     start, forward, first 200);
 *   - warm start: a server is running and is reused;
 *   - reference: the same Jupyter started directly on this machine, as the same user, to
 *     its first 200 (the physical limit of a cold start).
 * Prints a table with ratios and writes JSON to bench/results/notebook-<time>.json.
 * Options: --reps=<n> (default 5).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NotebookSession, type PhaseTimings } from '../../main/session/notebook-session';
import { startTestHost, type TestHost } from '../env/host';
import { freePort } from '../env/ports';
import { terminate } from '../env/processes';
import { createRunRoot, RUN_ROOT_ENV } from '../env/run-dir';
import { removeTestUser, staleTestUsers } from '../env/test-user';
import { waitFor } from '../env/wait';
import { connectionTo } from '../integration/support/connect';
import { formatTable, median, round } from './stats';

const REPS = Number(/^--reps=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--reps=')) ?? '')?.[1] ?? 5);
const PHASES = ['ssh', 'locate', 'start', 'forward', 'probe'] as const;

function session(host: TestHost, stopServerOnClose: boolean): NotebookSession {
  return new NotebookSession(connectionTo(host), { flavour: 'auto', env: { kind: 'auto' }, rootDir: null, password: null, localPort: null, stopServerOnClose });
}

async function timedStart(host: TestHost, stopServerOnClose: boolean): Promise<{ totalMs: number; phases: PhaseTimings; reused: boolean; session: NotebookSession }> {
  const s = session(host, stopServerOnClose);
  const started = performance.now();
  const notebook = await s.start();
  return { totalMs: performance.now() - started, phases: { ...s.timings }, reused: notebook.reused, session: s };
}

/** Jupyter started directly (no SSH), as the same user, to its first 200. */
async function reference(host: TestHost): Promise<number> {
  const port = await freePort();
  const token = 'bench-reference-token';
  const started = performance.now();
  const child = spawn('/usr/sbin/runuser', ['-u', host.user.name, '--', 'jupyter', 'notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--NotebookApp.port_retries=0'], {
    env: { PATH: '/usr/bin:/bin', HOME: host.user.home, JUPYTER_TOKEN: token },
    cwd: host.user.home,
    stdio: 'ignore',
  });
  try {
    await waitFor('the reference Jupyter', async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/status`, { headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(2_000) });
        return response.status === 200;
      } catch {
        return false;
      }
    }, { timeoutMs: 30_000, intervalMs: 10 });
    return performance.now() - started;
  } finally {
    await fetch(`http://127.0.0.1:${port}/api/shutdown`, { method: 'POST', headers: { Authorization: `token ${token}` } }).catch(() => undefined);
    await waitFor('the reference Jupyter to exit', () => child.exitCode !== null || child.signalCode !== null, { timeoutMs: 10_000 }).catch(() => terminate(child.pid ? [child.pid] : []));
  }
}

async function main(): Promise<void> {
  for (const stale of staleTestUsers()) await removeTestUser(stale);
  const root = createRunRoot('bench');
  process.env[RUN_ROOT_ENV] = root;
  const host = await startTestHost();
  const cold: { totalMs: number; phases: PhaseTimings }[] = [];
  const warm: number[] = [];
  const warmPhases: PhaseTimings[] = [];
  const refs: number[] = [];
  try {
    // One unmeasured round: first-run costs (Python bytecode caches, Jupyter's dirs) are not what a user sees twice.
    await (await timedStart(host, true)).session.stop();
    await reference(host);
    for (let rep = 0; rep < REPS; rep++) {
      refs.push(await reference(host));
      const c = await timedStart(host, false);
      if (c.reused) throw new Error('cold start reused a server');
      cold.push({ totalMs: c.totalMs, phases: c.phases });
      await c.session.stop();
      const w = await timedStart(host, true);
      if (!w.reused) throw new Error('warm start did not reuse the server');
      warm.push(w.totalMs);
      warmPhases.push(w.phases);
      await w.session.stop();
    }
  } finally {
    await host.stop();
    rmSync(root, { recursive: true, force: true });
  }

  const ref = median(refs);
  const coldTotal = median(cold.map((c) => c.totalMs));
  const phase = (name: (typeof PHASES)[number]) => median(cold.map((c) => c.phases[name] ?? 0));
  const rows: (string | number)[][] = [
    ['measurement', 'median ms', 'vs reference', 'target'],
    ['reference: Jupyter started directly to first 200', round(ref), '1.00x', ''],
    ['cold start: command to first 200', round(coldTotal), `${round(coldTotal / ref, 2)}x (+${round(coldTotal - ref)} ms)`, `<= reference + 300 ms: ${coldTotal <= ref + 300 ? 'met' : 'NOT met'}`],
    ...PHASES.map((name) => [`  cold phase: ${name === 'probe' ? 'first 200' : name}`, round(phase(name)), '', '']),
    ['warm start (reuse running server)', round(median(warm)), `${round(median(warm) / ref, 2)}x`, `<= 300 ms: ${median(warm) <= 300 ? 'met' : 'NOT met'}`],
    ...PHASES.map((name) => [`  warm phase: ${name === 'probe' ? 'first 200' : name}`, round(median(warmPhases.map((p) => p[name] ?? 0))), '', '']),
  ];
  console.log(`\nbench:notebook — ${REPS} repetitions, medians\n`);
  console.log(formatTable(rows));
  const results = { when: new Date().toISOString(), reps: REPS, referenceMs: refs, cold, warmMs: warm, warmPhases };
  const dir = resolve(__dirname, '../../bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `notebook-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
