/**
 * Test-only stand-in for the preload: exposes a service ({ handlers, onEvent }, the shape
 * of DesktopService) to a Playwright page. Commands go through the app's own dispatcher
 * (so arguments are validated exactly as in the app); events are pushed into the page.
 * Never shipped.
 */
import type { Page } from 'playwright-core';
import { commandNames, eventNames, apiPathOf, type EventName, type EventPayload } from '../../../main/ipc/contract';
import { createDispatcher, type CommandHandlers } from '../../../main/ipc/dispatch';

export interface BridgedService {
  readonly handlers: CommandHandlers;
  onEvent(listener: <E extends EventName>(event: E, payload: EventPayload<E>) => void): () => void;
}

/** Call before page.goto. Returns a detach function (stops relaying events). */
export async function attachBridge(page: Page, service: BridgedService): Promise<() => void> {
  const dispatch = createDispatcher(service.handlers, () => true);
  await page.exposeBinding('__portholeInvoke', (_source, name: string, args: unknown) => dispatch(name, args, { url: 'app://test', isMainFrame: true }));
  const paths = commandNames.map((name) => [name, ...apiPathOf(name)] as const);
  await page.addInitScript(
    ({ paths, events }) => {
      type Listener = (payload: unknown) => void;
      const listeners = new Map<string, Set<Listener>>();
      const invoke = (window as unknown as { __portholeInvoke: (name: string, args: unknown) => Promise<unknown> }).__portholeInvoke;
      const api: Record<string, unknown> = {};
      for (const [name, domain, method] of paths) {
        const group = (api[domain] ??= {}) as Record<string, unknown>;
        group[method] = (args: unknown) => invoke(name, args ?? {});
      }
      api['on'] = (event: string, listener: Listener) => {
        if (!events.includes(event)) throw new Error(`Unknown Porthole event "${event}".`);
        const set = listeners.get(event) ?? new Set<Listener>();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      };
      Object.defineProperty(window, 'porthole', { value: Object.freeze(api) });
      Object.defineProperty(window, '__portholeEmit', {
        value: (event: string, payload: unknown) => {
          for (const listener of [...(listeners.get(event) ?? [])]) listener(payload);
        },
      });
    },
    { paths, events: [...eventNames] as string[] },
  );
  return service.onEvent((event, payload) => {
    if (page.isClosed()) return;
    void page.evaluate(([e, p]) => (window as unknown as { __portholeEmit: (e: string, p: unknown) => void }).__portholeEmit(e, p), [event, payload] as const).catch(() => undefined);
  });
}
