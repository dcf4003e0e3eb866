/**
 * The host editor's form: every field as the user typed it (text, so half-typed numbers
 * survive), and the conversions from a saved host and to what `hosts:save` takes.
 */
import type { CloudLinkView, CommandArgs, ForwardView, HostView, JupyterHubView, KeyRefView } from '../../../main/ipc/contract';

/** What `hosts:save` takes as `host` (the contract's own input type). */
export type HostInput = CommandArgs<'hosts:save'>['host'];

export interface ForwardDraft {
  readonly kind: ForwardView['kind'];
  /** Kept as saved; new forwards listen on 127.0.0.1 only. */
  readonly bindHost: string;
  readonly bindPort: string;
  /** remote forwards: the local host; local forwards: the remote host. */
  readonly targetHost: string;
  readonly targetPort: string;
}

export interface HostDraft {
  readonly name: string;
  readonly host: string;
  readonly user: string;
  readonly port: string;
  /** `agent` means ssh-agent / the default keys (~/.ssh/id_*). */
  readonly key: KeyRefView;
  readonly jumpHosts: readonly { readonly host: string; readonly user: string; readonly port: string }[];
  readonly flavour: 'auto' | 'lab' | 'notebook' | 'server';
  readonly condaEnv: string;
  readonly rootDir: string;
  readonly localPort: string;
  readonly auth: 'token' | 'password';
  readonly notebookPassword: string;
  readonly passwordSaved: boolean;
  readonly stopOnDisconnect: boolean;
  /** The JupyterHub already on the VM that Porthole opens instead of starting Jupyter; null: none. */
  readonly hub: JupyterHubView | null;
  readonly forwards: readonly ForwardDraft[];
  /** The cloud machine this host is (read-only here), or null: a plain host, or one the user unlinked. */
  readonly cloud: CloudLinkView | null;
  /** The saved host had a link: a null `cloud` then means "unlink" when saved. */
  readonly hadCloud: boolean;
  /** Cost safety of a cloud host. */
  readonly stopVmOnDisconnect: boolean;
  readonly idleStop: boolean;
  readonly idleMinutes: string;
}

/** What the idle-minutes field starts at when idle stop is turned on. */
export const DEFAULT_IDLE_MINUTES = '60';

export function emptyDraft(defaultKey: string | null): HostDraft {
  return {
    name: '',
    host: '',
    user: '',
    port: '',
    key: defaultKey === null ? { kind: 'agent' } : { kind: 'vault', name: defaultKey },
    jumpHosts: [],
    flavour: 'auto',
    condaEnv: '',
    rootDir: '',
    localPort: '',
    auth: 'token',
    notebookPassword: '',
    passwordSaved: false,
    stopOnDisconnect: false,
    hub: null,
    forwards: [],
    cloud: null,
    hadCloud: false,
    stopVmOnDisconnect: false,
    idleStop: false,
    idleMinutes: DEFAULT_IDLE_MINUTES,
  };
}

export function draftFromHost(host: HostView): HostDraft {
  const idleMinutes = host.cloud?.idleStopMinutes ?? null;
  return {
    name: host.name,
    host: host.host,
    user: host.user ?? '',
    port: host.port === 22 ? '' : String(host.port),
    key: host.key ?? { kind: 'agent' },
    jumpHosts: host.jumpHosts.map((j) => ({ host: j.host, user: j.user ?? '', port: j.port === 22 ? '' : String(j.port) })),
    flavour: host.jupyter.flavour,
    condaEnv: host.jupyter.env.kind === 'conda' ? host.jupyter.env.name : '',
    rootDir: host.jupyter.rootDir ?? '',
    localPort: host.jupyter.localPort === null ? '' : String(host.jupyter.localPort),
    auth: host.jupyter.auth,
    notebookPassword: '',
    passwordSaved: host.jupyter.passwordSaved,
    stopOnDisconnect: host.jupyter.stopOnDisconnect,
    hub: host.jupyter.hub,
    forwards: host.forwards.map(forwardDraft),
    cloud: host.cloud,
    hadCloud: host.cloud !== null,
    stopVmOnDisconnect: host.cloud?.stopVmOnDisconnect ?? false,
    idleStop: idleMinutes !== null,
    idleMinutes: idleMinutes !== null ? String(idleMinutes) : DEFAULT_IDLE_MINUTES,
  };
}

function forwardDraft(f: ForwardView): ForwardDraft {
  switch (f.kind) {
    case 'local':
      return { kind: 'local', bindHost: f.bindHost, bindPort: String(f.bindPort), targetHost: f.remoteHost, targetPort: String(f.remotePort) };
    case 'remote':
      return { kind: 'remote', bindHost: f.bindHost, bindPort: String(f.bindPort), targetHost: f.localHost, targetPort: String(f.localPort) };
    case 'dynamic':
      return { kind: 'dynamic', bindHost: f.bindHost, bindPort: String(f.bindPort), targetHost: '', targetPort: '' };
  }
}

const num = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

export function hostInputFromDraft(draft: HostDraft): HostInput {
  const port = num(draft.port);
  const localPort = num(draft.localPort);
  const user = draft.user.trim();
  const rootDir = draft.rootDir.trim();
  return {
    name: draft.name.trim(),
    host: draft.host.trim(),
    ...(port !== undefined ? { port } : {}),
    ...(user !== '' ? { user } : {}),
    key: draft.key,
    jumpHosts: draft.jumpHosts.map((j) => {
      const jumpPort = num(j.port);
      return { host: j.host.trim(), ...(j.user.trim() !== '' ? { user: j.user.trim() } : {}), ...(jumpPort !== undefined ? { port: jumpPort } : {}) };
    }),
    forwards: draft.forwards.map(toForward),
    jupyter: {
      flavour: draft.flavour,
      env: draft.condaEnv === '' ? { kind: 'auto' } : { kind: 'conda', name: draft.condaEnv },
      ...(rootDir !== '' ? { rootDir } : {}),
      auth: draft.auth,
      ...(localPort !== undefined ? { localPort } : {}),
      stopOnDisconnect: draft.stopOnDisconnect,
      hub: draft.hub,
    },
    // Left out for a plain host; null unlinks a host that had a link.
    ...(draft.cloud !== null ? { cloud: cloudLinkInput(draft.cloud, draft) } : draft.hadCloud ? { cloud: null } : {}),
  };
}

/** The link as saved, with the editor's cost-safety fields (the link itself is not edited here). */
function cloudLinkInput(link: CloudLinkView, draft: HostDraft): NonNullable<HostInput['cloud']> {
  const safety = { stopVmOnDisconnect: draft.stopVmOnDisconnect, idleStopMinutes: draft.idleStop ? Number(draft.idleMinutes) : null };
  if (link.provider === 'aws') {
    return {
      provider: 'aws',
      instanceId: link.instanceId,
      region: link.region,
      ...(link.profile !== null ? { profile: link.profile } : {}),
      ...(link.vaultCredential !== null ? { vaultCredential: link.vaultCredential } : {}),
      ...safety,
    };
  }
  return {
    provider: 'azure',
    subscriptionId: link.subscriptionId,
    resourceGroup: link.resourceGroup,
    vmName: link.vmName,
    ...(link.tenantId !== null ? { tenantId: link.tenantId } : {}),
    ...safety,
  };
}

function toForward(f: ForwardDraft): NonNullable<HostInput['forwards']>[number] {
  const bindPort = Number(f.bindPort);
  const targetPort = Number(f.targetPort);
  const targetHost = f.targetHost.trim() === '' ? 'localhost' : f.targetHost.trim();
  const bindHost = f.bindHost.trim() === '' ? '127.0.0.1' : f.bindHost.trim();
  switch (f.kind) {
    case 'local':
      return { kind: 'local', bindHost, bindPort, remoteHost: targetHost, remotePort: targetPort };
    case 'remote':
      return { kind: 'remote', bindHost, bindPort, localHost: targetHost, localPort: targetPort };
    case 'dynamic':
      return { kind: 'dynamic', bindHost, bindPort };
  }
}

/** Main's paths for the same fields, folded onto the editor's names. */
export function editorFieldOf(path: string): string {
  return path.replace(/^(forwards\[\d+\])\.(remoteHost|localHost)$/, '$1.targetHost').replace(/^(forwards\[\d+\])\.(remotePort|localPort)$/, '$1.targetPort').replace(/^jupyter\.env(\..*)?$/, 'jupyter.env').replace(/^key(\..*)?$/, 'key').replace(/^cloud\.idleStopMinutes$/, 'idleMinutes');
}
