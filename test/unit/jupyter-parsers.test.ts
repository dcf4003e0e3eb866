/**
 * The Jupyter output parsers (main/jupyter) against real output: recorded here from Debian's
 * notebook 6.4.12 and jupyter_server 1.23.3 (test/fixtures/jupyter/recorded, by record.ts), and
 * for versions not installable here, public logs and source templates
 * (test/fixtures/jupyter/reconstructed, each file says where it came from).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLocateReport } from '../../main/jupyter/locate-report';
import { parseRuntimeFile, parseServerListOutput, type ServerInfo } from '../../main/jupyter/server-info';
import { parseStartupOutput, startupFailure, type StartupUrl } from '../../main/jupyter/startup-output';
import { parseJupyterVersion, passwordConfig, passwordFlag, portRetriesFlag, tokenFlag, type JupyterVersions } from '../../main/jupyter/versions';

const FIXTURES = join(__dirname, '..', 'fixtures', 'jupyter');
const RECORDED = join(FIXTURES, 'recorded');
const RECONSTRUCTED = join(FIXTURES, 'reconstructed');
const FAKE_TOKEN = 'abcdef0123456789abcdef0123456789abcdef0123456789';
const PROVENANCE = '# provenance: from ';

const recorded = (name: string): string => readFileSync(join(RECORDED, name), 'utf8');
/** A reconstructed fixture without its provenance line. */
const reconstructed = (name: string): string => {
  const text = readFileSync(join(RECONSTRUCTED, name), 'utf8');
  return text.startsWith(PROVENANCE) ? text.slice(text.indexOf('\n') + 1) : text;
};

interface Manifest {
  readonly fakeToken: string;
  readonly scenarios: Record<string, { command: string; exitCode: number | null; runtimeFiles?: string[]; stoppedBy?: string }>;
}
const manifest = JSON.parse(recorded('manifest.json')) as Manifest;

function runtimeOf(scenario: string): { name: string; text: string; info: ServerInfo } {
  const dir = join(RECORDED, 'runtime', scenario);
  const [name] = readdirSync(dir);
  if (name === undefined) throw new Error(`no runtime file recorded for ${scenario}`);
  const text = readFileSync(join(dir, name), 'utf8');
  const info = parseRuntimeFile(name, text);
  if (info === null) throw new Error(`runtime file ${name} did not parse`);
  return { name, text, info };
}

const SOCK_NB6 = '/tmp/porthole-jupyter-record/notebook6-sock/jupyter.sock';
const SOCK_SERVER1 = '/tmp/porthole-jupyter-record/server1-sock/jupyter.sock';

/** Recorded successful starts -> exactly what the parser must return. */
const RECORDED_STARTS: readonly [scenario: string, expected: StartupUrl][] = [
  ['notebook6-token-env', { url: 'http://127.0.0.1:18801/', host: '127.0.0.1', port: 18801, basePath: '/', token: null, app: 'notebook6' }],
  [
    'notebook6-token-generated',
    { url: 'http://127.0.0.1:18802/?token=0217947894beaca80571c7850d8782f2c9110a0d536d7a23', host: '127.0.0.1', port: 18802, basePath: '/', token: '0217947894beaca80571c7850d8782f2c9110a0d536d7a23', app: 'notebook6' },
  ],
  ['notebook6-password', { url: 'http://127.0.0.1:18803/', host: '127.0.0.1', port: 18803, basePath: '/', token: null, app: 'notebook6' }],
  ['notebook6-sock', { url: 'http+unix://%2Ftmp%2Fporthole-jupyter-record%2Fnotebook6-sock%2Fjupyter.sock/', host: SOCK_NB6, port: 0, basePath: '/', token: null, app: 'notebook6' }],
  [
    'notebook6-pty',
    { url: 'http://127.0.0.1:18809/?token=61c98e5959d4f226fd5307175adbe7c0cc11b3c062986dd8', host: '127.0.0.1', port: 18809, basePath: '/', token: '61c98e5959d4f226fd5307175adbe7c0cc11b3c062986dd8', app: 'notebook6' },
  ],
  ['server1-token-env', { url: 'http://127.0.0.1:18810/', host: '127.0.0.1', port: 18810, basePath: '/', token: null, app: 'server' }],
  [
    'server1-token-generated',
    { url: 'http://127.0.0.1:18811/?token=a460de46af71484287bfa42c0721b271224ef57afde9f1aa', host: '127.0.0.1', port: 18811, basePath: '/', token: 'a460de46af71484287bfa42c0721b271224ef57afde9f1aa', app: 'server' },
  ],
  ['server1-password', { url: 'http://127.0.0.1:18812/', host: '127.0.0.1', port: 18812, basePath: '/', token: null, app: 'server' }],
  [
    'server1-sock',
    {
      url: 'http+unix://%2Ftmp%2Fporthole-jupyter-record%2Fserver1-sock%2Fjupyter.sock/?token=dca8bd68936b11539ec0764656cb67b247587cb9fb4b968b',
      host: SOCK_SERVER1,
      port: 0,
      basePath: '/',
      token: 'dca8bd68936b11539ec0764656cb67b247587cb9fb4b968b',
      app: 'server',
    },
  ],
  [
    'server1-ipv6-pty',
    { url: 'http://[::1]:18817/?token=c6e6c33d36f596073d6d380a449696a28c10d6b914927f92', host: '::1', port: 18817, basePath: '/', token: 'c6e6c33d36f596073d6d380a449696a28c10d6b914927f92', app: 'server' },
  ],
  ['server1-base-url', { url: 'http://127.0.0.1:18818/user/alice/', host: '127.0.0.1', port: 18818, basePath: '/user/alice/', token: null, app: 'server' }],
];

/** Recorded failed starts -> what the reason must say. */
const RECORDED_FAILURES: readonly [scenario: string, reason: RegExp][] = [
  ['notebook6-port-in-use', /^Port 18804 is already in use/],
  ['server1-port-in-use', /^Port 18813 is already in use/],
  ['notebook6-root-refused', /refuses to run as root without --allow-root/],
  ['server1-root-refused', /refuses to run as root without --allow-root/],
  ['notebook6-bad-port', /rejected its configuration: The 'port' trait of a NotebookApp instance expected an int, not the str 'abc'/],
  ['notebook6-unknown-flag', /rejected its command line: argument --nosuchflag: expected one argument/],
  ['server1-unassigned-ip', /cannot listen on that address.*Errno 99/],
];

/** Versions not installable here -> exactly what the parser must return. */
const RECONSTRUCTED_STARTS: readonly [file: string, expected: StartupUrl][] = [
  [
    'server2-loopback-template.txt',
    { url: 'http://127.0.0.1:8888/?token=4f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c', host: '127.0.0.1', port: 8888, basePath: '/', token: '4f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c', app: 'server' },
  ],
  [
    'server2-all-interfaces-template.txt',
    { url: 'http://127.0.0.1:8888/?token=9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f', host: '127.0.0.1', port: 8888, basePath: '/', token: '9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f', app: 'server' },
  ],
  ['server2-ipv6-wildcard-template.txt', { url: 'http://[::1]:8888/', host: '::1', port: 8888, basePath: '/', token: null, app: 'server' }],
  [
    'lab4-server2.8-docker-compose.txt',
    { url: 'http://127.0.0.1:8888/lab?token=bb03f94f34963874413d90edf3c5b222c7a8c10dd1515094', host: '127.0.0.1', port: 8888, basePath: '/', token: 'bb03f94f34963874413d90edf3c5b222c7a8c10dd1515094', app: 'lab' },
  ],
  [
    'lab4-critical-block-issue-16029.txt',
    { url: 'http://127.0.0.1:8888/lab?token=29792d63705b112f0db698982b68968d826786a586159ad0', host: '127.0.0.1', port: 8888, basePath: '/', token: '29792d63705b112f0db698982b68968d826786a586159ad0', app: 'lab' },
  ],
  [
    'lab3-server1.17-jupyenv.txt',
    { url: 'http://127.0.0.1:8888/lab?token=8f2261a45601848bd79eda97d8d39c3d0f4978bc61fbe346', host: '127.0.0.1', port: 8888, basePath: '/', token: '8f2261a45601848bd79eda97d8d39c3d0f4978bc61fbe346', app: 'lab' },
  ],
  [
    'lab3-critical-block-issue-10172.txt',
    { url: 'http://127.0.0.1:8888/lab?token=94d3f9a8df7719aae97d26b838237668897d2029ef0fefe1', host: '127.0.0.1', port: 8888, basePath: '/', token: '94d3f9a8df7719aae97d26b838237668897d2029ef0fefe1', app: 'lab' },
  ],
  [
    'notebook7-server2.14-issue-7505.txt',
    { url: 'http://127.0.0.1:8888/tree?token=37ac6de2259512acda60f53ea2e246978aa4d48f42b3b86a', host: '127.0.0.1', port: 8888, basePath: '/', token: '37ac6de2259512acda60f53ea2e246978aa4d48f42b3b86a', app: 'notebook7' },
  ],
  [
    'notebook5-either-host-help-449.txt',
    { url: 'http://127.0.0.1:8888/?token=0f3201eec3db4d5ec99cbdf1b9357dcc9351955f742762d3', host: '127.0.0.1', port: 8888, basePath: '/', token: '0f3201eec3db4d5ec99cbdf1b9357dcc9351955f742762d3', app: 'notebook6' },
  ],
  [
    'lab-on-notebook5-docker-stacks-701.txt',
    { url: 'http://a5933af67d37:8888/?token=88cfd68f3ffada1f1026d5a05246ca65df4751891e090a29', host: 'a5933af67d37', port: 8888, basePath: '/', token: '88cfd68f3ffada1f1026d5a05246ca65df4751891e090a29', app: 'notebook6' },
  ],
  [
    'notebook6-glued-vscode-9089.txt',
    { url: 'http://127.0.0.1:8888/?token=a1acc80b81003fff6e34e8a7f96528e056f4d90fd6c0bb7a', host: '127.0.0.1', port: 8888, basePath: '/', token: 'a1acc80b81003fff6e34e8a7f96528e056f4d90fd6c0bb7a', app: 'notebook6' },
  ],
];

const RECONSTRUCTED_FAILURES: readonly [file: string, reason: RegExp][] = [
  ['server2-port-in-use-template.txt', /^Port 8888 is already in use/],
  ['server2-port-denied-template.txt', /not allowed to listen on port 80\b/],
];

describe('fixture provenance', () => {
  it('every reconstructed .txt fixture starts with a provenance line, and the README lists every file', () => {
    const readme = readFileSync(join(RECONSTRUCTED, 'README.md'), 'utf8');
    const files = readdirSync(RECONSTRUCTED).filter((name) => name !== 'README.md');
    expect(files.length).toBeGreaterThanOrEqual(16);
    for (const name of files) {
      expect(readme, name).toContain(`| ${name} |`);
      if (name.endsWith('.txt')) expect(readFileSync(join(RECONSTRUCTED, name), 'utf8').startsWith(PROVENANCE), name).toBe(true);
    }
    expect(readme).toMatch(/jupyter-server\/jupyter_server jupyter_server\/serverapp\.py@[0-9a-f]{40}/);
  });

  it('every recorded output has its command in the manifest and the README', () => {
    const readme = readFileSync(join(RECORDED, 'README.md'), 'utf8');
    expect(readme).toMatch(/recorded here from Debian notebook 6\.4\.12 \/ jupyter_server 1\.23\.3 on \d{4}-\d\d-\d\d/);
    for (const [scenario] of [...RECORDED_STARTS, ...RECORDED_FAILURES]) {
      const entry = manifest.scenarios[scenario];
      expect(entry, scenario).toBeDefined();
      expect(entry!.command).toMatch(/^jupyter (notebook|server) /);
      expect(readme).toContain(`| ${scenario}.txt |`);
    }
    expect(manifest.fakeToken).toBe(FAKE_TOKEN);
  });
});

describe('parseStartupOutput on output recorded here (notebook 6.4.12, jupyter_server 1.23.3)', () => {
  it.each(RECORDED_STARTS)('%s', (scenario, expected) => {
    expect(parseStartupOutput(recorded(`${scenario}.txt`))).toEqual(expected);
  });

  it.each(RECORDED_STARTS)('%s agrees with the runtime file written by the same server', (scenario, expected) => {
    const { info } = runtimeOf(scenario);
    expect(expected.port).toBe(info.port);
    expect(expected.basePath).toBe(info.baseUrl);
    if (expected.token !== null) expect(expected.token).toBe(info.token);
    if (info.sock !== null) expect(expected.host).toBe(info.sock);
  });

  it('the pty recordings really are coloured and CRLF, and parse like the piped ones', () => {
    for (const scenario of ['notebook6-pty', 'server1-ipv6-pty']) {
      const raw = recorded(`${scenario}.txt`);
      expect(raw).toContain('\u001b[32m[I ');
      expect(raw).toContain('\u001b(B\u001b[m');
      expect(raw).toContain('\r\n');
    }
  });

  it('a token from JUPYTER_TOKEN is logged as "..." and comes back as null, never as "..."', () => {
    for (const scenario of ['notebook6-token-env', 'server1-token-env', 'server1-base-url']) {
      const raw = recorded(`${scenario}.txt`);
      expect(raw).toContain('?token=...');
      expect(raw).not.toContain(FAKE_TOKEN);
      const parsed = parseStartupOutput(raw)!;
      expect(parsed.token).toBeNull();
      expect(parsed.url).not.toContain('token');
    }
  });

  it('password mode prints no token at all', () => {
    for (const scenario of ['notebook6-password', 'server1-password']) {
      expect(recorded(`${scenario}.txt`)).not.toContain('token');
      expect(runtimeOf(scenario).info).toMatchObject({ password: true, token: '' });
    }
  });

  it('prefers 127.0.0.1 over the localhost URL printed first, and [::1] over the 127.0.0.1 that 1.x prints for an IPv6 bind', () => {
    expect(recorded('notebook6-token-generated.txt')).toMatch(/running at:\n.*http:\/\/localhost:18802\//);
    expect(parseStartupOutput(recorded('notebook6-token-generated.txt'))!.host).toBe('127.0.0.1');
    expect(recorded('server1-ipv6-pty.txt')).toContain(' or http://127.0.0.1:18817/');
    expect(parseStartupOutput(recorded('server1-ipv6-pty.txt'))!.host).toBe('::1');
  });

  it("does not take the unix-socket hint's http://localhost:8888 for the server", () => {
    const raw = recorded('notebook6-sock.txt');
    expect(raw).toContain('open e.g. http://localhost:8888/?token=');
    const parsed = parseStartupOutput(raw)!;
    expect(parsed.port).toBe(0);
    expect(parsed.host).toBe(SOCK_NB6);
  });

  it('never returns the file:///…-open.html of the "To access the server" block', () => {
    for (const scenario of ['notebook6-token-generated', 'server1-token-generated']) {
      const raw = recorded(`${scenario}.txt`);
      expect(raw).toMatch(/To access the (notebook|server), open this file in a browser:\n\s+file:\/\//);
      expect(parseStartupOutput(raw)!.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    }
  });

  it('the same output with CRLF line ends, or cut into the "[C]" block only, parses the same', () => {
    for (const [scenario, expected] of RECORDED_STARTS) {
      const raw = recorded(`${scenario}.txt`);
      expect(parseStartupOutput(raw.replace(/\r?\n/g, '\r\n')), scenario).toEqual(expected);
      const critical = raw.indexOf('To access the');
      if (critical !== -1 && expected.token !== null) {
        const fromBlock = parseStartupOutput(raw.slice(critical));
        expect(fromBlock, scenario).toMatchObject({ port: expected.port, token: expected.token, host: expected.host });
      }
    }
  });
});

describe('parseStartupOutput on versions not installable here (public logs and source templates)', () => {
  it.each(RECONSTRUCTED_STARTS)('%s', (file, expected) => {
    expect(parseStartupOutput(reconstructed(file))).toEqual(expected);
  });

  it('covers jupyter_server 2.x, JupyterLab 3 and 4 and Notebook 7', () => {
    const apps = RECONSTRUCTED_STARTS.map(([file, expected]) => `${file.split('-')[0]}:${expected.app}`);
    expect(apps).toEqual(expect.arrayContaining(['server2:server', 'lab3:lab', 'lab4:lab', 'notebook7:notebook7']));
  });

  it('skips the wildcard and the container hostname that 2.x prints first', () => {
    expect(reconstructed('server2-all-interfaces-template.txt')).toContain('] http://0.0.0.0:8888/?token=');
    expect(reconstructed('lab4-server2.8-docker-compose.txt')).toContain('] http://0941753c3a9b:8888/lab?token=');
  });

  it('with no loopback URL at all, returns the hostname one', () => {
    expect(parseStartupOutput(reconstructed('lab-on-notebook5-docker-stacks-701.txt'))!.host).toBe('a5933af67d37');
  });
});

describe('parseStartupOutput on partial and noisy output', () => {
  const ALL: [string, string][] = [
    ...RECORDED_STARTS.map(([scenario]): [string, string] => [scenario, recorded(`${scenario}.txt`)]),
    ...RECONSTRUCTED_STARTS.map(([file]): [string, string] => [file, reconstructed(file)]),
  ];

  // Every cut of every fixture is a parse of a prefix: about 36 000 parses of up to 3 KB
  // (quadratic in the fixtures' size, and the point of "any cut"), 0.5 s on an idle core and
  // several times that while CI's two cores also run an integration file.
  it('returns null until a URL line is complete, and never a truncated token at any cut point', { timeout: 30_000 }, () => {
    for (const [name, text] of ALL) {
      const final = parseStartupOutput(text)!;
      const tokens = new Set([...text.matchAll(/token=([0-9a-f]{48})/g)].map((m) => m[1]));
      // Where the first URL line ends: at a CR (over a pty lines end in CRLF), an LF, or where the
      // next log record starts on the same line (a log that lost its newlines).
      const urlAt = text.search(/(https?|http\+unix):\/\//);
      const firstUrlLineEnd = urlAt + text.slice(urlAt).search(/[\r\n]|\[[DIWEC] \d/);
      for (let cut = 0; cut <= text.length; cut += 1) {
        const partial = parseStartupOutput(text.slice(0, cut));
        if (cut <= firstUrlLineEnd) expect(partial, `${name} cut at ${cut}`).toBeNull();
        if (partial === null) continue;
        expect(partial.port, `${name} cut at ${cut}`).toBe(final.port);
        if (partial.token !== null) expect(tokens.has(partial.token), `${name} cut at ${cut}: ${partial.token}`).toBe(true);
      }
    }
  });

  it('returns null for a header with no URL yet', () => {
    expect(parseStartupOutput('[I 20:22:08.675 NotebookApp] Jupyter Notebook 6.4.12 is running at:\n')).toBeNull();
    expect(parseStartupOutput('[I 2025-03-04 09:15:02.343 ServerApp] Jupyter Server 2.20.0 is running at:\n[I 2025-03-04 09:15:02.343 ServerApp] http://127.0.0.1:8888/?tok')).toBeNull();
    expect(parseStartupOutput('')).toBeNull();
  });

  it('ignores URLs outside the places Jupyter prints its own: shell banners, request logs, hints', () => {
    const banner = [
      'Welcome to Ubuntu 22.04.4 LTS (GNU/Linux 6.5.0-1020-aws x86_64)',
      ' * Documentation:  https://help.ubuntu.com',
      'Visit http://10.0.0.5:8080/?token=not-this-one for the dashboard',
      'http://203.0.113.9:9999/?token=nor-this-one',
      '[I 2026-11-21 20:22:30.000 ServerApp] 302 GET /?token=[secret] (127.0.0.1) 0.9ms',
      '',
    ].join('\n');
    expect(parseStartupOutput(banner)).toBeNull();
    const raw = recorded('server1-token-generated.txt');
    expect(parseStartupOutput(banner + raw)).toEqual(parseStartupOutput(raw));
  });

  it('takes the first URL printed when two are equally good', () => {
    const text = '[I 10:00:00.000 NotebookApp] Jupyter Notebook 6.4.12 is running at:\n[I 10:00:00.000 NotebookApp] http://127.0.0.2:8890/\n[I 10:00:00.000 NotebookApp]  or http://127.0.0.1:8890/\n';
    expect(parseStartupOutput(text)!.host).toBe('127.0.0.2');
  });

  it('splits the base URL from /lab, /lab/tree/<file> and /tree, even when the base contains "lab"', () => {
    const line = (path: string) => `[I 2025-01-01 00:00:00.000 ServerApp] Jupyter Server 2.20.0 is running at:\n[I 2025-01-01 00:00:00.000 ServerApp] http://127.0.0.1:8888${path}?token=abc\n`;
    expect(parseStartupOutput(line('/user/lab/lab'))).toMatchObject({ basePath: '/user/lab/', app: 'lab' });
    expect(parseStartupOutput(line('/lab/tree/work/a.ipynb'))).toMatchObject({ basePath: '/', app: 'lab' });
    expect(parseStartupOutput(line('/user/bob/tree'))).toMatchObject({ basePath: '/user/bob/', app: 'notebook7' });
    expect(parseStartupOutput(line('/user/bob/'))).toMatchObject({ basePath: '/user/bob/', app: 'server' });
    // /tree on jupyter_server 1.x is nbclassic, not Notebook 7.
    expect(parseStartupOutput(line('/tree').replace('2.20.0', '1.24.0'))).toMatchObject({ basePath: '/', app: 'unknown' });
  });
});

describe('startupFailure', () => {
  it.each(RECORDED_FAILURES)('recorded %s', (scenario, reason) => {
    const raw = recorded(`${scenario}.txt`);
    expect(manifest.scenarios[scenario]!.exitCode).not.toBe(0);
    expect(startupFailure(raw)).toMatch(reason);
    expect(parseStartupOutput(raw)).toBeNull();
  });

  it.each(RECONSTRUCTED_FAILURES)('reconstructed %s', (file, reason) => {
    expect(startupFailure(reconstructed(file))).toMatch(reason);
  });

  it('recorded: `jupyter lab` without JupyterLab, and `python3 -m jupyterlab`', () => {
    expect(startupFailure(recorded('lab-not-installed.txt'))).toMatch(/`jupyter lab` is not installed/);
    expect(startupFailure(recorded('lab-module-missing.txt'))).toMatch(/module jupyterlab is not installed/);
  });

  it('is null for every successful start, recorded or reconstructed, and for partial output', () => {
    for (const [scenario] of RECORDED_STARTS) expect(startupFailure(recorded(`${scenario}.txt`)), scenario).toBeNull();
    for (const [file] of RECONSTRUCTED_STARTS) expect(startupFailure(reconstructed(file)), file).toBeNull();
    expect(startupFailure(recorded('notebook6-port-in-use.txt').split('\n').slice(0, 2).join('\n'))).toBeNull();
    expect(startupFailure('')).toBeNull();
  });

  it('a logged (indented) traceback or a retried busy port is not fatal; an uncaught one is', () => {
    const logged = [
      '[W 2025-03-04 09:15:02.200 ServerApp] foo | error linking extension: No module named \'foo\'',
      '    Traceback (most recent call last):',
      '      File "/usr/lib/python3/dist-packages/jupyter_server/extension/manager.py", line 346, in link_extension',
      "    ModuleNotFoundError: No module named 'foo'",
      '[I 2025-03-04 09:15:02.300 ServerApp] The port 8888 is already in use, trying another port.',
      '',
    ].join('\n');
    expect(startupFailure(logged)).toBeNull();
    expect(startupFailure(`${logged}Traceback (most recent call last):\n  File "x", line 1\nRuntimeError: boom\n`)).toBe('Jupyter crashed while starting: RuntimeError: boom');
  });

  it('names a missing jupyter command in the forms shells print it', () => {
    for (const text of ['bash: jupyter: command not found\n', 'sh: 1: jupyter: not found\n', 'zsh: command not found: jupyter\n', 'bash: line 1: jupyter-lab: command not found\n']) {
      expect(startupFailure(text), text).toMatch(/`jupyter(-lab)?` was not found on the server's PATH/);
    }
  });
});

describe('parseServerListOutput', () => {
  const listed = RECORDED_STARTS.map(([scenario]) => scenario);

  it.each(listed)('%s: `jupyter … list --json` agrees with the runtime file', (scenario) => {
    const servers = parseServerListOutput(recorded(`${scenario}.list.txt`));
    expect(servers).toEqual([runtimeOf(scenario).info]);
  });

  it('reads every field of a notebook 6 and a jupyter_server 1.x entry', () => {
    expect(parseServerListOutput(recorded('notebook6-token-env.list.txt'))).toEqual([
      {
        url: 'http://127.0.0.1:18801/',
        hostname: '127.0.0.1',
        port: 18801,
        sock: null,
        secure: false,
        baseUrl: '/',
        token: FAKE_TOKEN,
        rootDir: '/tmp/porthole-jupyter-record/notebook6-token-env',
        password: false,
        pid: runtimeOf('notebook6-token-env').info.pid,
        version: null,
        kind: 'notebook6',
      },
    ]);
    expect(parseServerListOutput(recorded('server1-sock.list.txt'))).toEqual([
      {
        url: 'http+unix://%2Ftmp%2Fporthole-jupyter-record%2Fserver1-sock%2Fjupyter.sock/',
        hostname: 'localhost',
        port: 0,
        sock: SOCK_SERVER1,
        secure: false,
        baseUrl: '/',
        token: 'dca8bd68936b11539ec0764656cb67b247587cb9fb4b968b',
        rootDir: '/tmp/porthole-jupyter-record/server1-sock',
        password: false,
        pid: runtimeOf('server1-sock').info.pid,
        version: '1.23.3',
        kind: 'server',
      },
    ]);
  });

  it('keeps the servers and skips banners, the human-readable form, broken lines and duplicates', () => {
    const nb = recorded('notebook6-password.list.txt').trim();
    const sv = recorded('server1-base-url.list.txt').trim();
    const text = [
      'Last login: Fri Nov 20 09:12:44 2026 from 198.51.100.7',
      '\u001b[1;32mconda\u001b[0m environment (base) activated',
      'Currently running servers:',
      'http://127.0.0.1:18803/ :: /tmp/porthole-jupyter-record/notebook6-password',
      nb,
      `${sv}\r`,
      sv.slice(0, 40),
      '{"not": "a server"}',
      '{"url": "http://127.0.0.1:1/", "port": "8888", "pid": 5}',
      '[1, 2, 3]',
      nb,
      '',
    ].join('\n');
    expect(parseServerListOutput(text)).toEqual([runtimeOf('notebook6-password').info, runtimeOf('server1-base-url').info]);
  });

  it('reads the one-array form of --jsonlist', () => {
    const objects = ['notebook6-pty', 'server1-ipv6-pty'].map((scenario) => JSON.parse(recorded(`${scenario}.list.txt`)) as unknown);
    expect(parseServerListOutput(`${JSON.stringify(objects)}\n`)).toEqual(['notebook6-pty', 'server1-ipv6-pty'].map((scenario) => runtimeOf(scenario).info));
  });

  it('returns nothing for empty output', () => {
    expect(parseServerListOutput('')).toEqual([]);
  });
});

describe('parseRuntimeFile', () => {
  it('refuses a base_url that does not start with a single "/", which would make the probe URL carry credentials or another host', () => {
    const entry = (base_url: string) => JSON.stringify({ url: 'http://127.0.0.1:8888/', hostname: '127.0.0.1', port: 8888, sock: '', secure: false, base_url, token: 'a'.repeat(64), root_dir: '/home/u', password: false, pid: 4242, version: '2.14.0' });
    for (const bad of ['@evil.example/', 'evil/', '//evil.example/', '/a b/', '/x?y=1', '/x#frag', '\\\\evil\\']) {
      expect(parseRuntimeFile('jpserver-4242.json', entry(bad)), bad).toBeNull();
      expect(parseServerListOutput(entry(bad)), bad).toEqual([]);
    }
    expect(parseRuntimeFile('jpserver-4242.json', entry('/user/alice/'))?.baseUrl).toBe('/user/alice/');
    expect(parseRuntimeFile('jpserver-4242.json', entry('/user/alice'))?.baseUrl).toBe('/user/alice/');
  });

  it('refuses fields of the wrong type instead of guessing', () => {
    const good = { url: 'http://127.0.0.1:8888/', hostname: '127.0.0.1', port: 8888, sock: '', secure: false, base_url: '/', token: 'abc', root_dir: '/home/u', password: false, pid: 4242, version: '2.14.0' };
    expect(parseRuntimeFile('jpserver-4242.json', JSON.stringify(good))).not.toBeNull();
    for (const [key, value] of [['hostname', 7], ['root_dir', ['x']], ['secure', 'yes'], ['password', 'no'], ['version', 2]] as const) {
      expect(parseRuntimeFile('jpserver-4242.json', JSON.stringify({ ...good, [key]: value })), key).toBeNull();
    }
  });

  it.each(RECORDED_STARTS.map(([scenario]) => scenario))('%s: recorded runtime file', (scenario) => {
    const { name, info } = runtimeOf(scenario);
    const [, prefix, pid] = /^(nb|jp)server-(\d+)\.json$/.exec(name)!;
    expect(info.kind).toBe(prefix === 'nb' ? 'notebook6' : 'server');
    expect(info.pid).toBe(Number(pid));
    expect(info.version).toBe(prefix === 'nb' ? null : '1.23.3');
    expect(manifest.scenarios[scenario]!.runtimeFiles).toEqual([name]);
  });

  it('reads a jupyter_server 2.x runtime file (source template) and accepts a path', () => {
    expect(parseRuntimeFile('/home/alice/.local/share/jupyter/runtime/jpserver-4242.json', readFileSync(join(RECONSTRUCTED, 'jpserver-4242.json'), 'utf8'))).toEqual({
      url: 'http://127.0.0.1:8888/',
      hostname: '127.0.0.1',
      port: 8888,
      sock: null,
      secure: false,
      baseUrl: '/',
      token: '4f1c2a9e8b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c',
      rootDir: '/home/alice',
      password: false,
      pid: 4242,
      version: '2.20.0',
      kind: 'server',
    });
  });

  it('rejects other runtime files and anything half-written', () => {
    const { name, text } = runtimeOf('server1-token-env');
    expect(parseRuntimeFile('kernel-5e2f.json', text)).toBeNull();
    expect(parseRuntimeFile(name.replace('.json', '-open.html'), text)).toBeNull();
    expect(parseRuntimeFile('jupyter_cookie_secret', text)).toBeNull();
    for (let cut = 0; cut < text.trimEnd().length; cut += 1) expect(parseRuntimeFile(name, text.slice(0, cut)), `cut at ${cut}`).toBeNull();
    expect(parseRuntimeFile(name, '[]')).toBeNull();
    expect(parseRuntimeFile(name, text.replace(/"port": \d+/, '"port": "8888"'))).toBeNull();
    expect(parseRuntimeFile(name, text.replace(/"url": "[^"]*"/, '"url": 7'))).toBeNull();
  });
});

describe('parseJupyterVersion', () => {
  it('recorded here: jupyter_core 4.12 "Selected Jupyter core packages" table', () => {
    expect(parseJupyterVersion(recorded('jupyter-version.txt'))).toEqual({ notebook: '6.4.12', jupyterServer: '1.23.3', jupyterlab: null, jupyterCore: '4.12.0' });
  });

  it('the older "jupyter core : 4.x" table (pasted by a user)', () => {
    expect(parseJupyterVersion(reconstructed('jupyter-version-old-table.txt'))).toEqual({ notebook: '6.2.0', jupyterServer: null, jupyterlab: null, jupyterCore: '4.7.0' });
  });

  it('a JupyterLab 4 + Notebook 7 install (jupyter_core 5.x source template)', () => {
    expect(parseJupyterVersion(reconstructed('jupyter-version-lab4-nb7-template.txt'))).toEqual({ notebook: '7.2.2', jupyterServer: '2.14.2', jupyterlab: '4.2.5', jupyterCore: '5.7.2' });
  });

  it('jupyter_core < 4.5 printed only its own version; noise and CRLF are ignored', () => {
    expect(parseJupyterVersion('4.4.0\n')).toEqual({ notebook: null, jupyterServer: null, jupyterlab: null, jupyterCore: '4.4.0' });
    const noisy = `bash: warning: setlocale: LC_ALL: cannot change locale (en_US.UTF-8)\r\n${recorded('jupyter-version.txt').replace(/\n/g, '\r\n')}`;
    expect(parseJupyterVersion(noisy)).toEqual(parseJupyterVersion(recorded('jupyter-version.txt')));
    expect(parseJupyterVersion('')).toEqual({ notebook: null, jupyterServer: null, jupyterlab: null, jupyterCore: null });
    expect(parseJupyterVersion('jupyterlab       : 4.0.0a36\nnotebook         : 7.0.0rc2\n')).toMatchObject({ jupyterlab: '4.0.0a36', notebook: '7.0.0rc2' });
  });
});

describe('flags for each version', () => {
  const here = parseJupyterVersion(recorded('jupyter-version.txt'));
  const lab4nb7 = parseJupyterVersion(reconstructed('jupyter-version-lab4-nb7-template.txt'));
  const v = (partial: Partial<JupyterVersions>): JupyterVersions => ({ notebook: null, jupyterServer: null, jupyterlab: null, jupyterCore: null, ...partial });

  it('the flags chosen for the versions installed here are the ones the recordings ran with', () => {
    const commands = Object.values(manifest.scenarios).map((entry) => entry.command);
    expect(commands.some((command) => command.startsWith('jupyter notebook') && command.includes(`${portRetriesFlag(here, 'notebook')}=0`))).toBe(true);
    expect(commands.some((command) => command.startsWith('jupyter server') && command.includes(`${portRetriesFlag(here, 'server')}=0`))).toBe(true);
    expect(commands.some((command) => command.startsWith('jupyter notebook') && command.includes(`${passwordFlag(here, 'notebook')}=sha1:`))).toBe(true);
    expect(commands.some((command) => command.startsWith('jupyter server') && command.includes(`${passwordFlag(here, 'server')}=argon2:`))).toBe(true);
  });

  it.each([
    ['notebook 6 (here)', here, 'notebook', '--NotebookApp.token', '--NotebookApp.password', '--NotebookApp.port_retries'],
    ['jupyter_server 1.23 (here)', here, 'server', '--ServerApp.token', '--ServerApp.password', '--ServerApp.port_retries'],
    ['lab, version unknown, on server 1.23 (here)', here, 'lab', '--ServerApp.token', '--ServerApp.password', '--ServerApp.port_retries'],
    ['Notebook 7', lab4nb7, 'notebook', '--IdentityProvider.token', '--PasswordIdentityProvider.hashed_password', '--ServerApp.port_retries'],
    ['JupyterLab 4', lab4nb7, 'lab', '--IdentityProvider.token', '--PasswordIdentityProvider.hashed_password', '--ServerApp.port_retries'],
    ['jupyter_server 2.x', lab4nb7, 'server', '--IdentityProvider.token', '--PasswordIdentityProvider.hashed_password', '--ServerApp.port_retries'],
    ['JupyterLab 3 on server 1.x', v({ jupyterlab: '3.6.3', jupyterServer: '1.24.0', notebook: '6.5.6' }), 'lab', '--ServerApp.token', '--ServerApp.password', '--ServerApp.port_retries'],
    ['JupyterLab 3.6 on server 2.x', v({ jupyterlab: '3.6.3', jupyterServer: '2.5.0' }), 'lab', '--IdentityProvider.token', '--PasswordIdentityProvider.hashed_password', '--ServerApp.port_retries'],
    ['JupyterLab 2 on the notebook server', v({ jupyterlab: '2.2.9', notebook: '6.1.4' }), 'lab', '--NotebookApp.token', '--NotebookApp.password', '--NotebookApp.port_retries'],
    ['JupyterLab 4, server version unknown', v({ jupyterlab: '4.0.7' }), 'lab', '--IdentityProvider.token', '--PasswordIdentityProvider.hashed_password', '--ServerApp.port_retries'],
    ['Notebook 7 pre-release, server unknown', v({ notebook: '7.0.0rc2' }), 'notebook', '--IdentityProvider.token', '--PasswordIdentityProvider.hashed_password', '--ServerApp.port_retries'],
    ['notebook 6.5 with server 2.x installed alongside', v({ notebook: '6.5.4', jupyterServer: '2.5.0' }), 'notebook', '--NotebookApp.token', '--NotebookApp.password', '--NotebookApp.port_retries'],
    ['nothing known, notebook', v({}), 'notebook', '--NotebookApp.token', '--NotebookApp.password', '--NotebookApp.port_retries'],
    ['nothing known, server', v({}), 'server', '--ServerApp.token', '--ServerApp.password', '--ServerApp.port_retries'],
  ] as const)('%s', (_label, versions, flavour, token, password, retries) => {
    expect(tokenFlag(versions, flavour)).toBe(token);
    expect(passwordFlag(versions, flavour)).toBe(password);
    const [section, trait] = password.slice(2).split('.');
    expect(passwordConfig(versions, flavour, 'argon2:$x')).toEqual({ [section!]: { [trait!]: 'argon2:$x' } });
    expect(portRetriesFlag(versions, flavour)).toBe(retries);
  });
});

describe('parseLocateReport', () => {
  it('reads a well-formed report and refuses a malformed one with jupyter.bad-report', () => {
    const good = { versions: { notebook: '6.4.12', jupyter_server: null }, runtimeDir: '/home/u/.local/share/jupyter/runtime', servers: [{ name: 'nbserver-1.json', json: '{}', alive: true }] };
    expect(parseLocateReport(JSON.stringify(good))).toEqual(good);
    for (const bad of ['not json', '[]', JSON.stringify({ ...good, versions: { notebook: 6 } }), JSON.stringify({ ...good, servers: [{ name: 1 }] }), JSON.stringify({ ...good, runtimeDir: 7 })]) {
      expect(() => parseLocateReport(bad), bad).toThrow(expect.objectContaining({ code: 'jupyter.bad-report' }));
    }
  });
});
