/**
 * The XDG autostart entry that starts Porthole when a Linux desktop session begins
 * (~/.config/autostart/porthole.desktop; Electron's login item settings cover only macOS and
 * Windows). Pure text, so the quoting rules of the Desktop Entry specification are tested
 * without a desktop.
 */
import { PortholeError } from '../shared/errors';

export const AUTOSTART_FILE_NAME = 'porthole.desktop';

/**
 * One Exec argument: quoted when it holds anything beyond plain path characters, with the
 * specification's escapes inside quotes (" ` $ \), then the string-value escape of backslashes
 * and the field-code escape of %.
 */
export function execArgument(arg: string): string {
  if (/[\n\r\t]/.test(arg)) {
    throw new PortholeError({ code: 'app.autostart-path', message: `Porthole's program path cannot go into an autostart entry: ${JSON.stringify(arg)}.`, hint: 'Move Porthole to a folder whose name has no line breaks, then turn "Start Porthole when I log in" on again.', retryable: false });
  }
  const quoted = /^[A-Za-z0-9_\-./+,:@=]+$/.test(arg) ? arg : `"${arg.replace(/["`$\\]/g, '\\$&')}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

/** The entry's text for starting `program` with `args` (Porthole passes --hidden: it starts in the tray). */
export function autostartEntry(program: string, args: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Porthole',
    'Comment=One click from your cloud VM to Jupyter in your browser',
    `Exec=${[program, ...args].map(execArgument).join(' ')}`,
    'Icon=porthole',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}
