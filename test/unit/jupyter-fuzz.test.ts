/**
 * Seeded fuzz of everything Porthole reads from the remote about Jupyter: the launcher's
 * reports (the locate script's and the running-servers script's output, JSON inside), Jupyter's
 * runtime files, `jupyter … list --json`, its startup output and `jupyter --version`. The
 * remote may be broken or hostile, so every input ends in a well-formed result or a
 * jupyter.* PortholeError, each within 1 s; never a raw exception or a hang. Oversized
 * numbers, oversized lengths and repetition are among the mutations (test/support/fuzz.ts);
 * a failure names the seed and the case (replay with PORTHOLE_FUZZ_SEED).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLocateReport, readRunningServers } from '../../main/jupyter/launcher';
import { parseMarked } from '../../main/jupyter/remote-scripts';
import { parseRuntimeFile, parseServerListOutput, type ServerInfo } from '../../main/jupyter/server-info';
import { parseStartupOutput, startupFailure } from '../../main/jupyter/startup-output';
import { parseJupyterVersion, passwordFlag, portRetriesFlag, tokenFlag } from '../../main/jupyter/versions';
import { PortholeError } from '../../main/shared/errors';
import { InputTimer, mutateTextStacked } from '../support/fuzz';
import { mulberry32 as random } from '../support/prng';

const SEED = Number(process.env['PORTHOLE_FUZZ_SEED'] ?? 20241203);

const FIXTURES = join(__dirname, '..', 'fixtures', 'jupyter');
const fixtureTexts = (dir: string, keep: (name: string) => boolean): string[] =>
  readdirSync(join(FIXTURES, dir))
    .filter(keep)
    .map((name) => readFileSync(join(FIXTURES, dir, name), 'utf8'));
const runtimeFiles: { name: string; text: string }[] = readdirSync(join(FIXTURES, 'recorded', 'runtime')).flatMap((scenario) =>
  readdirSync(join(FIXTURES, 'recorded', 'runtime', scenario)).map((name) => ({ name, text: readFileSync(join(FIXTURES, 'recorded', 'runtime', scenario, name), 'utf8') })),
);

/** What Jupyter prints while starting, `list --json`, `--version`: every recorded and reconstructed sample. */
const OUTPUTS = [...fixtureTexts('recorded', (name) => name.endsWith('.txt')), ...fixtureTexts('reconstructed', (name) => name.endsWith('.txt'))];
const RUNTIME_NAMES = ['nbserver-1.json', 'jpserver-77.json', 'kernel-1.json', '/x/jpserver-9.json', `jpserver-${'9'.repeat(12)}.json`, ''];

const MARKER = '@@PH0123456789ab@@';
const say = (key: string, value: string) => `${MARKER} ${key} ${value}`;

/** The locate script's output as a real remote prints it: shell noise, then the marked lines. */
function locateOutput(): string {
  const servers = runtimeFiles.map(({ name, text }, index) => ({ name, json: text.replace(/\n/g, ''), alive: index % 3 !== 0 }));
  const report = {
    versions: { notebook: '6.4.12', jupyter_server: '1.23.3', jupyterlab: null, jupyter_core: '4.12.0' },
    runtimeDir: '/home/alice/.local/share/jupyter/runtime',
    servers,
  };
  return [
    'Welcome to Ubuntu 22.04.4 LTS (GNU/Linux 5.15.0-1051-aws x86_64)',
    say('home', '/home/alice'),
    say('candidate', '/opt/conda/bin lab,notebook,server'),
    say('candidate', '/home/alice/.local/bin notebook'),
    say('conda-env', 'base /opt/conda'),
    say('conda-env', 'pytorch /opt/conda/envs/pytorch'),
    say('chosen', '/opt/conda/bin'),
    say('python', '/opt/conda/bin/python3'),
    say('json', JSON.stringify(report)),
    '',
  ].join('\n');
}

/** The running-servers script's output: a runtime dir, then name and content of each file. */
function runningOutput(): string {
  const lines = [say('home', '/home/alice'), say('server-dir', '/home/alice/.local/share/jupyter/runtime')];
  for (const { name, text } of runtimeFiles) lines.push(say('server-name', name), say('server-json', text.replace(/\n/g, '')));
  return `${lines.join('\n')}\n`;
}

const REPORT_ALPHABET = [MARKER, ' ', '\n', '\r\n', '"', '\\"', '\\\\', '\\u0000', '{', '}', '[', ']', ',', ':', 'null', 'true', '1e999', '-1', '"alive":true', '"servers":[', 'json ', 'chosen ', 'candidate ', 'server-json ', 'server-name ', 'jpserver-1.json', '/'];
const OUTPUT_ALPHABET = [
  '\n', '\r\n', '\r', '\u001b[32m', '\u001b(B\u001b[m', '\u001b]0;title\u0007', '\u0000', '\u0001', '\uffff', '\ud800', '🙂',
  '[I 2025-01-01 00:00:00.000 ServerApp] ', '[C 12:00:00.000 NotebookApp]', ' is running at:', 'Jupyter Server 2.20.0 is running at:\n',
  'The Jupyter Notebook is running at:', '    ', ' or ', 'http://', 'https://', 'http+unix://', '%2F', '%E0%A4%A', '?token=', '&token=',
  'token=...', '...', '[::1]', '[::', ']', '[', '(', ')', ' or 127.0.0.1)', ':99999', ':0', ':', '/lab', '/tree', '/lab/tree/',
  'To access the server, open this file in a browser:\n', 'Or copy and paste one of these URLs:\n', 'file:///tmp/x.html',
  'Traceback (most recent call last):\n', 'OSError: [Errno 98] Address already in use\n', 'No module named ', ': error: ',
  '{"url": "http://127.0.0.1:1/", "port": 1, "pid": 1}', '{', '}', '"', 'jupyter_server   : ', 'notebook : 7', 'not installed',
];

const context = (seed: number, i: number, text: string) => () => `seed ${seed} case ${i}: ${JSON.stringify(text.slice(0, 240))} (${text.length} chars)`;

/** A usable server entry; checked without expect() per entry, since repeated lines make thousands. */
function checkServer(info: ServerInfo, where: () => string): void {
  const usable = Number.isInteger(info.pid) && info.pid > 0 && Number.isInteger(info.port) && info.port >= 0 && info.port <= 65_535 && /^\/(?!\/)/.test(info.baseUrl);
  if (!usable) expect.fail(`${where()}: unusable server entry ${JSON.stringify(info)}`);
}

function checkJupyterError(error: unknown, where: string): void {
  if (!(error instanceof PortholeError) || !error.code.startsWith('jupyter.')) {
    throw new Error(`${where}: not a PortholeError with a jupyter.* code: ${String(error)}\n${(error as Error).stack ?? ''}`, { cause: error });
  }
}

describe(`Jupyter fuzz (seed ${SEED})`, () => {
  it('3000 damaged locate reports each end in a result or a jupyter.* error within 1 s', { timeout: 300_000 }, () => {
    const rnd = random(SEED);
    const timer = new InputTimer('launcher locate report');
    const seed = locateOutput();
    let located = 0;
    for (let i = 0; i < 3000; i++) {
      const text = mutateTextStacked(rnd, seed, REPORT_ALPHABET);
      const where = context(SEED, i, text);
      try {
        const result = timer.runSync(where, () => readLocateReport(parseMarked(text, MARKER), { kind: 'auto' }));
        located++;
        for (const info of result.running) checkServer(info, where);
        expect(typeof result.install.binDir, where()).toBe('string');
      } catch (error) {
        checkJupyterError(error, where());
      }
    }
    timer.finish();
    expect(located).toBeGreaterThan(300);
  });

  it('3000 damaged running-servers reports each end in a list of servers within 1 s', { timeout: 300_000 }, () => {
    const rnd = random(SEED + 1);
    const timer = new InputTimer('launcher running-servers report');
    const seed = runningOutput();
    let found = 0;
    for (let i = 0; i < 3000; i++) {
      const text = mutateTextStacked(rnd, seed, REPORT_ALPHABET);
      const where = context(SEED + 1, i, text);
      const result = timer.runSync(where, () => readRunningServers(parseMarked(text, MARKER)));
      for (const info of result.servers) checkServer(info, where);
      found += result.servers.length;
    }
    timer.finish();
    expect(found).toBeGreaterThan(1000);
  });

  it('3000 damaged runtime files each end in a server or null within 1 s', { timeout: 300_000 }, () => {
    const rnd = random(SEED + 2);
    const timer = new InputTimer('Jupyter runtime file');
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const file = runtimeFiles[Math.floor(rnd() * runtimeFiles.length)]!;
      const text = mutateTextStacked(rnd, file.text, REPORT_ALPHABET);
      const name = rnd() < 0.8 ? file.name : RUNTIME_NAMES[Math.floor(rnd() * RUNTIME_NAMES.length)]!;
      const where = context(SEED + 2, i, `${name}: ${text}`);
      const info = timer.runSync(where, () => parseRuntimeFile(name, text));
      if (info !== null) {
        checkServer(info, where);
        parsed++;
      }
    }
    timer.finish();
    expect(parsed).toBeGreaterThan(300);
  });

  it('3000 damaged outputs through the startup, list and --version readers, each within 1 s', { timeout: 600_000 }, () => {
    const rnd = random(SEED + 3);
    const timers = {
      startup: new InputTimer('Jupyter startup output'),
      failure: new InputTimer('Jupyter startup failure'),
      list: new InputTimer('jupyter list --json'),
      version: new InputTimer('jupyter --version'),
    };
    for (let i = 0; i < 3000; i++) {
      const text = mutateTextStacked(rnd, OUTPUTS[Math.floor(rnd() * OUTPUTS.length)]!, OUTPUT_ALPHABET);
      const where = context(SEED + 3, i, text);
      const url = timers.startup.runSync(where, () => parseStartupOutput(text));
      if (url !== null) {
        expect(Number.isInteger(url.port) && url.port >= 0 && url.port <= 65_535, where()).toBe(true);
        expect(url.basePath.startsWith('/') && url.basePath.endsWith('/'), where()).toBe(true);
        expect(url.url, where()).toMatch(/^(https?|http\+unix):\/\//);
        expect(url.token, where()).not.toBe('...');
        expect(url.token, where()).not.toBe('');
      }
      const failure = timers.failure.runSync(where, () => startupFailure(text));
      if (failure !== null) expect(failure.length, where()).toBeLessThan(400);
      for (const info of timers.list.runSync(where, () => parseServerListOutput(text))) checkServer(info, where);
      const versions = timers.version.runSync(where, () => parseJupyterVersion(text));
      for (const flavour of ['lab', 'notebook', 'server'] as const) {
        expect(tokenFlag(versions, flavour), where()).toMatch(/^--\w+\.\w+$/);
        expect(passwordFlag(versions, flavour), where()).toMatch(/^--\w+\.\w+$/);
        expect(portRetriesFlag(versions, flavour), where()).toMatch(/^--\w+\.port_retries$/);
      }
    }
    for (const timer of Object.values(timers)) timer.finish();
  });

  it('hostile lines stay under 1 s each, among them every slow input the fuzzer found (regressions)', () => {
    const timer = new InputTimer('Jupyter hostile lines');
    const running = 'Jupyter Server 2.0.0 is running at:\n';
    const cases: [string, string][] = [
      // Found by this fuzzer: a lookbehind that rescanned a run of blanks at every position (2.6 s at 60 K).
      ['blanks after a record opening', `[I ${' '.repeat(100_000)}x\n`],
      // Found: `/[,;)'"\`]+$/` starting over inside a run of quotes that does not end the line (0.5 s at 13 K).
      ['quotes after a URL', `${running}http://127.0.0.1:8888/?token=0f32${'"'.repeat(50_000)}x\n`],
      // Found: `[\w.-]*app[\w.-]*: error:` trying every "app" against the rest of the word (27 s at 150 K).
      ['"app" repeated in a program name', `x${'app'.repeat(20_000)}: erro\n`],
      // Found: `(.*?)\s*$` in the --version table retrying the blanks at every step (7 s at 120 K).
      ['blanks inside a --version row', `notebook : 6.4.12${' '.repeat(60_000)}x\n`],
      // Earlier adversarial lines, kept.
      ['a long /lab path', `[I 2025-01-01 00:00:00.000 ServerApp] Jupyter Server 2.20.0 is running at:\n[I 2025-01-01 00:00:00.000 ServerApp] http://127.0.0.1:8888${'/lab'.repeat(20_000)}x?token=a\n`],
      ['record openings glued together', `${'[I 2025-01-01 00:00:00.000 ServerApp]'.repeat(5_000)}\n`],
      ['" or " repeated', `${running}${' or '.repeat(30_000)}http://h:1/\n`],
      ['a version with 20 000 parts', `${'jupyter_server: '.repeat(20_000)}1${'.1'.repeat(20_000)}!\n`],
      ['"a: " repeated', `${'a: '.repeat(30_000)}jupyter\n`],
      ['a traceback with a 100 K line', `Traceback (most recent call last):\n${'x'.repeat(100_000)}\n`],
      ['JSON openings repeated', `${'{"url": "http://x:1/", '.repeat(10_000)}\n`],
      ['" or " inside the either-host form', `http://(${'a or '.repeat(20_000)}b):1/\n`],
    ];
    for (const [label, text] of cases) {
      timer.runSync(`${label}: startup output`, () => parseStartupOutput(text));
      const failure = timer.runSync(`${label}: startup failure`, () => startupFailure(text));
      if (failure !== null) expect(failure.length, label).toBeLessThan(400);
      timer.runSync(`${label}: list --json`, () => parseServerListOutput(text));
      timer.runSync(`${label}: --version`, () => parseJupyterVersion(text));
    }
    timer.finish();
  });

  it('a report listing 20 000 runtime files is read within 1 s, up to its first 256', () => {
    const timer = new InputTimer('Jupyter reports of many servers');
    const [file] = runtimeFiles;
    const entries = Array.from({ length: 20_000 }, () => `${say('server-name', file!.name)}\n${say('server-json', file!.text.replace(/\n/g, ''))}`).join('\n');
    const running = timer.runSync('running-servers report', () => readRunningServers(parseMarked(`${say('server-dir', '/r')}\n${entries}\n`, MARKER)));
    const servers = Array.from({ length: 20_000 }, () => ({ name: file!.name, json: file!.text, alive: true }));
    const report = `${say('chosen', '/opt/conda/bin')}\n${say('json', JSON.stringify({ versions: {}, runtimeDir: '/r', servers }))}\n`;
    const located = timer.runSync('locate report', () => readLocateReport(parseMarked(report, MARKER), { kind: 'auto' }));
    timer.finish();
    expect(running.servers).toHaveLength(256);
    expect(located.running).toHaveLength(256);
  });

  it('a failure reason quoting the remote is clipped, however long what it quotes', () => {
    // Found by this fuzzer: a 130 000-character module name went whole into the reason.
    const reason = startupFailure(`/usr/bin/python3: No module named jupyterlab${'ab'.repeat(60_000)}\n`);
    expect(reason).toMatch(/^The Python module jupyterlababab.*\.\.\.$/);
    expect(reason!.length).toBeLessThanOrEqual(200);
  });
});
