/**
 * The main-side half of the IPC contract, free of Electron so it is unit-tested under Node:
 * checks who is asking, validates the arguments against the contract's schema, runs the
 * handler and always resolves a Result.
 */
import { commands, type CommandArgs, type CommandName, type CommandResult, type Result } from './contract';
import { toErrorInfo } from '../shared/errors';

export type CommandHandlers = {
  readonly [N in CommandName]: (args: CommandArgs<N>) => Promise<CommandResult<N>> | CommandResult<N>;
};

export interface Caller {
  /** URL of the frame that sent the message. */
  readonly url: string;
  /** False for sub-frames: only the app's own top-level document may call. */
  readonly isMainFrame: boolean;
}

export type Dispatch = (name: string, rawArgs: unknown, caller: Caller) => Promise<Result<unknown>>;

export function createDispatcher(handlers: CommandHandlers, isTrustedUrl: (url: string) => boolean): Dispatch {
  return async (name, rawArgs, caller) => {
    if (!caller.isMainFrame || !isTrustedUrl(caller.url)) {
      return fail('ipc.untrusted-sender', 'A page that is not part of Porthole tried to use it.');
    }
    if (!Object.hasOwn(commands, name)) {
      return fail('ipc.unknown-command', `Porthole has no command named "${name}".`);
    }
    const commandName = name as CommandName;
    const parsed = commands[commandName].args.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      return fail('ipc.invalid-arguments', `The request "${name}" had invalid arguments.`);
    }
    try {
      const handler = handlers[commandName] as (args: unknown) => Promise<unknown> | unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  };
}

function fail(code: string, message: string): Result<never> {
  return { ok: false, error: { code, message, retryable: false } };
}
