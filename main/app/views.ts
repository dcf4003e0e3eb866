/**
 * The engine's types turned into what the renderer sees (main/ipc/views.ts). Pure: no I/O,
 * so each mapping is unit-tested. Nothing here may pass on a token or a password.
 */
import type {
  CloudLinkView,
  ForwardStatusView,
  HostInput,
  HostView,
  KeyView,
  LeftRunningView,
  NotebookView,
  SessionStateView,
} from '../ipc/contract';
import type { KeyStoreEntry } from '../keys';
import type { CloudLink, CloudLinkInput, Profile, ProfileInput } from '../profiles';
import type { NotebookInfo, SessionState } from '../session/notebook-session-state';
import type { LeftRunning } from '../session/notebook-session';
import type { ConnectionState } from '../ssh/connection-state';

export function hostView(profile: Profile, passwordSaved: boolean): HostView {
  const { jupyter } = profile;
  return {
    name: profile.name,
    host: profile.host ?? profile.cloud?.lastSeenAddress ?? '',
    port: profile.port,
    user: profile.user ?? null,
    key: profile.key ?? null,
    jumpHosts: profile.jumpHosts.map((hop) => ({ host: hop.host, port: hop.port, user: hop.user ?? null })),
    forwards: profile.forwards,
    jupyter: {
      flavour: jupyter.flavour,
      env: jupyter.env,
      rootDir: jupyter.rootDir ?? null,
      auth: jupyter.auth,
      localPort: jupyter.localPort ?? null,
      stopOnDisconnect: jupyter.stopOnDisconnect,
      passwordSaved,
      hub: jupyter.hub ?? null,
    },
    cloud: profile.cloud === undefined ? null : cloudLinkView(profile.cloud),
  };
}

export function cloudLinkView(link: CloudLink): CloudLinkView {
  const safety = { stopVmOnDisconnect: link.stopVmOnDisconnect, idleStopMinutes: link.idleStopMinutes ?? null };
  return link.provider === 'aws'
    ? { provider: 'aws', instanceId: link.instanceId, region: link.region, profile: link.profile ?? null, vaultCredential: link.vaultCredential ?? null, ...safety }
    : { provider: 'azure', subscriptionId: link.subscriptionId, resourceGroup: link.resourceGroup, vmName: link.vmName, tenantId: link.tenantId ?? null, ...safety };
}

/**
 * The editor's fields as a whole profile: every field is written out, so saving over an
 * existing host also clears what the user emptied. Empty optional text means "not set".
 * A cloud link left out keeps `existing`'s, with its last seen address (an editor that
 * does not show the link must not drop it); so does a JupyterHub left out.
 */
export function profileInputOf(input: HostInput, existing?: Profile): ProfileInput {
  const blank = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const jupyter = input.jupyter ?? {};
  const cloud: CloudLinkInput | undefined = input.cloud === undefined ? existing?.cloud : input.cloud === null ? undefined : cloudLinkInputOf(input.cloud, existing?.cloud);
  return {
    name: input.name.trim(),
    // A cloud host's address comes from the cloud; what the editor shows there is only the last one seen.
    host: cloud === undefined ? input.host.trim() : undefined,
    port: input.port ?? 22,
    user: blank(input.user),
    key: input.key,
    jumpHosts: (input.jumpHosts ?? []).map((hop) => ({ host: hop.host.trim(), port: hop.port ?? 22, user: blank(hop.user) })),
    forwards: [...(input.forwards ?? [])],
    jupyter: {
      flavour: jupyter.flavour ?? 'auto',
      env: jupyter.env ?? { kind: 'auto' },
      rootDir: blank(jupyter.rootDir),
      auth: jupyter.auth ?? 'token',
      localPort: jupyter.localPort,
      stopOnDisconnect: jupyter.stopOnDisconnect ?? false,
      hub: jupyter.hub === undefined ? existing?.jupyter.hub : (jupyter.hub ?? undefined),
    },
    cloud,
  };
}

/** The editor's link as the profile stores it; the same machine keeps its last seen address. */
function cloudLinkInputOf(link: NonNullable<HostInput['cloud']>, existing: CloudLink | undefined): CloudLinkInput {
  const blank = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const safety = { stopVmOnDisconnect: link.stopVmOnDisconnect ?? false, idleStopMinutes: link.idleStopMinutes ?? undefined };
  if (link.provider === 'aws') {
    const same = existing?.provider === 'aws' && existing.instanceId === link.instanceId.trim();
    return { provider: 'aws', instanceId: link.instanceId.trim(), region: link.region.trim(), profile: blank(link.profile), vaultCredential: blank(link.vaultCredential), ...safety, lastSeenAddress: same ? existing.lastSeenAddress : undefined };
  }
  const same = existing?.provider === 'azure' && existing.resourceGroup === link.resourceGroup.trim() && existing.vmName === link.vmName.trim();
  return { provider: 'azure', subscriptionId: link.subscriptionId.trim(), resourceGroup: link.resourceGroup.trim(), vmName: link.vmName.trim(), tenantId: blank(link.tenantId), ...safety, lastSeenAddress: same ? existing.lastSeenAddress : undefined };
}

export function keyView(entry: KeyStoreEntry): KeyView {
  return {
    name: entry.name,
    type: entry.type,
    bits: entry.bits,
    fingerprint: entry.fingerprint,
    comment: entry.comment,
    publicKey: entry.publicKey,
    source: entry.source,
    path: entry.path ?? null,
    format: entry.format,
    needsPassphrase: entry.needsPassphrase,
    addedAt: entry.addedAt,
  };
}

export function notebookView(info: NotebookInfo): NotebookView {
  return { ...info };
}

export function leftRunningView(left: LeftRunning | null): LeftRunningView | null {
  return left === null ? null : { ...left };
}

/** What the session's own clock adds to a snapshot: when a reconnect is due, which prompt waits. */
export interface SessionExtras {
  /** Epoch ms of the next reconnect attempt, recorded when the reconnect was scheduled. */
  readonly retryAt: number;
  /** The open question for this host, if one waits on the user. */
  readonly promptId: string | null;
  readonly forwards: readonly ForwardStatusView[];
  readonly leftRunning: LeftRunningView | null;
}

/** A notebook session's state as the card shows it. */
export function notebookStateView(state: SessionState, extras: SessionExtras): SessionStateView {
  // A question may be open before the SSH layer asks (a key passphrase, say): it waits on the user all the same.
  if (extras.promptId !== null && (state.kind === 'connecting' || state.kind === 'awaiting-user')) return { kind: 'awaiting-user', promptId: extras.promptId };
  switch (state.kind) {
    case 'idle':
    case 'connecting':
      return { kind: 'connecting', attempt: 1 };
    case 'awaiting-user':
      return { kind: 'awaiting-user', promptId: extras.promptId };
    case 'locating':
      return { kind: 'starting-jupyter', phase: 'locating', reusing: false };
    case 'starting':
      return { kind: 'starting-jupyter', phase: 'starting', reusing: state.reusing };
    case 'forwarding':
      return { kind: 'starting-jupyter', phase: 'forwarding', reusing: false };
    case 'probing':
      return { kind: 'starting-jupyter', phase: 'probing', reusing: false };
    case 'ready':
      return { kind: 'ready', notebook: notebookView(state.notebook), forwards: extras.forwards, reconnected: state.reconnected };
    case 'reconnecting':
      return { kind: 'reconnecting', attempt: state.attempt, retryAt: extras.retryAt, error: state.error, notebook: notebookView(state.notebook) };
    case 'server-stopped':
      return { kind: 'server-stopped', notebook: notebookView(state.notebook) };
    case 'stopping':
      return { kind: 'stopping' };
    case 'closed':
      return { kind: 'closed', leftRunning: extras.leftRunning };
    case 'failed':
      return { kind: 'failed', error: state.error };
  }
}

/** A forwards-only session's state: the connection's, with its forwards once open. */
export function forwardsStateView(state: ConnectionState, forwardsOpen: boolean, extras: SessionExtras): SessionStateView {
  if (extras.promptId !== null && (state.kind === 'idle' || state.kind === 'connecting' || state.kind === 'awaiting-user')) return { kind: 'awaiting-user', promptId: extras.promptId };
  switch (state.kind) {
    case 'idle':
      return { kind: 'connecting', attempt: 1 };
    case 'connecting':
      return { kind: 'connecting', attempt: state.attempt };
    case 'awaiting-user':
      return { kind: 'awaiting-user', promptId: extras.promptId };
    case 'ready':
      return forwardsOpen ? { kind: 'ready', notebook: null, forwards: extras.forwards, reconnected: state.reconnected } : { kind: 'connecting', attempt: 1 };
    case 'reconnecting':
      return { kind: 'reconnecting', attempt: state.attempt, retryAt: extras.retryAt, error: state.lastError, notebook: null };
    case 'failed':
      return { kind: 'failed', error: state.error };
    case 'closed':
      return { kind: 'closed', leftRunning: null };
  }
}
