/**
 * The IPC contract: every command the renderer may invoke and every event it may
 * subscribe to, declared once. The preload builds `window.porthole` from this table and
 * main registers handlers from it, so neither side has hand-written per-channel code that
 * could drift. Renderer code may import this module for types only (lint enforces it).
 *
 * Secrets travel renderer -> main only: no command here returns key material or passwords.
 */
import { z } from 'zod';
import type { PortholeErrorInfo } from '../shared/errors';
import type { CommandName, EventName } from './channels';

export { apiPathOf, commandNames, eventNames, type CommandName, type EventName } from './channels';

/** A command: its argument schema, and its result type (a phantom, never read at run time). */
export interface CommandSpec<Args extends z.ZodType, Result> {
  readonly args: Args;
  readonly result?: Result;
}

function command<Result>() {
  return <Args extends z.ZodType>(args: Args): CommandSpec<Args, Result> => ({ args });
}

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly platform: string;
}

// `satisfies` makes the compiler reject a command missing here or not listed in channels.ts.
export const commands = {
  'app:get-info': command<AppInfo>()(z.object({}).strict()),
} as const satisfies Record<CommandName, CommandSpec<z.ZodType, unknown>>;

/** Events main pushes to the renderer, with the schema of their payload. */
export const events = {
  /** The machine woke from sleep or the network came back: views may refresh. */
  'app:resumed': z.object({ at: z.number() }).strict(),
} as const satisfies Record<EventName, z.ZodType>;

export type CommandArgs<N extends CommandName> = z.input<(typeof commands)[N]['args']>;
export type CommandResult<N extends CommandName> = NonNullable<(typeof commands)[N]['result']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What every command resolves to: nothing throws across IPC. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: PortholeErrorInfo };

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;
type DomainOf<N extends string> = N extends `${infer D}:${string}` ? D : never;

/** `window.porthole`: `'app:get-info'` becomes `porthole.app.getInfo(args)`. */
export type PortholeApi = {
  readonly [D in DomainOf<CommandName>]: {
    readonly [N in CommandName as N extends `${D}:${infer Verb}` ? CamelCase<Verb> : never]: (
      args: CommandArgs<N>,
    ) => Promise<Result<CommandResult<N>>>;
  };
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
