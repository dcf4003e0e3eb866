/**
 * The changed-host-key warning. It opens by itself the moment a session fails with
 * `ssh.hostkey-changed` (once per failure), and again from the card's "What happened?".
 */
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { HostKeyChangedView, SessionView } from '../../../main/ipc/contract';
import { useSnapshot } from '../store/context';
import { HostKeyChangedDialog } from './HostKeyChangedDialog';

interface Warning {
  readonly host: string;
  readonly change: HostKeyChangedView | null;
}

const WarningContext = createContext<{ show: (session: SessionView) => void } | null>(null);

export function useHostKeyWarning(): { show: (session: SessionView) => void } {
  const value = useContext(WarningContext);
  if (value === null) throw new Error('useHostKeyWarning used outside <HostKeyWarningProvider>');
  return value;
}

function changeOf(session: SessionView): HostKeyChangedView | null | undefined {
  if (session.state.kind !== 'failed' || session.state.error.code !== 'ssh.hostkey-changed') return undefined;
  return session.state.error.details?.hostKeyChanged ?? null;
}

export function HostKeyWarningProvider({ children }: { children: ReactNode }) {
  const { sessions } = useSnapshot();
  const [warning, setWarning] = useState<Warning | null>(null);
  const seen = useRef(new Set<string>());

  useEffect(() => {
    for (const session of sessions) {
      const change = changeOf(session);
      const id = `${session.host}@${session.startedAt}`;
      if (change !== undefined && !seen.current.has(id)) {
        seen.current.add(id);
        setWarning({ host: session.host, change });
      }
    }
  }, [sessions]);

  const value = useMemo(
    () => ({
      show: (session: SessionView) => {
        const change = changeOf(session);
        if (change !== undefined) setWarning({ host: session.host, change });
      },
    }),
    [],
  );

  return (
    <WarningContext.Provider value={value}>
      {children}
      {warning ? <HostKeyChangedDialog host={warning.host} change={warning.change} onClose={() => setWarning(null)} /> : null}
    </WarningContext.Provider>
  );
}
