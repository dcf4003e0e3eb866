import type { ReactNode } from 'react';
import { Button, FieldError, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, Text } from 'react-aria-components';

export interface SelectOption {
  readonly id: string;
  readonly label: string;
}

/** A labelled react-aria Select (a button opening a listbox), error on the field. */
export function SelectField({ label, value, options, onChange, error, description, className, autoFocus = false }: { label: string; value: string; options: readonly SelectOption[]; onChange: (id: string) => void; error?: string | undefined; description?: ReactNode; className?: string; autoFocus?: boolean }) {
  return (
    <Select className={`field${className ? ` ${className}` : ''}`} value={value} onChange={(key) => onChange(String(key))} isInvalid={error !== undefined} validationBehavior="aria" autoFocus={autoFocus}>
      <Label className="field-label">{label}</Label>
      <Button className="field-input select-button">
        <SelectValue className="select-value" />
        <span className="select-chevron" aria-hidden="true" />
      </Button>
      {description !== undefined && error === undefined ? (
        <Text slot="description" className="field-help">
          {description}
        </Text>
      ) : null}
      <FieldError className="field-error">{error}</FieldError>
      <Popover className="popover select-popover">
        <ListBox className="menu" items={options}>
          {(option) => (
            <ListBoxItem id={option.id} className="menu-item" textValue={option.label}>
              {option.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}
