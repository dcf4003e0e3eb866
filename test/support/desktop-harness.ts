/**
 * The real desktop service (main/app) for tests: a temp data folder, the test keyring,
 * no OpenSSH known_hosts of the machine's user, and a desktop port that records what it
 * was asked to open and copy. Every event is recorded too, so a test can check that no
 * token or password ever went towards the renderer.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { DesktopService, type DesktopServiceOptions } from '../../main/app/service';
import type { CommandArgs, CommandName, CommandResult, EventName, EventPayload, SessionView } from '../../main/ipc/contract';
import { startTestHost, type TestHost, type TestHostOptions } from '../env/host';
import { startKeyring, type TestKeyring } from '../env/keyring';
import { makeDir } from '../env/run-dir';
import { waitFor } from '../env/wait';

export interface RecordedEvent {
  readonly event: EventName;
  readonly payload: unknown;
}

export interface DesktopHarness {
  readonly service: DesktopService;
  readonly dataDir: string;
  readonly home: string;
  readonly opened: string[];
  readonly clipboard: string[];
  readonly events: RecordedEvent[];
  /** What the next key file dialog returns. */
  nextPickedFile: string | null;
  /** Called for each openExternal (a browser test opens the page). */
  onOpen: ((target: string) => Promise<void>) | null;
  session(host: string): SessionView | undefined;
  waitForSession(host: string, kinds: readonly string[], timeoutMs?: number): Promise<SessionView>;
  waitForPrompt(host: string, timeoutMs?: number): Promise<EventPayload<'prompts:changed'>['prompts'][number]>;
  /** Every event payload, serialized: for "no secret ever crossed" checks. */
  allEventText(): string;
  close(): Promise<void>;
}

/**
 * The keyring library reads the bus address from the process environment, so the test file
 * that uses this must run in its own process (vitest's forks pool does that) and point the
 * environment at its private keyring first.
 */
export function useKeyringInThisProcess(keyring: TestKeyring): void {
  Object.assign(process.env, { DBUS_SESSION_BUS_ADDRESS: keyring.env.DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR: keyring.env.XDG_RUNTIME_DIR });
}

/** Call at a test file's top level: a private Secret Service for the file's vault, started once and stopped after it. */
export function useTestKeyring(): void {
  let keyring: TestKeyring | undefined;
  beforeAll(async () => {
    keyring = await startKeyring();
    useKeyringInThisProcess(keyring);
  });
  afterAll(async () => {
    await keyring?.stop();
  });
}

/** Call at a test file's top level: whatever a test sets in process.env (AWS_*, PATH...) is undone after it. */
export function keepProcessEnv(): void {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  });
}

/** Calls a command's handler as IPC does (without the argument check): its result, or the PortholeError it threw. */
export async function callCommand<N extends CommandName>(d: DesktopHarness, name: N, args: CommandArgs<N>): Promise<CommandResult<N>> {
  const handler = d.service.handlers[name] as (a: CommandArgs<N>) => Promise<CommandResult<N>> | CommandResult<N>;
  return handler(args);
}

/**
 * What a browser does with the handoff the service opened: read the private redirect file
 * and follow it. Returns the final response (the notebook, or Jupyter's login page).
 */
export async function followHandoff(openTarget: string): Promise<Response> {
  const page = readFileSync(fileURLToPath(openTarget), 'utf8');
  const next = /url=(http:\/\/127\.0\.0\.1:\d+\/porthole\/[0-9a-f]+)/.exec(page)?.[1];
  if (!next) throw new Error(`not a handoff page: ${page}`);
  return fetch(next);
}

export async function startDesktop(options: Pick<DesktopServiceOptions, 'knownHostsFiles' | 'cloud' | 'idleWatch'> = {}): Promise<DesktopHarness> {
  const dataDir = makeDir('desktop-data');
  const home = makeDir('desktop-home');
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const opened: string[] = [];
  const clipboard: string[] = [];
  const events: RecordedEvent[] = [];
  const harness: DesktopHarness = {
    service: undefined as unknown as DesktopService,
    dataDir,
    home,
    opened,
    clipboard,
    events,
    nextPickedFile: null,
    onOpen: null,
    session: (host) => harness.service.sessions().find((s) => s.host === host),
    waitForSession: (host, kinds, timeoutMs = 60_000) =>
      waitFor(
        `session "${host}" in ${kinds.join('/')}`,
        () => {
          const view = harness.session(host);
          if (view && kinds.includes(view.state.kind)) return view;
          if (view?.state.kind === 'failed' && !kinds.includes('failed')) throw new Error(`session failed: ${JSON.stringify(view.state.error)}`);
          return undefined;
        },
        { timeoutMs },
      ),
    waitForPrompt: (host, timeoutMs = 30_000) =>
      waitFor(`a prompt for "${host}"`, async () => (await harness.service.handlers['prompts:list']({})).find((p) => p.host === host), { timeoutMs }),
    allEventText: () => JSON.stringify(events),
    close: async () => {
      await harness.service.shutdown({ stopServers: true });
    },
  };
  const service = await DesktopService.create({
    dataDir,
    home,
    knownHostsFiles: options.knownHostsFiles ?? [],
    ...(options.cloud ? { cloud: options.cloud } : {}),
    ...(options.idleWatch ? { idleWatch: options.idleWatch } : {}),
    appInfo: { name: 'Porthole', version: '0.0.0-test', platform: process.platform },
    desktop: {
      openExternal: async (target) => {
        opened.push(target);
        await harness.onOpen?.(target);
      },
      writeClipboard: (text) => {
        clipboard.push(text);
      },
      pickKeyFile: async () => harness.nextPickedFile,
    },
  });
  (harness as { service: DesktopService }).service = service;
  service.onEvent(<E extends EventName>(event: E, payload: EventPayload<E>) => {
    events.push({ event, payload: structuredClone(payload) });
  });
  return harness;
}

export interface DesktopTestKit {
  /** A test host (sshd, user, Jupyter on PATH), stopped after the test. */
  host(options?: TestHostOptions): Promise<TestHost>;
  /** The real desktop service, shut down (servers it started stopped) after the test. */
  desktop(options?: Parameters<typeof startDesktop>[0]): Promise<DesktopHarness>;
  /** Anything else to undo after the test; undone in reverse order of starting. */
  defer(cleanup: () => Promise<unknown>): void;
}

/** Call once at a test file's top level: what each test starts is stopped after it, last first. */
export function desktopTestKit(): DesktopTestKit {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    host: async (options) => {
      const h = await startTestHost(options);
      cleanups.push(() => h.stop());
      return h;
    },
    desktop: async (options) => {
      const d = await startDesktop(options);
      cleanups.push(() => d.close());
      return d;
    },
    defer: (cleanup) => void cleanups.push(cleanup),
  };
}
