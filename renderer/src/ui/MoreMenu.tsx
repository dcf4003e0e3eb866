import { Menu, MenuItem, MenuTrigger, Popover } from 'react-aria-components';
import { Button } from './Button';
import { Icon } from './Icon';

export interface MenuAction<K extends string> {
  readonly kind: K;
  readonly label: string;
  readonly danger?: boolean;
}

/** A "More actions" button with a react-aria menu (arrow keys, typeahead, Escape). */
/** With `text`, the trigger shows that text instead of the "…" icon. */
export function MoreMenu<K extends string>({ label, actions, onAction, text }: { label: string; actions: readonly MenuAction<K>[]; onAction: (kind: K) => void; text?: string }) {
  if (actions.length === 0) return null;
  return (
    <MenuTrigger>
      {text ? (
        <Button>
          <Icon name="import" />
          {text}
        </Button>
      ) : (
        <Button variant="quiet" aria-label={label} className="btn-icon">
          <Icon name="more" className="icon-more" />
        </Button>
      )}
      <Popover className="popover" placement="bottom end">
        <Menu className="menu" onAction={(key) => onAction(key as K)} aria-label={label}>
          {actions.map((action) => (
            <MenuItem key={action.kind} id={action.kind} className={`menu-item${action.danger ? ' menu-item-danger' : ''}`}>
              {action.label}
            </MenuItem>
          ))}
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
