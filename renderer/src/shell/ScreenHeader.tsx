import type { ReactNode } from 'react';

export function ScreenHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="screen-header">
      <div>
        <h2 className="screen-title">{title}</h2>
        {description ? <p className="screen-description">{description}</p> : null}
      </div>
      {actions ? <div className="screen-actions">{actions}</div> : null}
    </header>
  );
}
