import { useEffect, useMemo, useState } from 'react';
import type { PortholeApi } from '../../main/ipc/contract';
import { createAppStore } from './store/app-store';
import { AppProvider, useSnapshot } from './store/context';
import { DialogsProvider } from './shell/dialogs';
import { Sidebar } from './shell/Sidebar';
import { NoBridge, StatusBar } from './shell/StatusBar';
import type { SectionId } from './shell/sections';
import { HostsScreen } from './hosts/HostsScreen';
import { CloudScreen } from './cloud/CloudScreen';
import { StartedMachinesBanner } from './cloud/StartedMachinesBanner';
import { NotebooksScreen } from './notebooks/NotebooksScreen';
import { KeysScreen } from './keys/KeysScreen';
import { SettingsScreen } from './settings/SettingsScreen';
import { LogScreen } from './logs/LogScreen';
import { AppDialogs } from './shell/AppDialogs';
import { PromptLayer } from './prompts/PromptLayer';
import { HostKeyWarningProvider } from './hosts/HostKeyChangedLayer';
import { Toasts } from './shell/Toasts';

export function App({ api }: { api: PortholeApi | undefined }) {
  if (api === undefined) return <NoBridge />;
  return <ConnectedApp api={api} />;
}

function ConnectedApp({ api }: { api: PortholeApi }) {
  const store = useMemo(() => createAppStore(api), [api]);
  useEffect(() => store.start(), [store]);
  return (
    <AppProvider api={api} store={store}>
      <DialogsProvider>
        <HostKeyWarningProvider>
          <Shell />
        </HostKeyWarningProvider>
      </DialogsProvider>
    </AppProvider>
  );
}

function Shell() {
  const [section, setSection] = useState<SectionId>('hosts');
  const snapshot = useSnapshot();
  const running = snapshot.sessions.filter((s) => s.state.kind === 'ready' && s.state.notebook !== null).length;
  return (
    <div className="shell">
      <Sidebar section={section} onSelect={setSection} badges={{ notebooks: running }} />
      <div className="content">
        <StartedMachinesBanner />
        <main className="screen" aria-label={section}>
          {section === 'hosts' ? <HostsScreen /> : null}
          {section === 'cloud' ? <CloudScreen onShowHosts={() => setSection('hosts')} /> : null}
          {section === 'notebooks' ? <NotebooksScreen onShowHosts={() => setSection('hosts')} /> : null}
          {section === 'keys' ? <KeysScreen /> : null}
          {section === 'settings' ? <SettingsScreen /> : null}
          {section === 'log' ? <LogScreen /> : null}
        </main>
        <StatusBar snapshot={snapshot} />
      </div>
      <AppDialogs />
      <PromptLayer />
      <Toasts />
    </div>
  );
}
