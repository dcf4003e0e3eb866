import type { ReactNode } from 'react';
import { Switch } from 'react-aria-components';

/** A labelled on/off switch, with its help line read with it (aria-describedby). */
export function SwitchField({ isSelected, onChange, children, help, helpId }: { isSelected: boolean; onChange: (selected: boolean) => void; children: ReactNode; help?: ReactNode; helpId?: string }) {
  return (
    <>
      <Switch className="switch" isSelected={isSelected} onChange={onChange} {...(help !== undefined && helpId !== undefined ? { 'aria-describedby': helpId } : {})}>
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        {children}
      </Switch>
      {help !== undefined ? (
        <p id={helpId} className="field-help indent">
          {help}
        </p>
      ) : null}
    </>
  );
}
