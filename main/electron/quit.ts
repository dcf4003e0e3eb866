/**
 * Quit, wherever it comes from (tray, Cmd+Q, the OS): ask about the Jupyter servers and the
 * cloud VMs Porthole started that still run (main/app/quit-question.ts), close every tunnel,
 * stop what the user chose to stop, then exit. A second Quit while the first is still asking or closing changes nothing.
 */
import { app, dialog, type BrowserWindow, type MessageBoxOptions } from 'electron';
import { quitDecision, quitQuestion } from '../app/quit-question';
import type { RunningServer } from '../app/service';
import type { StartedMachineView } from '../ipc/contract';

export interface QuitDeps {
  readonly runningServersStarted: () => RunningServer[];
  /** The VMs Porthole started that still run (asked about too: they cost money). */
  readonly startedMachines?: () => StartedMachineView[];
  readonly shutdown: (options: { readonly stopServers: boolean; readonly stopVms: boolean }) => Promise<void>;
  readonly parentWindow: () => BrowserWindow | null;
  /** Stopping servers over SSH can hang on a dead link; past this, exit anyway. */
  readonly shutdownTimeoutMs?: number;
}

export interface Quitter {
  /** Asks (when there is something to ask), shuts down, exits. Resolves false when the user cancelled. */
  quit(): Promise<boolean>;
  /** The OS is logging out or shutting down: nobody can answer, so keep the servers and go. */
  quitNow(): Promise<void>;
  /** True from the first Quit on: the window's close handler must then let it close. */
  readonly quitting: boolean;
}

export function createQuitter(deps: QuitDeps): Quitter {
  let phase: 'running' | 'asking' | 'shutting-down' = 'running';

  const shutDownAndExit = async (stopServers: boolean, stopVms: boolean): Promise<void> => {
    phase = 'shutting-down';
    const timeoutMs = deps.shutdownTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        deps.shutdown({ stopServers, stopVms }),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
    } catch (error) {
      // Exiting matters more than a clean close now; the log says what went wrong.
      console.error('Porthole: shutdown failed', error);
    } finally {
      clearTimeout(timer);
    }
    // exit, not quit: quit would emit before-quit again and come back here.
    app.exit(0);
  };

  return {
    get quitting() {
      return phase !== 'running';
    },
    async quit() {
      if (phase !== 'running') return true;
      phase = 'asking';
      const question = quitQuestion(deps.runningServersStarted(), deps.startedMachines?.() ?? []);
      let stopServers = false;
      let stopVms = false;
      if (question !== null) {
        const options: MessageBoxOptions = {
          type: 'question',
          title: 'Quit Porthole',
          message: question.message,
          detail: question.detail,
          buttons: [...question.buttons],
          defaultId: question.defaultId,
          cancelId: question.cancelId,
          noLink: true,
        };
        const parent = deps.parentWindow();
        const { response } = parent && !parent.isDestroyed() && parent.isVisible() ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
        const decision = quitDecision(response);
        if (decision.kind === 'stay') {
          phase = 'running';
          return false;
        }
        stopServers = decision.stopServers;
        stopVms = decision.stopVms;
      }
      await shutDownAndExit(stopServers, stopVms);
      return true;
    },
    async quitNow() {
      if (phase === 'shutting-down') return;
      // Nobody can be asked: VMs are left as they are (a host's own stop-on-disconnect still applies).
      await shutDownAndExit(false, false);
    },
  };
}
