/**
 * Wake from sleep, screen unlock and the network coming back all mean the same to the
 * sessions: check your link now (main/app/resume-triggers.ts coalesces them).
 *
 * The network is watched here in main by polling net.isOnline(), not through the
 * renderer's `online` event: the window may be closed (Porthole lives in the tray) and
 * its sandboxed page would need a new IPC command just to relay it.
 */
import { net, powerMonitor } from 'electron';
import { createResumeTriggers, type ResumeTriggers } from '../app/resume-triggers';

export function watchResume(resume: () => void): ResumeTriggers {
  const triggers = createResumeTriggers({ resume, isOnline: () => net.isOnline(), pollMs: 3000 });
  powerMonitor.on('resume', () => triggers.poke());
  powerMonitor.on('unlock-screen', () => triggers.poke());
  return triggers;
}
