/**
 * OS notifications for session changes (which ones: main/app/notifications.ts). Shown
 * only when the user is not already looking at Porthole, and only while the
 * `notifications` setting is on, read through the service each time so a change in
 * Settings applies at once.
 */
import { Notification } from 'electron';
import { notificationsFor, type SessionNotification } from '../app/notifications';
import type { SessionView } from '../ipc/contract';

export interface NotifierDeps {
  /** The `notifications` setting; failing to read it means "on" (the default). */
  readonly enabled: () => Promise<boolean>;
  readonly windowFocused: () => boolean;
  /** Clicking a notification brings the window up. */
  readonly showWindow: () => void;
  readonly show?: (notification: SessionNotification, onClick: () => void) => void;
}

export class SessionNotifier {
  private previous: readonly SessionView[];

  /** `initial`: the sessions as they are now, so what already was true is not announced. */
  constructor(
    private readonly deps: NotifierDeps,
    initial: readonly SessionView[],
  ) {
    this.previous = initial;
  }

  async update(sessions: readonly SessionView[]): Promise<void> {
    const due = notificationsFor(this.previous, sessions);
    this.previous = sessions;
    if (due.length === 0 || this.deps.windowFocused()) return;
    const enabled = await this.deps.enabled().catch(() => true);
    if (!enabled) return;
    const show = this.deps.show ?? showNative;
    for (const notification of due) show(notification, this.deps.showWindow);
  }
}

function showNative(notification: SessionNotification, onClick: () => void): void {
  if (!Notification.isSupported()) return;
  const native = new Notification({ title: notification.title, body: notification.body, silent: false });
  native.on('click', onClick);
  native.show();
}
