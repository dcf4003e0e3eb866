import type { CloudCardLines as Lines } from './cloud-presentation';
import { ErrorNote } from '../ui/ErrorNote';
import { Icon } from '../ui/Icon';

/** A cloud host's machine, cost, idle count-down and VM-stop outcome, under the card's state line. */
export function CloudCardLines({ lines }: { lines: Lines }) {
  return (
    <>
      {lines.machine || lines.cost ? (
        <p className="host-cloud-line">
          {lines.machine ? <span>{lines.machine}</span> : null}
          {lines.cost ? <span className="host-cost">{lines.cost}</span> : null}
        </p>
      ) : null}
      {lines.idle ? (
        lines.idle.urgent ? (
          <div className="note note-warning idle-warning" role="status">
            <Icon name="clock" className="note-icon" />
            <div className="note-text">
              <p className="note-message">{lines.idle.text}</p>
              {lines.idle.hint ? <p className="note-hint">{lines.idle.hint}</p> : null}
            </div>
          </div>
        ) : (
          <p className="muted small">{lines.idle.text}</p>
        )
      ) : lines.safety ? (
        <p className="muted small">{lines.safety}</p>
      ) : null}
      {lines.vmStop ? (
        lines.vmStop.error ? (
          <ErrorNote error={lines.vmStop.error}>
            <p className="note-hint">{lines.vmStop.text}</p>
          </ErrorNote>
        ) : (
          <p className={`vm-stop vm-stop-${lines.vmStop.tone}`} role="status">
            <Icon name={lines.vmStop.tone === 'success' ? 'check' : 'clock'} />
            {lines.vmStop.text}
          </p>
        )
      ) : null}
    </>
  );
}
