import type { AppSnapshot } from '../store/app-store';
import { BrandMark } from '../ui/BrandMark';

/** The footer: who we are (name, version, platform), or what failed to load. */
export function StatusBar({ snapshot }: { snapshot: AppSnapshot }) {
  const info = snapshot.appInfo;
  const text = snapshot.loadError ?? (info === null ? 'Starting…' : `${info.name} ${info.version} · ${info.platform}`);
  return (
    // A div: role="status" is not one a <footer> may take.
    <div className="status-bar" role="status" data-state={snapshot.loadError ? 'failed' : info ? 'ready' : 'loading'}>
      {text}
    </div>
  );
}

export function NoBridge() {
  return (
    <div className="no-bridge">
      <section className="empty-state" aria-labelledby="no-bridge-title">
        <BrandMark size="large" />
        <h1 id="no-bridge-title">Porthole</h1>
        <p>This page is the inside of the Porthole desktop app. Open the Porthole app to connect to your VMs.</p>
      </section>
      <div className="status-bar" role="status" data-state="no-bridge">
        Opened outside the Porthole app: connections are unavailable here.
      </div>
    </div>
  );
}
