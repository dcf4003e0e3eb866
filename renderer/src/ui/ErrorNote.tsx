import type { ReactNode } from 'react';
import type { ErrorView } from '../../../main/ipc/contract';
import { Icon } from './Icon';

/** The engine's message and hint, as they are: what happened, then what to do. */
export function ErrorNote({ error, children, tone = 'danger' }: { error: Pick<ErrorView, 'message' | 'hint'>; children?: ReactNode; tone?: 'danger' | 'warning' }) {
  return (
    <div className={`note note-${tone}`} role="alert">
      <Icon name={tone === 'danger' ? 'error' : 'warning'} className="note-icon" />
      <div className="note-text">
        <p className="note-message">{error.message}</p>
        {error.hint ? <p className="note-hint">{error.hint}</p> : null}
        {children}
      </div>
    </div>
  );
}

export function InfoNote({ children, icon = 'info' }: { children: ReactNode; icon?: 'info' | 'check' | 'shield' }) {
  return (
    <div className={`note note-${icon === 'check' ? 'success' : 'info'}`}>
      <Icon name={icon} className="note-icon" />
      <div className="note-text">{children}</div>
    </div>
  );
}
