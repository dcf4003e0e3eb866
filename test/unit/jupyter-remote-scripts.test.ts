import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newMarker, parseMarked, shQuote, startScript, type StartRequest } from '../../main/jupyter/remote-scripts';
import { readStartReport, redact } from '../../main/jupyter/launcher';
import { run, terminate } from '../env/processes';
import { waitFor } from '../env/wait';

/** The error readStartReport throws for `lines` (and a failure of the test when it throws none). */
function startFailure(lines: readonly { key: string; value: string }[], flavour: 'lab' | 'server', timeoutMs: number): unknown {
  try {
    readStartReport(lines, { flavour, timeoutMs });
  } catch (error) {
    return error;
  }
  throw new Error('expected readStartReport to fail');
}

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
    const script = startScript('@@M@@', { binDir: '/usr/bin', flavour: 'notebook', rootDir: "/home/u/it's here", port: 8888, portRetriesFlag: '--NotebookApp.port_retries', token, passwordConfig: null, runtimeDir: '/tmp/rt', python: '/usr/bin/python3', timeoutMs: 1000 });
    execFileSync('/bin/sh', ['-n'], { input: script });
    const launchLine = script.split('\n').find((line) => line.includes('jupyter') && line.includes('--no-browser'))!;
    expect(launchLine).not.toContain(token);
    expect(script).toContain(`JUPYTER_TOKEN='${token}'`);
  });

  it('redacts tokens from log text shown to users', () => {
    expect(redact('at http://127.0.0.1:8888/?token=abc123&x=1 or ?token=zzz')).toBe('at http://127.0.0.1:8888/?token=<redacted>&x=1 or ?token=<redacted>');
  });
});

/**
 * The start script run by the real /bin/sh against a stand-in `jupyter` that writes its
 * runtime file the way Jupyter does (created first, written after) but stops half-way, and
 * finishes only when the test says so: the window in which the script used to read half a
 * file and report it as the server.
 */
describe('the start script waits for a complete runtime file', { timeout: 30_000 }, () => {
  const TOKEN = 'c'.repeat(48);
  /** What the stand-in writes in the end (a real jpserver file's fields; PID is its own). */
  const FULL = `{"base_url": "/", "hostname": "127.0.0.1", "notebook_dir": "/home/u/odd}", "password": false, "pid": PID, "port": 8899, "secure": false, "sock": "", "token": "${TOKEN}", "url": "http://127.0.0.1:8899/"}`;
  const made: string[] = [];
  const started: number[] = [];
  afterEach(async () => {
    await terminate(started.splice(0));
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A bin dir with a stand-in jupyter, and the runtime dir it writes `jpserver-<its pid>.json`
   * into: FULL up to the end of `cutAfter` at once, the rest once `finish()` is called.
   */
  function standIn(cutAfter: string): { binDir: string; runtimeDir: string; finish: () => void } {
    const root = mkdtempSync(join(tmpdir(), 'porthole-start-script-'));
    made.push(root);
    const runtimeDir = join(root, 'runtime');
    const go = join(root, 'finish');
    const cut = FULL.indexOf(cutAfter) + cutAfter.length;
    writeFileSync(
      join(root, 'jupyter'),
      `#!/bin/sh
F=${shQuote(runtimeDir)}/jpserver-$$.json
printf '%s' ${shQuote(FULL.slice(0, cut))} > "$F"
while [ ! -e ${shQuote(go)} ]; do sleep 0.02; done
printf ${shQuote(FULL.slice(cut).replace('PID', '%s'))} $$ >> "$F"
while :; do sleep 1; done
`,
    );
    chmodSync(join(root, 'jupyter'), 0o755);
    return { binDir: root, runtimeDir, finish: () => writeFileSync(go, '') };
  }

  function request(binDir: string, runtimeDir: string, python: string, timeoutMs: number): StartRequest {
    return { binDir, flavour: 'server', rootDir: null, port: 8899, portRetriesFlag: '--ServerApp.port_retries', token: TOKEN, passwordConfig: null, runtimeDir, python, timeoutMs };
  }

  async function runStart(startRequest: StartRequest) {
    const marker = newMarker();
    const result = await run('/bin/sh', ['-s'], { input: startScript(marker, startRequest) });
    const lines = parseMarked(result.stdout, marker);
    const pid = Number(lines.find((line) => line.key === 'pid')?.value);
    if (pid > 0) started.push(pid);
    return lines;
  }

  it.each([
    ['the server\'s Python', '/usr/bin/python3'],
    ['no Python to ask (the closed-object rule)', ''],
  ])('a file Jupyter has not finished is never reported, with %s: the script times out naming it', async (_how, python) => {
    const { binDir, runtimeDir } = standIn('"hostname": "127.');
    const lines = await runStart(request(binDir, runtimeDir, python, 1_000));
    expect(lines.map((line) => line.key)).not.toContain('runtime-json');
    expect(lines.find((line) => line.key === 'runtime-incomplete')?.value).toMatch(/^jpserver-\d+\.json$/);
    expect(startFailure(lines, 'server', 1_000)).toMatchObject({ code: 'jupyter.start-timeout', retryable: true, message: expect.stringMatching(/did not finish writing its runtime file jpserver-\d+\.json within 1 s/) });
  });

  it('a half-written file that happens to end in "}" is not complete while Python cannot parse it', async () => {
    // Cut inside a string, just after a "}" (a folder name can hold one): closed to the eye, not JSON.
    const { binDir, runtimeDir } = standIn('"/home/u/odd}');
    const lines = await runStart(request(binDir, runtimeDir, '/usr/bin/python3', 1_000));
    expect(lines.map((line) => line.key)).toContain('runtime-incomplete');
    expect(lines.map((line) => line.key)).not.toContain('runtime-json');
  });

  it('reports the whole file once Jupyter has finished writing it, and the server reads from it', async () => {
    const { binDir, runtimeDir, finish } = standIn('"/home/u/odd}');
    const report = runStart(request(binDir, runtimeDir, '/usr/bin/python3', 20_000));
    await waitFor('the stand-in to write half its runtime file', () => existsSync(runtimeDir) && readdirSync(runtimeDir).some((name) => name.startsWith('jpserver-')));
    finish();
    const lines = await report;
    const server = readStartReport(lines, { flavour: 'server', timeoutMs: 20_000 });
    expect(server.info).toMatchObject({ port: 8899, token: TOKEN, rootDir: '/home/u/odd}', kind: 'server' });
    expect(server.info.pid).toBe(Number(lines.find((line) => line.key === 'pid')!.value));
  });
});

describe('readStartReport', () => {
  const fail = (lines: { key: string; value: string }[]) => startFailure(lines, 'lab', 60_000);

  it('a complete runtime file that is no server entry is jupyter.bad-report, not a timeout', () => {
    expect(fail([{ key: 'runtime-name', value: 'jpserver-7.json' }, { key: 'runtime-json', value: '{"hello": 1}' }])).toMatchObject({ code: 'jupyter.bad-report', message: expect.stringContaining('jpserver-7.json') });
  });

  it('says the server died, with its last output and the token redacted', () => {
    const error = fail([{ key: 'died', value: '7' }, { key: 'log-line', value: 'ModuleNotFoundError: jupyterlab' }, { key: 'log-line', value: 'http://127.0.0.1:8888/?token=abc' }]);
    expect(error).toMatchObject({ code: 'jupyter.start-failed', retryable: false });
    expect((error as Error).message).toBe('jupyter lab exited while starting. Its last output:\nModuleNotFoundError: jupyterlab\nhttp://127.0.0.1:8888/?token=<redacted>');
  });

  it('a plain timeout says so, with "(nothing)" when Jupyter printed nothing', () => {
    expect(fail([{ key: 'timeout', value: '7' }])).toMatchObject({ code: 'jupyter.start-timeout', message: 'jupyter lab did not come up within 60 s. Its last output:\n(nothing)' });
  });
});
