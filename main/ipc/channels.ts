/**
 * The names of every IPC channel, apart from their schemas so the sandboxed preload can
 * build `window.porthole` without bundling zod. contract.ts checks, at compile time, that
 * it declares exactly these names.
 */
export const commandNames = [
  'app:get-info',
  'hosts:list',
  'hosts:save',
  'hosts:remove',
  'hosts:probe',
  'hosts:preview-import',
  'hosts:import',
  'keys:list',
  'keys:pick-file',
  'keys:inspect',
  'keys:import',
  'keys:generate',
  'keys:copy-public',
  'keys:remove',
  'keys:install',
  'sessions:list',
  'sessions:launch',
  'sessions:connect',
  'sessions:open',
  'sessions:copy-url',
  'sessions:disconnect',
  'sessions:stop-server',
  'sessions:retry',
  'sessions:list-servers',
  'prompts:list',
  'prompts:answer',
  'prompts:cancel',
  'settings:get',
  'settings:update',
  'logs:recent',
  'cloud:accounts',
  'cloud:azure-subscriptions',
  'cloud:list-machines',
  'cloud:start-machine',
  'cloud:stop-machine',
  'cloud:add-as-host',
  'cloud:started-machines',
  'cloud:save-aws-credential',
  'cloud:remove-aws-credential',
] as const;

export const eventNames = [
  'app:resumed',
  'app:notice',
  'hosts:changed',
  'keys:changed',
  'sessions:changed',
  'prompts:changed',
  'settings:changed',
  'logs:appended',
  'cloud:machine-changed',
  'cloud:started-changed',
] as const;

export type CommandName = (typeof commandNames)[number];
export type EventName = (typeof eventNames)[number];

/** Where a command sits on `window.porthole`: `'app:get-info'` -> `['app', 'getInfo']`. */
export function apiPathOf(name: CommandName): readonly [domain: string, method: string] {
  const [domain = '', verb = ''] = name.split(':');
  return [domain, verb.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())];
}
