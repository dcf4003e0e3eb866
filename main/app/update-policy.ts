/**
 * The rules for updates, apart from the updater that follows them (main/electron/updater.ts):
 * when to look for one, and whether a downloaded update may restart Porthole now. Installing
 * restarts the app, which cuts every tunnel and every notebook's connection, so never while a
 * session is live; it also never surprises someone using the window, and never asks for an
 * administrator password out of the blue (Linux packages install through the system's package
 * tool). Whatever waits is installed when the user quits.
 */
import type { SessionView } from '../ipc/contract';

/** Checked at start, then once a day (also after the machine slept through the due time). */
export const UPDATE_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

export function isCheckDue(lastCheckAt: number | null, now: number): boolean {
  return lastCheckAt === null || now - lastCheckAt >= UPDATE_CHECK_INTERVAL_MS;
}

/** A session that holds a connection, is building one, or is retrying one: a restart would cut it. */
export function isSessionLive(session: SessionView): boolean {
  return session.state.kind !== 'closed' && session.state.kind !== 'failed';
}

/** How the downloaded update installs: silently with a restart, or by the system's package tool (which asks for a password). */
export type InstallMode = 'restart' | 'needs-password';

export interface InstallContext {
  readonly sessions: readonly SessionView[];
  /** Questions waiting for the user (a host key while probing a new host, say): there may be no session behind them. */
  readonly openQuestions: number;
  readonly windowFocused: boolean;
  readonly mode: InstallMode;
}

export type InstallDecision =
  | { readonly kind: 'install-now' }
  | { readonly kind: 'wait'; readonly until: 'sessions-end'; readonly hosts: readonly string[] }
  | { readonly kind: 'wait'; readonly until: 'question-answered' }
  | { readonly kind: 'wait'; readonly until: 'window-unused' }
  | { readonly kind: 'wait'; readonly until: 'quit' };

/** May Porthole restart into the downloaded update now? */
export function installDecision(context: InstallContext): InstallDecision {
  const live = context.sessions.filter(isSessionLive).map((session) => session.host);
  if (live.length > 0) return { kind: 'wait', until: 'sessions-end', hosts: live };
  if (context.mode === 'needs-password') return { kind: 'wait', until: 'quit' };
  if (context.openQuestions > 0) return { kind: 'wait', until: 'question-answered' };
  if (context.windowFocused) return { kind: 'wait', until: 'window-unused' };
  return { kind: 'install-now' };
}

/** What the user is told once an update has downloaded and has to wait. */
export function updateWaitingNotice(version: string, decision: Exclude<InstallDecision, { kind: 'install-now' }>): { title: string; body: string } {
  const title = `Porthole ${version} is ready to install`;
  switch (decision.until) {
    case 'sessions-end': {
      const hosts = decision.hosts.map((host) => `"${host}"`).join(', ');
      return { title, body: `It installs when you quit Porthole, or by itself once nothing is connected; ${hosts} ${decision.hosts.length === 1 ? 'is' : 'are'} connected now, and an update never cuts a connection.` };
    }
    case 'question-answered':
      return { title, body: 'Porthole restarts to install it once its question is answered, or when you quit.' };
    case 'window-unused':
      return { title, body: 'Porthole restarts to install it once you leave this window, or when you quit.' };
    case 'quit':
      return { title, body: 'It installs when you quit Porthole; your system asks for your password then.' };
  }
}
