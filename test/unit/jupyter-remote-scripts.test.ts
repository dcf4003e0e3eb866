import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { newMarker, parseMarked, shQuote, startScript } from '../../main/jupyter/remote-scripts';
import { redact } from '../../main/jupyter/launcher';

describe('remote script plumbing', () => {
  it('quotes any value safely for sh (checked by the real /bin/sh)', () => {
    for (const value of ["it's", '$(rm -rf /)', '`id`', 'a b\nc', '"; echo pwned', "'", '']) {
      expect(execFileSync('/bin/sh', ['-c', `printf %s ${shQuote(value)}`]).toString()).toBe(value);
    }
  });

  it('reads only lines carrying this run\'s marker, whatever else the shell printed', () => {
    const marker = newMarker();
    const output = [`Welcome to Ubuntu`, `@@PH000000000000@@ chosen /evil`, `${marker} chosen /opt/conda/bin`, `${marker} home /home/ubuntu`, `${marker} none`, 'bye'].join('\r\n');
    expect(parseMarked(output, marker)).toEqual([
      { key: 'chosen', value: '/opt/conda/bin' },
      { key: 'home', value: '/home/ubuntu' },
      { key: 'none', value: '' },
    ]);
  });

  it('a start script is valid sh and keeps the token off the jupyter command line', () => {
    const token = 'f'.repeat(64);
    const script = startScript('@@M@@', { binDir: '/usr/bin', flavour: 'notebook', rootDir: "/home/u/it's here", port: 8888, portRetriesFlag: '--NotebookApp.port_retries', token, passwordConfig: null, runtimeDir: '/tmp/rt', timeoutMs: 1000 });
    execFileSync('/bin/sh', ['-n'], { input: script });
    const launchLine = script.split('\n').find((line) => line.includes('jupyter') && line.includes('--no-browser'))!;
    expect(launchLine).not.toContain(token);
    expect(script).toContain(`JUPYTER_TOKEN='${token}'`);
  });

  it('redacts tokens from log text shown to users', () => {
    expect(redact('at http://127.0.0.1:8888/?token=abc123&x=1 or ?token=zzz')).toBe('at http://127.0.0.1:8888/?token=<redacted>&x=1 or ?token=<redacted>');
  });
});
