/**
 * Cleans text a server sent for the user to read (keyboard-interactive instructions and
 * prompts). Printed raw, its escape sequences could clear the terminal, hide the rest of a
 * prompt, set the window title or answer a terminal query; in the UI, bidi overrides could
 * turn text around. What is left: printable text, newlines and tabs.
 */

/* eslint-disable no-control-regex -- matching control characters is the point here. */
/** ESC/CSI sequences (colours, cursor moves), OSC/DCS/APC/PM/SOS strings up to their terminator. */
const ESCAPES = /(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[\s\S]*?(?:\u0007|\u001b\\|\u009c|$)|(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|\u001b[ -/]*[0-~]?/g;
/** C0 except tab and newline, DEL, C1, and the bidi embedding, override and isolate marks. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

export function cleanServerText(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(ESCAPES, '').replace(CONTROLS, '');
}
