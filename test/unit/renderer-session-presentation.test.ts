import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../main/ipc/contract';
import { needsClock, presentSession } from '../../renderer/src/hosts/session-presentation';

const NOTEBOOK = { url: 'http://127.0.0.1:8888/lab', localPort: 8888, remotePort: 8890, serverPid: 1, reused: false, flavour: 'lab', version: '4.2.5', rootDir: '/home/u' } as const;
const at = (state: SessionView['state'], mode: SessionView['mode'] = 'notebook'): SessionView => ({ host: 'vm', mode, state, startedAt: 0, startedServer: true, cloud: null });
const facts = { hasForwards: false };
const present = (s: SessionView | undefined, now = 0) => presentSession(s, facts, now);
const kinds = (actions: readonly { kind: string }[]) => actions.map((a) => a.kind);
const CLOUD: NonNullable<SessionView['cloud']> = {
  provider: 'aws',
  machineId: 'i-0a11c0ffee0000001',
  machine: { name: 'gpu-a', state: 'pending', instanceType: 'g4dn.xlarge', region: 'eu-central-1' },
  address: null,
  startedByPorthole: true,
  runningSince: 1_000,
  price: { usdPerHour: 0.658, asOf: '2025-01-15' },
  costSoFar: 0,
  idle: null,
  vmStop: { kind: 'none' },
};

describe('what a host card shows for each session state', () => {
  it('no session: Not connected, Launch notebook, Edit/Remove in the menu (Connect forwards only when the host has forwards)', () => {
    const view = present(undefined);
    expect([view.label, view.tone, view.primary?.label]).toEqual(['Not connected', 'neutral', 'Launch notebook']);
    expect(kinds(view.menu)).toEqual(['edit', 'remove']);
    expect(kinds(presentSession(undefined, { hasForwards: true }, 0).menu)).toEqual(['connect-forwards', 'edit', 'remove']);
  });

  it('connecting: busy, Cancel, step 1 of 5; later attempts are counted', () => {
    const view = present(at({ kind: 'connecting', attempt: 1 }));
    expect([view.label, view.tone, view.primary?.kind, view.progress?.step, view.progress?.of]).toEqual(['Connecting', 'busy', 'cancel', 1, 5]);
    expect(present(at({ kind: 'connecting', attempt: 3 })).detail).toContain('attempt 3');
  });

  it.each([
    [null, false, 'Asking the cloud how the VM is'],
    ['stopping', false, 'The VM is still stopping; Porthole starts it again once it has'],
    ['deallocating', false, 'The VM is still deallocating; Porthole starts it again once it has'],
    ['deallocated', false, 'Asking the cloud to start the VM'],
    ['pending', true, 'The cloud is starting the VM; this takes a minute or two'],
    ['pending', false, 'The VM is starting'],
  ] as const)('starting-vm (cloud says %s): Starting VM, its words, Cancel', (machineState, startedByPorthole, words) => {
    const view = present(at({ kind: 'starting-vm', machineState, startedByPorthole }));
    expect([view.label, view.tone, view.primary?.label, view.detail]).toEqual(['Starting VM', 'busy', 'Cancel', words]);
  });

  it('starting-vm of a known machine: names the cloud and the VM', () => {
    const session = { ...at({ kind: 'starting-vm', machineState: 'pending', startedByPorthole: true }), cloud: CLOUD };
    expect(present(session).detail).toBe('AWS is starting “gpu-a”; this takes a minute or two');
    expect(present({ ...session, state: { kind: 'starting-vm', machineState: null, startedByPorthole: false } }).detail).toBe('Asking AWS how “gpu-a” is');
    expect(present({ ...session, cloud: { ...CLOUD, provider: 'azure' }, state: { kind: 'starting-vm', machineState: 'deallocated', startedByPorthole: false } }).detail).toBe('Asking Azure to start “gpu-a”');
  });

  it('waiting-for-ssh: Waiting for SSH, the address, the try after the first, Cancel', () => {
    const first = present(at({ kind: 'waiting-for-ssh', address: '203.0.113.7', attempt: 0 }));
    expect([first.label, first.tone, first.primary?.label]).toEqual(['Waiting for SSH', 'busy', 'Cancel']);
    expect(first.detail).toContain('waiting for its SSH server at 203.0.113.7 to answer.');
    expect(present(at({ kind: 'waiting-for-ssh', address: '203.0.113.7', attempt: 2 })).detail).toContain('(try 3)');
  });

  it('a cloud host counts seven launch steps: the VM, SSH, then the five of any host', () => {
    const cloud = (state: SessionView['state']) => present({ ...at(state), cloud: CLOUD }).progress;
    expect(cloud({ kind: 'starting-vm', machineState: 'pending', startedByPorthole: true })).toMatchObject({ step: 1, of: 7 });
    expect(cloud({ kind: 'waiting-for-ssh', address: '203.0.113.7', attempt: 0 })).toMatchObject({ step: 2, of: 7, text: 'Waiting for SSH at 203.0.113.7' });
    expect(cloud({ kind: 'connecting', attempt: 1 })).toMatchObject({ step: 3, of: 7 });
    expect(cloud({ kind: 'starting-jupyter', phase: 'probing', reusing: false })).toMatchObject({ step: 7, of: 7 });
    // Forwards only: no launch steps to count.
    expect(present({ ...at({ kind: 'starting-vm', machineState: null, startedByPorthole: false }, 'forwards'), cloud: CLOUD }).progress).toBeNull();
  });

  it('awaiting-user: Waiting for you, Cancel', () => {
    const view = present(at({ kind: 'awaiting-user', promptId: 'p' }));
    expect([view.label, view.tone, view.primary?.label]).toEqual(['Waiting for you', 'waiting', 'Cancel']);
  });

  it.each([
    ['locating', false, 2, 'Looking for Jupyter'],
    ['starting', false, 3, 'Starting Jupyter on the VM'],
    ['starting', true, 3, 'Reusing the Jupyter server'],
    ['forwarding', false, 4, 'Forwarding'],
    ['probing', false, 5, 'Checking that the notebook answers'],
  ] as const)('starting-jupyter %s (reusing %s): step %i with its own words, Cancel', (phase, reusing, step, words) => {
    const view = present(at({ kind: 'starting-jupyter', phase, reusing }));
    expect(view.label).toBe('Starting Jupyter');
    expect(view.progress?.step).toBe(step);
    expect(view.detail).toContain(words);
    expect(view.primary?.label).toBe('Cancel');
  });

  it('ready with a notebook: Ready on 127.0.0.1:PORT, Open, Disconnect beside it, Stop server in the menu', () => {
    const view = present(at({ kind: 'ready', notebook: NOTEBOOK, forwards: [], reconnected: false }));
    expect([view.label, view.tone, view.primary?.label, view.secondary?.label]).toEqual(['Ready on 127.0.0.1:8888', 'success', 'Open', 'Disconnect']);
    expect(kinds(view.menu)).toContain('stop-server');
    expect(present(at({ kind: 'ready', notebook: NOTEBOOK, forwards: [], reconnected: true })).detail).toContain('Reconnected');
  });

  it("ready on the VM's own JupyterHub: says so, with the certificate note when the hub has one", () => {
    const hub = { ...NOTEBOOK, serverPid: 0, hub: { scheme: 'https', certificateNote: 'Your browser warns about the certificate: the Data Science VM made its own.' } } as const;
    const view = present(at({ kind: 'ready', notebook: hub, forwards: [], reconnected: false }));
    expect(view.detail).toBe('The VM’s own JupyterHub: log in with your hub account. Your browser warns about the certificate: the Data Science VM made its own.');
    expect(present(at({ kind: 'ready', notebook: { ...hub, hub: { scheme: 'http', certificateNote: null } }, forwards: [], reconnected: false })).detail).toBe('The VM’s own JupyterHub: log in with your hub account.');
  });

  it('ready with forwards only: Connected, the ports, Disconnect', () => {
    const view = present(at({ kind: 'ready', notebook: null, forwards: [{ spec: { kind: 'dynamic', bindHost: '127.0.0.1', bindPort: 1080 }, boundPort: 1080 }], reconnected: false }, 'forwards'));
    expect([view.label, view.primary?.label]).toEqual(['Connected', 'Disconnect']);
    expect(view.detail).toContain('1080');
  });

  it('reconnecting: counts down to retryAt in whole seconds, then says Reconnecting', () => {
    const state = { kind: 'reconnecting', attempt: 2, retryAt: 10_000, notebook: NOTEBOOK, error: { code: 'ssh.connection-lost', message: 'The connection dropped.', retryable: true } } as const;
    expect(present(at(state), 0).label).toBe('Reconnecting in 10 s');
    expect(present(at(state), 8_500).label).toBe('Reconnecting in 2 s');
    expect(present(at(state), 12_000).label).toBe('Reconnecting');
    const view = present(at(state), 0);
    expect([view.tone, view.primary?.label, view.secondary?.label]).toEqual(['warning', 'Retry now', 'Disconnect']);
    expect(view.detail).toContain('The connection dropped.');
  });

  it('failed: the engine message and hint as they are, Retry', () => {
    const error = { code: 'ssh.auth-failed', message: 'The VM refused the key.', hint: 'Check the user name.', retryable: true };
    const view = present(at({ kind: 'failed', error }));
    expect([view.label, view.tone, view.primary?.label, view.error]).toEqual(['Failed', 'danger', 'Retry', error]);
  });

  it('failed with a changed host key: says so, Retry plus "What happened?"', () => {
    const view = present(at({ kind: 'failed', error: { code: 'ssh.hostkey-changed', message: 'Changed.', retryable: false } }));
    expect([view.label, view.primary?.label, view.secondary?.kind]).toEqual(['Host key changed', 'Retry', 'show-hostkey']);
  });

  it('server-stopped, stopping and closed', () => {
    expect(present(at({ kind: 'server-stopped', notebook: NOTEBOOK })).primary?.label).toBe('Launch notebook');
    const stopping = present(at({ kind: 'stopping' }));
    expect([stopping.label, stopping.primary]).toEqual(['Stopping', null]);
    const closed = present(at({ kind: 'closed', leftRunning: { server: 'vm', pid: 9, remotePort: 8890, rootDir: '/home/u', reason: 'kept' } }));
    expect([closed.label, closed.primary?.label]).toEqual(['Not connected', 'Launch notebook']);
    expect(closed.detail).toContain('still running');
  });

  it('the card ticks for a reconnect count-down, an idle count-down and a running cost; not otherwise', () => {
    const ready = { kind: 'ready', notebook: NOTEBOOK, forwards: [], reconnected: false } as const;
    expect(needsClock(undefined)).toBe(false);
    expect(needsClock(at(ready))).toBe(false);
    expect(needsClock({ ...at(ready), cloud: CLOUD })).toBe(true);
    expect(needsClock({ ...at(ready), cloud: { ...CLOUD, price: null, idle: { afterMinutes: 30, idleSince: 0, stopAt: 60_000 } } })).toBe(true);
    expect(needsClock({ ...at(ready), cloud: { ...CLOUD, price: null, idle: { afterMinutes: 30, idleSince: 0, stopAt: null } } })).toBe(false);
  });
});
