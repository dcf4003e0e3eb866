import { useEffect, useRef, useState } from 'react';
import { Switch } from 'react-aria-components';
import type { LogLineView } from '../../../main/ipc/contract';
import { useSnapshot } from '../store/context';
import { ScreenHeader } from '../shell/ScreenHeader';
import { Icon } from '../ui/Icon';

const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** What the engine did, newest last. Lines arrive redacted from main (no tokens, no passwords). */
export function LogScreen() {
  const { logs } = useSnapshot();
  const [follow, setFollow] = useState(true);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (follow) end.current?.scrollIntoView({ block: 'end' });
  }, [logs, follow]);
  return (
    <>
      <ScreenHeader
        title="Log"
        description="What Porthole did, step by step. Useful when asking for help: passwords and tokens are never written here."
        actions={
          <Switch className="switch" isSelected={follow} onChange={setFollow}>
            <span className="switch-track" aria-hidden="true">
              <span className="switch-thumb" />
            </span>
            Follow new lines
          </Switch>
        }
      />
      {logs.length === 0 ? (
        <section className="empty-state" aria-labelledby="log-empty">
          <Icon name="log" className="empty-icon" />
          <h3 id="log-empty">Nothing logged yet</h3>
          <p>Connections, Jupyter starts and errors appear here as they happen.</p>
        </section>
      ) : (
        <div className="log-view" role="log" aria-label="Log lines" tabIndex={0}>
          {logs.map((line) => (
            <LogLine key={line.seq} line={line} />
          ))}
          <div ref={end} />
        </div>
      )}
    </>
  );
}

function LogLine({ line }: { line: LogLineView }) {
  return (
    <div className={`log-line log-${line.level}`}>
      <time className="log-time" dateTime={new Date(line.at).toISOString()}>
        {TIME.format(line.at)}
      </time>
      <span className="log-level">{line.level}</span>
      <span className="log-scope">{line.scope}</span>
      <span className="log-message">{line.message}</span>
    </div>
  );
}
