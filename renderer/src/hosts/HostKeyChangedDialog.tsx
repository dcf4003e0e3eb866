import type { HostKeyChangedView } from '../../../main/ipc/contract';
import { AppDialog, DialogFooter } from '../ui/AppDialog';
import { Button } from '../ui/Button';
import { Icon } from '../ui/Icon';

/**
 * A blocking warning with nothing to accept: a changed key is either a rebuilt VM or
 * someone in the middle, and only the user's own check can tell (architecture.md,
 * "Security invariants"). The way out is to fix the record, not to click through.
 */
export function HostKeyChangedDialog({ host, change, onClose }: { host: string; change: HostKeyChangedView | null; onClose: () => void }) {
  return (
    <AppDialog isOpen role="alertdialog" tone="danger" size="large" title={`The host key of “${host}” changed`} onClose={onClose} subtitle="Porthole stopped before sending any password or key.">
      <div className="dialog-body hostkey-changed">
        <div className="warning-banner">
          <Icon name="shield" className="warning-banner-icon" />
          <p>
            The VM answered with a different identity than the one recorded on your last visit. That happens when the VM was rebuilt or got a new IP address that
            belonged to another VM — or when someone is intercepting the connection.
          </p>
        </div>
        {change ? (
          <dl className="fact-list">
            <dt>Server</dt>
            <dd className="mono">{change.server}</dd>
            <dt>Key it presents now</dt>
            <dd>
              <span className="mono">{change.presented.fingerprint}</span> <span className="muted">({change.presented.keyType})</span>
            </dd>
            <dt>Recorded {change.recorded.length === 1 ? 'key' : 'keys'}</dt>
            <dd>
              <ul className="plain-list">
                {change.recorded.map((r) => (
                  <li key={`${r.file}:${r.line}`}>
                    <span className="mono">{r.fingerprint}</span> <span className="muted">({r.keyType})</span>
                    <br />
                    <span className="muted">
                      in <span className="mono">{r.file}</span>, line {r.line}
                    </span>
                  </li>
                ))}
              </ul>
            </dd>
          </dl>
        ) : null}
        <h3 className="section-title">What does this mean, and what do I do?</h3>
        <ol className="steps-text">
          <li>Ask whoever runs the VM (or look in your cloud console’s serial log) for its SHA256 host key fingerprint.</li>
          <li>If it matches the new key above, the VM really changed: delete the recorded line shown above from that file, then Retry. Porthole will ask you to trust the new key.</li>
          <li>If it does not match, do not connect: tell your instructor or administrator.</li>
        </ol>
      </div>
      <DialogFooter>
        <Button variant="primary" onPress={onClose} autoFocus>
          Close
        </Button>
      </DialogFooter>
    </AppDialog>
  );
}
