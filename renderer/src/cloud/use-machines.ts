import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CloudAccountView, CloudMachineView, ErrorView } from '../../../main/ipc/contract';
import { useApi } from '../store/context';
import { sameAccount } from './account-choice';

export interface MachinesState {
  /** Null until the first list for this account arrived. */
  readonly machines: readonly CloudMachineView[] | null;
  /** A list (or a reload) is on its way. */
  readonly loading: boolean;
  readonly error: ErrorView | null;
}

const BRIDGE_LOST: ErrorView = { code: 'ipc.no-answer', message: 'Porthole did not answer.', hint: 'Try again; if it keeps happening, restart Porthole.', retryable: true };

interface Answer {
  /** The account (as JSON) and reload count the answer is for. */
  readonly key: string;
  readonly generation: number;
  readonly machines: readonly CloudMachineView[] | null;
  readonly error: ErrorView | null;
}

/**
 * The machines of one account: listed when the account changes (or on reload), then kept
 * current by `cloud:machine-changed` as starts and stops go on. An answer for an account
 * the user has since left is never shown for the new one.
 */
export function useMachines(chosen: CloudAccountView | null): MachinesState & { reload: () => void; replace: (machine: CloudMachineView) => void } {
  const api = useApi();
  // The account by value: a new object naming the same account lists nothing again.
  const key = chosen === null ? '' : JSON.stringify(chosen);
  const account = useMemo(() => (key === '' ? null : (JSON.parse(key) as CloudAccountView)), [key]);
  const [generation, setGeneration] = useState(0);
  const [answer, setAnswer] = useState<Answer>({ key: '', generation: -1, machines: null, error: null });

  useEffect(() => {
    if (account === null) return;
    let live = true;
    void api.cloud
      .listMachines({ account })
      .catch(() => ({ ok: false as const, error: BRIDGE_LOST }))
      .then((result) => {
        if (!live) return;
        setAnswer((previous) => ({
          key,
          generation,
          // A failed reload keeps the list it had, with the error beside it.
          machines: result.ok ? result.value : previous.key === key ? previous.machines : null,
          error: result.ok ? null : result.error,
        }));
      });
    return () => {
      live = false;
    };
  }, [api, account, key, generation]);

  const replace = useCallback((machine: CloudMachineView) => {
    setAnswer((a) => {
      if (a.machines === null) return a;
      const known = a.machines.some((m) => m.id === machine.id);
      return { ...a, machines: known ? a.machines.map((m) => (m.id === machine.id ? machine : m)) : [...a.machines, machine] };
    });
  }, []);

  useEffect(() => {
    if (account === null) return;
    return api.on('cloud:machine-changed', ({ account: about, machine }) => {
      if (sameAccount(about, account)) replace(machine);
    });
  }, [api, account, replace]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const mine = answer.key === key;
  return {
    machines: mine ? answer.machines : null,
    loading: account !== null && (!mine || answer.generation !== generation),
    error: mine ? answer.error : null,
    reload,
    replace,
  };
}
