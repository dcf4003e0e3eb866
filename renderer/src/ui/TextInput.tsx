import type { ReactNode } from 'react';
import { FieldError, Input, Label, Text, TextArea, TextField } from 'react-aria-components';

export interface TextInputProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** Shown on the field, announced with it, and marks it invalid. */
  readonly error?: string | undefined;
  readonly description?: ReactNode;
  readonly placeholder?: string;
  readonly type?: 'text' | 'password';
  readonly autoFocus?: boolean;
  readonly isRequired?: boolean;
  readonly isDisabled?: boolean;
  readonly multiline?: boolean;
  readonly inputMode?: 'numeric' | 'text';
  readonly className?: string;
  readonly onBlur?: () => void;
  readonly spellCheck?: boolean;
}

/** A labelled text field whose error sits on the field itself (aria-describedby + aria-invalid). */
export function TextInput(props: TextInputProps) {
  const { label, value, onChange, error, description, placeholder, type = 'text', autoFocus, isRequired, isDisabled, multiline, inputMode, className, onBlur } = props;
  return (
    <TextField
      className={`field${className ? ` ${className}` : ''}`}
      value={value}
      onChange={onChange}
      isInvalid={error !== undefined}
      validationBehavior="aria"
      type={type}
      autoFocus={autoFocus ?? false}
      isRequired={isRequired ?? false}
      isDisabled={isDisabled ?? false}
      {...(onBlur ? { onBlur } : {})}
    >
      <Label className="field-label">
        {label}
        {isRequired ? <span className="field-required" aria-hidden="true"> *</span> : null}
      </Label>
      {multiline ? (
        <TextArea className="field-input field-textarea" placeholder={placeholder} spellCheck={false} />
      ) : (
        <Input className="field-input" placeholder={placeholder} inputMode={inputMode} spellCheck={props.spellCheck ?? false} autoComplete="off" />
      )}
      {description !== undefined && error === undefined ? (
        <Text slot="description" className="field-help">
          {description}
        </Text>
      ) : null}
      <FieldError className="field-error">{error}</FieldError>
    </TextField>
  );
}
