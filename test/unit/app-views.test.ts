import { describe, expect, it } from 'vitest';
import { forwardsStateView, hostView, notebookStateView, profileInputOf, type SessionExtras } from '../../main/app/views';
import { redactSecrets } from '../../main/app/log-buffer';
import { validateProfile } from '../../main/profiles';
import type { NotebookInfo } from '../../main/session/notebook-session-state';

const notebook: NotebookInfo = { url: 'http://127.0.0.1:8888/lab', localPort: 8888, remotePort: 8888, serverPid: 42, reused: false, flavour: 'lab', version: '4.2.0', rootDir: '/home/ubuntu' };
const extras: SessionExtras = { retryAt: 5_000, promptId: null, forwards: [], leftRunning: null };
const lost = { code: 'ssh.connection-lost', message: 'The connection dropped.', retryable: true };

describe('session views', () => {
  it('maps every notebook state to what the card shows', () => {
    expect(notebookStateView({ kind: 'connecting' }, extras)).toEqual({ kind: 'connecting', attempt: 1 });
    expect(notebookStateView({ kind: 'locating' }, extras)).toEqual({ kind: 'starting-jupyter', phase: 'locating', reusing: false });
    expect(notebookStateView({ kind: 'starting', reusing: true }, extras)).toEqual({ kind: 'starting-jupyter', phase: 'starting', reusing: true });
    expect(notebookStateView({ kind: 'probing' }, extras)).toEqual({ kind: 'starting-jupyter', phase: 'probing', reusing: false });
    expect(notebookStateView({ kind: 'ready', notebook, reconnected: false }, extras)).toEqual({ kind: 'ready', notebook, forwards: [], reconnected: false });
    expect(notebookStateView({ kind: 'reconnecting', notebook, attempt: 3, delayMs: 2_000, error: lost }, extras)).toEqual({ kind: 'reconnecting', attempt: 3, retryAt: 5_000, error: lost, notebook });
    expect(notebookStateView({ kind: 'server-stopped', notebook }, extras)).toEqual({ kind: 'server-stopped', notebook });
    expect(notebookStateView({ kind: 'failed', error: lost }, extras)).toEqual({ kind: 'failed', error: lost });
    const left = { server: 'vm', pid: 42, remotePort: 8888, rootDir: '/home/ubuntu', reason: 'unreachable' as const };
    expect(notebookStateView({ kind: 'closed' }, { ...extras, leftRunning: left })).toEqual({ kind: 'closed', leftRunning: left });
  });

  it('shows "waiting for you" whenever a question is open, even before the SSH layer asks', () => {
    expect(notebookStateView({ kind: 'connecting' }, { ...extras, promptId: 'p1' })).toEqual({ kind: 'awaiting-user', promptId: 'p1' });
    expect(forwardsStateView({ kind: 'idle' }, false, { ...extras, promptId: 'p1' })).toEqual({ kind: 'awaiting-user', promptId: 'p1' });
    // A ready notebook is not turned back into "waiting" by a question for another step.
    expect(notebookStateView({ kind: 'ready', notebook, reconnected: true }, { ...extras, promptId: 'p1' }).kind).toBe('ready');
  });

  it('a forwards-only session is ready only once its forwards are open', () => {
    expect(forwardsStateView({ kind: 'ready', since: 1, reconnected: false }, false, extras)).toEqual({ kind: 'connecting', attempt: 1 });
    expect(forwardsStateView({ kind: 'ready', since: 1, reconnected: false }, true, extras)).toEqual({ kind: 'ready', notebook: null, forwards: [], reconnected: false });
    expect(forwardsStateView({ kind: 'reconnecting', attempt: 2, delayMs: 1_000, lastError: lost }, true, extras)).toEqual({ kind: 'reconnecting', attempt: 2, retryAt: 5_000, error: lost, notebook: null });
  });
});

describe('host views', () => {
  it('an edited host written out whole clears what the user emptied', () => {
    const input = profileInputOf({ name: ' gpu ', host: ' 203.0.113.7 ', user: '', jupyter: { rootDir: '  ' } });
    expect(input).toMatchObject({ name: 'gpu', host: '203.0.113.7', port: 22, user: undefined, jupyter: { rootDir: undefined, flavour: 'auto', auth: 'token' } });
    expect('user' in input).toBe(true);
    const view = hostView(validateProfile(input), false);
    expect(view).toMatchObject({ name: 'gpu', user: null, key: null, jupyter: { rootDir: null, passwordSaved: false } });
  });

  it('a cloud host shows its last seen address and its link; an editor that leaves the link out keeps it', () => {
    const existing = validateProfile({ name: 'gpu', user: 'ubuntu', cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', idleStopMinutes: 30, lastSeenAddress: '3.120.1.2' } });
    const view = hostView(existing, false);
    expect(view).toMatchObject({ host: '3.120.1.2', cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', profile: null, vaultCredential: null, stopVmOnDisconnect: false, idleStopMinutes: 30 } });
    // The window's editor as it is today sends the address it showed and no link: the link stays.
    const kept = validateProfile(profileInputOf({ name: 'gpu', host: '3.120.1.2', user: 'ubuntu' }, existing));
    expect(kept.cloud).toEqual(existing.cloud);
    expect(kept.host).toBeUndefined();
    // null unlinks: a plain host at the address typed.
    expect(validateProfile(profileInputOf({ name: 'gpu', host: '3.120.1.2', cloud: null }, existing))).toMatchObject({ host: '3.120.1.2', cloud: undefined });
    // Another instance starts with no last seen address; the same one keeps it.
    const other = validateProfile(profileInputOf({ name: 'gpu', host: '', cloud: { provider: 'aws', instanceId: 'i-0fedcba9876543210', region: 'eu-central-1', stopVmOnDisconnect: true } }, existing));
    expect(other.cloud).toMatchObject({ instanceId: 'i-0fedcba9876543210', stopVmOnDisconnect: true, lastSeenAddress: undefined });
    const same = validateProfile(profileInputOf({ name: 'gpu', host: '', cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0', region: 'eu-central-1', idleStopMinutes: null } }, existing));
    expect(same.cloud).toMatchObject({ lastSeenAddress: '3.120.1.2', idleStopMinutes: undefined });
  });

  it('a host names the hub on its VM; an editor that leaves the hub out keeps it, null clears it', () => {
    const existing = validateProfile({ name: 'dsvm', host: 'dsvm.example.net', jupyter: { hub: { port: 8000, scheme: 'https' } } });
    expect(hostView(existing, false).jupyter.hub).toEqual({ port: 8000, scheme: 'https' });
    expect(hostView(validateProfile({ name: 'plain', host: 'p' }), false).jupyter.hub).toBeNull();
    expect(validateProfile(profileInputOf({ name: 'dsvm', host: 'dsvm.example.net', jupyter: { rootDir: '/data' } }, existing)).jupyter.hub).toEqual({ port: 8000, scheme: 'https' });
    expect(validateProfile(profileInputOf({ name: 'dsvm', host: 'dsvm.example.net', jupyter: { hub: null } }, existing)).jupyter.hub).toBeUndefined();
    expect(validateProfile(profileInputOf({ name: 'tljh', host: 't', jupyter: { hub: { port: 80, scheme: 'http' } } })).jupyter.hub).toEqual({ port: 80, scheme: 'http' });
  });

  it('a bad field is named in the error details', () => {
    expect(() => validateProfile(profileInputOf({ name: 'x', host: 'a b', port: 70_000 }))).toThrow(
      expect.objectContaining({ code: 'profiles.invalid', details: { fields: { host: expect.stringContaining('contains a space'), port: expect.stringContaining('65535') } } }),
    );
  });
});

describe('log redaction', () => {
  it('hides tokens, passwords and private keys in any line', () => {
    const line = redactSecrets('GET http://127.0.0.1:8888/?token=abcdef0123 password=hunter2 -----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----');
    expect(line).not.toMatch(/abcdef0123|hunter2|AAAA/);
    expect(line).toContain('token=<redacted>');
  });
});
