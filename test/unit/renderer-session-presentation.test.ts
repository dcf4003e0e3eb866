import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../main/ipc/contract';
import { presentSession } from '../../renderer/src/hosts/session-presentation';

const NOTEBOOK = { url: 'http://127.0.0.1:8888/lab', localPort: 8888, remotePort: 8890, serverPid: 1, reused: false, flavour: 'lab', version: '4.2.5', rootDir: '/home/u' } as const;
const at = (state: SessionView['state'], mode: SessionView['mode'] = 'notebook'): SessionView => ({ host: 'vm', mode, state, startedAt: 0, startedServer: true, cloud: null });
const facts = { hasForwards: false };
const present = (s: SessionView | undefined, now = 0) => presentSession(s, facts, now);
const kinds = (actions: readonly { kind: string }[]) => actions.map((a) => a.kind);

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
    [null, 'Asking the cloud about the VM'],
    ['stopping', 'Waiting for the VM to finish stopping before starting it'],
    ['deallocated', 'Starting the VM'],
    ['pending', 'The VM is starting'],
  ] as const)('starting-vm (cloud says %s): Starting VM, its words, Cancel', (machineState, words) => {
    const view = present(at({ kind: 'starting-vm', machineState, startedByPorthole: machineState === 'pending' }));
    expect([view.label, view.tone, view.primary?.label, view.detail]).toEqual(['Starting VM', 'busy', 'Cancel', words]);
  });

  it('waiting-for-ssh: Waiting for the VM at its address, Cancel', () => {
    const view = present(at({ kind: 'waiting-for-ssh', address: '203.0.113.7', attempt: 3 }));
    expect([view.label, view.tone, view.primary?.label]).toEqual(['Waiting for the VM', 'busy', 'Cancel']);
    expect(view.detail).toContain('203.0.113.7');
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
});
