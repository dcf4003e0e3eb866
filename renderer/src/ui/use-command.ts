import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorView, Result } from '../../../main/ipc/contract';

export interface CommandState {
  readonly busy: boolean;
  readonly error: ErrorView | null;
}

const BRIDGE_LOST: ErrorView = { code: 'ipc.no-answer', message: 'Porthole did not answer.', hint: 'Try again; if it keeps happening, restart Porthole.', retryable: true };

/**
 * Runs one command at a time for a control: tracks "busy" for its spinner and keeps the
 * last error to show beside it. `run` resolves the value, or null when it failed.
 */
export function useCommand(): [CommandState, <T>(call: () => Promise<Result<T>>) => Promise<T | null>, () => void] {
  const [state, setState] = useState<CommandState>({ busy: false, error: null });
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);
  const run = useCallback(async <T,>(call: () => Promise<Result<T>>): Promise<T | null> => {
    setState({ busy: true, error: null });
    let result: Result<T>;
    try {
      result = await call();
    } catch {
      result = { ok: false, error: BRIDGE_LOST };
    }
    if (live.current) setState({ busy: false, error: result.ok ? null : result.error });
    return result.ok ? result.value : null;
  }, []);
  const clear = useCallback(() => setState({ busy: false, error: null }), []);
  return [state, run, clear];
}
