/** The Linux autostart entry's text (main/app/autostart-entry.ts), quoted as the Desktop Entry specification says. */
import { describe, expect, it } from 'vitest';
import { autostartEntry, execArgument } from '../../main/app/autostart-entry';
import { PortholeError } from '../../main/shared/errors';

describe('the autostart entry', () => {
  it('starts the program in the tray, with the fields a desktop session reads', () => {
    expect(autostartEntry('/opt/Porthole/porthole', ['--hidden'])).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Porthole',
        'Comment=One click from your cloud VM to Jupyter in your browser',
        'Exec=/opt/Porthole/porthole --hidden',
        'Icon=porthole',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
  });

  it('quotes a path with spaces, and escapes what the specification reserves inside quotes', () => {
    expect(execArgument('/home/ada/Apps/Porthole 1.2.AppImage')).toBe('"/home/ada/Apps/Porthole 1.2.AppImage"');
    // Inside quotes: \" \` \$ \\; then the string escape doubles every backslash.
    expect(execArgument('/home/ada/a "b" `c` $d')).toBe('"/home/ada/a \\\\"b\\\\" \\\\`c\\\\` \\\\$d"');
    expect(execArgument('/home/ada/back\\slash')).toBe('"/home/ada/back\\\\\\\\slash"');
    // A % would start a field code (%f, %u): it is doubled.
    expect(execArgument('/home/ada/100%/porthole')).toBe('"/home/ada/100%%/porthole"');
  });

  it('refuses a path that no desktop entry can hold, saying what to do', () => {
    expect(() => execArgument('/tmp/bad\nname/porthole')).toThrow(expect.objectContaining({ code: 'app.autostart-path', retryable: false, hint: expect.stringMatching(/^Move Porthole/) }));
    expect(() => execArgument('/tmp/bad\nname/porthole')).toThrow(PortholeError);
  });
});
