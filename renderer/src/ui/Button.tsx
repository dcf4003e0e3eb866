import { Button as AriaButton, type ButtonProps } from 'react-aria-components';

export type ButtonVariant = 'primary' | 'secondary' | 'quiet' | 'danger';

/** The app's one button: react-aria's (keyboard, press and focus handling), styled by variant. */
export function Button({ variant = 'secondary', className, ...props }: ButtonProps & { variant?: ButtonVariant }) {
  return <AriaButton {...props} className={`btn btn-${variant}${typeof className === 'string' ? ` ${className}` : ''}`} />;
}
