import { useEffect, useState } from 'react';
import type { AppInfo } from '../../main/ipc/contract';

export type AppInfoState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly info: AppInfo }
  | { readonly kind: 'no-bridge' }
  | { readonly kind: 'failed'; readonly message: string };

/** Asks main who we are; tells apart "still asking", "not inside Porthole" and "main said no". */
export function useAppInfo(): AppInfoState {
  const bridge = window.porthole;
  const [state, setState] = useState<AppInfoState>(bridge ? { kind: 'loading' } : { kind: 'no-bridge' });

  useEffect(() => {
    if (!bridge) return;
    let live = true;
    bridge.app
      .getInfo({})
      .then((result) => {
        if (!live) return;
        setState(result.ok ? { kind: 'ready', info: result.value } : { kind: 'failed', message: result.error.message });
      })
      .catch(() => {
        if (live) setState({ kind: 'failed', message: 'Porthole did not answer.' });
      });
    return () => {
      live = false;
    };
  }, [bridge]);

  return state;
}
