/**
 * Idle auto-stop against Debian's real Jupyter, through Porthole's own forward: an idle
 * notebook warns and then stops the VM (the watcher's own polls do not count as activity),
 * and a kernel running a cell is activity that calls the stop off. The clock is the
 * test's; only the polling is real.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NotebookSession } from '../../main/session/notebook-session';
import { idleSettings } from '../../main/session/idle-stop-state';
import { IdleWatcher, type IdleEvent } from '../../main/session/idle-watcher';
import { startTestHost, type TestHost } from '../env/host';
import { connectSsh, keyLogin } from '../env/ssh-client';
import { waitFor } from '../env/wait';
import { asUser, notebookSession } from './support/notebook';

const MIN = 60_000;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function readyNotebook(): Promise<{ host: TestHost; session: NotebookSession }> {
  const host = await startTestHost();
  cleanups.push(() => host.stop());
  const session = notebookSession(host);
  cleanups.push(() => session.stop());
  await session.start();
  return { host, session };
}

/** A watcher on a test clock; returns what it said and how often it stopped the VM. */
function watcher(session: NotebookSession, options: { pollMs?: number; now?: () => number; settings?: ReturnType<typeof idleSettings> } = {}) {
  const events: IdleEvent[] = [];
  const stops: number[] = [];
  const watch = new IdleWatcher({
    settings: options.settings ?? idleSettings(30),
    api: () => session.apiAccess(),
    stopMachine: async () => void stops.push(Date.now()),
    onEvent: (event) => events.push(event),
    ...(options.now ? { now: options.now } : {}),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
  });
  cleanups.push(async () => watch.dispose());
  return { watch, events, stops };
}

async function api(session: NotebookSession, path: string, init: RequestInit = {}): Promise<unknown> {
  const access = session.apiAccess()!;
  const response = await fetch(new URL(path, access.baseUrl), { ...init, headers: { Authorization: `token ${access.token}` }, signal: AbortSignal.timeout(10_000) });
  expect(response.ok).toBe(true);
  return response.json();
}

describe('idle auto-stop against a real Jupyter', () => {
  it('an idle notebook gets a warning with the stop time, then the VM is stopped once', async () => {
    const { session } = await readyNotebook();
    let clock = 0;
    const { watch, events, stops } = watcher(session, { now: () => clock });
    await watch.pollOnce();
    clock = 10 * MIN;
    await watch.pollOnce();
    expect(events).toEqual([]);
    clock = 26 * MIN;
    await watch.pollOnce();
    expect(events).toEqual([{ kind: 'idle-warning', idleSince: 0, stopAt: 30 * MIN, at: 26 * MIN }]);
    expect(watch.status()).toEqual({ idleSince: 0, stopAt: 30 * MIN });
    clock = 30 * MIN;
    await watch.pollOnce();
    await watch.pollOnce();
    expect(events).toEqual([{ kind: 'idle-warning', idleSince: 0, stopAt: 30 * MIN, at: 26 * MIN }, { kind: 'idle-stopping', idleSince: 0 }, { kind: 'idle-stopped' }]);
    expect(stops).toHaveLength(1);
  });

  it('a kernel started and busy is activity: the warning is called off, and a long silent cell keeps the VM up', async () => {
    const { host, session } = await readyNotebook();
    const kernel = (await api(session, 'api/kernels', { method: 'POST', body: '{}' })) as { id: string };
    let clock = 0;
    const { watch, events, stops } = watcher(session, { now: () => clock });
    await watch.pollOnce();
    clock = 26 * MIN;
    await watch.pollOnce();
    expect(events.map((e) => e.kind)).toEqual(['idle-warning']);

    // Run a long, silent cell in that kernel, as a notebook tab would, through the kernel's own channels.
    const ssh = await connectSsh(keyLogin(host));
    cleanups.push(async () => ssh.end());
    await asUser(ssh, busyKernelScript(kernel.id));
    await waitFor('Jupyter to report the kernel busy', async () => ((await api(session, 'api/kernels?no_track_activity=1')) as { execution_state: string }[]).some((k) => k.execution_state === 'busy'));

    clock = 27 * MIN;
    await watch.pollOnce();
    expect(events.map((e) => e.kind)).toEqual(['idle-warning', 'idle-cancelled']);
    // The cell prints nothing for an hour, so Jupyter's last activity stands still; busy alone keeps the VM up.
    clock = 90 * MIN;
    await watch.pollOnce();
    expect(events.map((e) => e.kind)).toEqual(['idle-warning', 'idle-cancelled']);
    expect(stops).toEqual([]);
  });

  it('polls by itself once started', async () => {
    const { session } = await readyNotebook();
    // Each poll reads the clock once, and the clock moves a minute per read: warn at the third poll, stop at the fourth.
    let clock = 0;
    const { watch, events, stops } = watcher(session, { pollMs: 20, now: () => (clock += MIN), settings: { idleMs: 3 * MIN, warnBeforeMs: MIN } });
    watch.start();
    await waitFor('the watcher to stop the VM', () => stops.length === 1);
    expect(events).toEqual([{ kind: 'idle-warning', idleSince: MIN, stopAt: 4 * MIN, at: 3 * MIN }, { kind: 'idle-stopping', idleSince: MIN }, { kind: 'idle-stopped' }]);
  });
});

/** Executes `time.sleep(3600)` in the kernel through jupyter_client and returns once the kernel says busy. */
function busyKernelScript(kernelId: string): string {
  return `set -e
python3 - <<'PY'
import os
from jupyter_client import BlockingKernelClient
from jupyter_core.paths import jupyter_runtime_dir
client = BlockingKernelClient(connection_file=os.path.join(jupyter_runtime_dir(), 'kernel-${kernelId}.json'))
client.load_connection_file()
client.start_channels()
client.wait_for_ready(timeout=60)
client.execute('import time; time.sleep(3600)')
while True:
    msg = client.get_iopub_msg(timeout=60)
    if msg['msg_type'] == 'status' and msg['content']['execution_state'] == 'busy' and msg['parent_header'].get('msg_type') == 'execute_request':
        break
client.stop_channels()
PY
`;
}
