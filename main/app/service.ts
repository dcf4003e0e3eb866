/**
 * The desktop service: everything the window, the tray and the browser tests drive, with
 * no `electron` import. It owns the stores, one session per saved host and the prompts,
 * implements every IPC command, and pushes events whenever a snapshot changes. The
 * Electron shell only registers `handlers` and relays `onEvent` to the window.
 */
import type { CommandHandlers } from '../ipc/dispatch';
import type { EventName, EventPayload, HostView, SessionView } from '../ipc/contract';
import { PortholeError } from '../shared/errors';
import type { DesktopPort } from './desktop-port';

export interface DesktopServiceOptions {
  /** The data folder (profiles.json, vault.json, known_hosts, settings.json). */
  readonly dataDir: string;
  readonly desktop: DesktopPort;
  /** OpenSSH known_hosts files trusted read-only (default: the user's). */
  readonly knownHostsFiles?: readonly string[];
  /** The user's ~/.ssh/config, for the import preview. */
  readonly sshConfigPath?: string;
  readonly appInfo: { readonly name: string; readonly version: string; readonly platform: string };
}

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** A Jupyter server Porthole started that is still running, for the Quit question. */
export interface RunningServer {
  readonly host: string;
  readonly pid: number;
  readonly remotePort: number;
}

export class DesktopService {
  private readonly listeners = new Set<EventListener>();
  readonly handlers: CommandHandlers;

  private constructor(private readonly options: DesktopServiceOptions) {
    const notYet = (): never => {
      throw new PortholeError({ code: 'app.not-ready', message: 'This part of Porthole is not available yet.', retryable: false });
    };
    this.handlers = {
      'app:get-info': () => ({ ...this.options.appInfo }),
      'hosts:list': notYet,
      'hosts:save': notYet,
      'hosts:remove': notYet,
      'hosts:probe': notYet,
      'hosts:preview-import': notYet,
      'hosts:import': notYet,
      'keys:list': notYet,
      'keys:pick-file': notYet,
      'keys:inspect': notYet,
      'keys:import': notYet,
      'keys:generate': notYet,
      'keys:copy-public': notYet,
      'keys:remove': notYet,
      'keys:install': notYet,
      'sessions:list': notYet,
      'sessions:launch': notYet,
      'sessions:connect': notYet,
      'sessions:open': notYet,
      'sessions:copy-url': notYet,
      'sessions:disconnect': notYet,
      'sessions:stop-server': notYet,
      'sessions:retry': notYet,
      'sessions:list-servers': notYet,
      'prompts:list': notYet,
      'prompts:answer': notYet,
      'prompts:cancel': notYet,
      'settings:get': notYet,
      'settings:update': notYet,
      'logs:recent': notYet,
    };
  }

  static async create(options: DesktopServiceOptions): Promise<DesktopService> {
    return new DesktopService(options);
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...this.listeners]) listener(event, payload);
  }

  hosts(): HostView[] {
    return [];
  }

  sessions(): SessionView[] {
    return [];
  }

  /** Woke from sleep or the network came back: every session checks its link now. */
  resumeAll(): void {}

  /** The window closed: nobody is there to answer, so every open question is cancelled. */
  cancelAllPrompts(): void {}

  /** Jupyter servers Porthole started that are still running (asked about on Quit). */
  runningServersStarted(): RunningServer[] {
    return [];
  }

  /** Quit: closes every tunnel; stops the servers Porthole started when asked to. */
  async shutdown(_options: { readonly stopServers: boolean }): Promise<void> {}
}
