import { useState } from 'react';
import { useAppInfo, type AppInfoState } from './use-app-info';

const SECTIONS = [
  { id: 'hosts', label: 'Hosts' },
  { id: 'notebooks', label: 'Notebooks' },
  { id: 'keys', label: 'Keys' },
  { id: 'cloud', label: 'Cloud' },
  { id: 'settings', label: 'Settings' },
] as const;

type SectionId = (typeof SECTIONS)[number]['id'];

const EMPTY_STATES: Record<SectionId, { title: string; body: string }> = {
  hosts: {
    title: 'No hosts yet',
    body: 'Add the VM you run Jupyter on, and Porthole will connect, start Jupyter and open it in your browser with one click.',
  },
  notebooks: { title: 'No notebooks running', body: 'Notebooks you open through Porthole appear here with their local address.' },
  keys: { title: 'No keys yet', body: 'Import the .pem, OpenSSH or PuTTY key you already use; Porthole keeps it encrypted in your OS keychain.' },
  cloud: { title: 'No cloud accounts', body: 'Link AWS or Azure so Porthole can start a stopped VM and remind you to stop it.' },
  settings: { title: 'Settings', body: 'Nothing to set yet.' },
};

export function App() {
  const [section, setSection] = useState<SectionId>('hosts');
  const appInfo = useAppInfo();
  const empty = EMPTY_STATES[section];

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <h1>Porthole</h1>
        </div>
        <ul>
          {SECTIONS.map(({ id, label }) => (
            <li key={id}>
              <button
                type="button"
                className={id === section ? 'nav-item active' : 'nav-item'}
                aria-current={id === section ? 'page' : undefined}
                onClick={() => setSection(id)}
              >
                {label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        <section className="empty-state" aria-labelledby="empty-title">
          <h2 id="empty-title">{empty.title}</h2>
          <p>{empty.body}</p>
        </section>
        <StatusBar state={appInfo} />
      </main>
    </div>
  );
}

function StatusBar({ state }: { state: AppInfoState }) {
  let text: string;
  switch (state.kind) {
    case 'loading':
      text = 'Starting…';
      break;
    case 'ready':
      text = `${state.info.name} ${state.info.version} · ${state.info.platform}`;
      break;
    case 'no-bridge':
      text = 'Opened outside the Porthole app: connections are unavailable here.';
      break;
    case 'failed':
      text = state.message;
      break;
  }
  return (
    <footer className="status-bar" role="status" data-state={state.kind}>
      {text}
    </footer>
  );
}
