/** Snapshot builders for the shell's pure logic: the smallest valid views, overridable. */
import type { ErrorView, HostView, NotebookView, SessionStateView, SessionView } from '../../main/ipc/contract';

export function hostView(name: string, overrides: Partial<HostView> = {}): HostView {
  return {
    name,
    host: `${name}.example.net`,
    port: 22,
    user: 'ubuntu',
    key: null,
    jumpHosts: [],
    forwards: [],
    jupyter: { flavour: 'auto', env: { kind: 'auto' }, rootDir: null, auth: 'token', localPort: null, stopOnDisconnect: false, passwordSaved: false, hub: null },
    cloud: null,
    ...overrides,
  };
}

export const notebook: NotebookView = {
  url: 'http://127.0.0.1:8888/lab',
  localPort: 8888,
  remotePort: 8888,
  serverPid: 4242,
  reused: false,
  flavour: 'lab',
  version: '4.2.0',
  rootDir: '/home/ubuntu',
};

export const lostLink: ErrorView = { code: 'ssh.connection-lost', message: 'The connection to the VM dropped.', retryable: true };
export const authFailed: ErrorView = {
  code: 'ssh.auth-failed',
  message: 'The VM refused the key.',
  hint: 'Add this public key to ~/.ssh/authorized_keys on the VM.',
  retryable: false,
};

export const states = {
  startingVm: { kind: 'starting-vm', machineState: 'pending', startedByPorthole: true },
  waitingVm: { kind: 'starting-vm', machineState: 'stopping', startedByPorthole: false },
  waitingForSsh: { kind: 'waiting-for-ssh', address: '203.0.113.7', attempt: 2 },
  connecting: { kind: 'connecting', attempt: 1 },
  awaiting: { kind: 'awaiting-user', promptId: 'p1' },
  starting: { kind: 'starting-jupyter', phase: 'starting', reusing: false },
  ready: { kind: 'ready', notebook, forwards: [], reconnected: false },
  readyAgain: { kind: 'ready', notebook, forwards: [], reconnected: true },
  reconnecting: { kind: 'reconnecting', attempt: 1, retryAt: 0, error: lostLink, notebook },
  serverStopped: { kind: 'server-stopped', notebook },
  stopping: { kind: 'stopping' },
  closed: { kind: 'closed', leftRunning: null },
  failed: { kind: 'failed', error: authFailed },
} as const satisfies Record<string, SessionStateView>;

export function sessionView(host: string, state: SessionStateView, overrides: Partial<SessionView> = {}): SessionView {
  return { host, mode: 'notebook', state, startedAt: 0, startedServer: true, cloud: null, ...overrides };
}
