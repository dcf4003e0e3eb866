/**
 * A private X display for GUI tests on a headless Linux machine: Electron needs one to open
 * a window. Used only where there is no DISPLAY already; Xvfb picks a free display number
 * itself (-displayfd) so parallel runs do not collide.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Display {
  /** Environment to add for the GUI process (empty when the machine has a display). */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export async function ensureDisplay(): Promise<Display> {
  if (process.platform !== 'linux' || process.env['DISPLAY'] || !existsSync('/usr/bin/Xvfb')) {
    return { env: {}, stop: async () => undefined };
  }
  const xvfb: ChildProcess = spawn('/usr/bin/Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 10 s')), 10_000);
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(out.trim());
      }
    });
    xvfb.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited (${code})`));
    });
  });
  return {
    env: { DISPLAY: `:${display}` },
    stop: () =>
      new Promise((resolve) => {
        if (xvfb.exitCode !== null) return resolve();
        xvfb.once('exit', () => resolve());
        xvfb.kill();
      }),
  };
}
