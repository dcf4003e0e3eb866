/**
 * The names of every IPC channel, apart from their schemas so the sandboxed preload can
 * build `window.porthole` without bundling zod. contract.ts checks, at compile time, that
 * it declares exactly these names.
 */
export const commandNames = ['app:get-info'] as const;
export const eventNames = ['app:resumed'] as const;

export type CommandName = (typeof commandNames)[number];
export type EventName = (typeof eventNames)[number];

/** Where a command sits on `window.porthole`: `'app:get-info'` -> `['app', 'getInfo']`. */
export function apiPathOf(name: CommandName): readonly [domain: string, method: string] {
  const [domain = '', verb = ''] = name.split(':');
  return [domain, verb.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())];
}
