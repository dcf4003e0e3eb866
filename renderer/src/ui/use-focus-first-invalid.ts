import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

const INVALID_FIELD = 'input[aria-invalid="true"], textarea[aria-invalid="true"]';

/**
 * After a submit that ends in field errors, focus goes to the first field marked invalid:
 * a keyboard or screen-reader user lands on it and hears its name, "invalid" and the error
 * (its aria-describedby), instead of nothing from the button they pressed. It moves once the
 * render that marks the field is on the page, so the field is read with its error.
 * `selectText` selects what the field holds, so typing again replaces it (a passphrase).
 */
export function useFocusFirstInvalid({ selectText = false }: { selectText?: boolean } = {}): [RefObject<HTMLFormElement | null>, () => void] {
  const form = useRef<HTMLFormElement>(null);
  // Each failed submit counts up, so a second failure moves focus again.
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures === 0) return;
    const field = form.current?.querySelector<HTMLInputElement | HTMLTextAreaElement>(INVALID_FIELD);
    if (!field) return;
    field.focus();
    if (selectText) field.select();
  }, [failures, selectText]);
  const focusFirstInvalid = useCallback(() => setFailures((n) => n + 1), []);
  return [form, focusFirstInvalid];
}
