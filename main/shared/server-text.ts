/**
 * Text a server sends (keyboard-interactive names, instructions and prompts) is shown to
 * the user on a terminal or in the window. A hostile server could hide or fake what the
 * user sees with escape sequences, so only printable text, newlines and tabs pass.
 */
export function printableServerText(text: string, maxLength = 2000): string {
  return (
    text
      // ANSI/VT escape sequences (CSI, OSC, and two-character ESC sequences).
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g, '')
      // Every other C0 and C1 control but tab and newline; bidi overrides that reorder text.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
      .slice(0, maxLength)
  );
}
