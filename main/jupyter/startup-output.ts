/**
 * Reads what a starting Jupyter server prints (stdout+stderr together) — the fallback when its
 * runtime file cannot be read. Pure: no I/O, never throws, whatever the text.
 *
 * What the servers print, by version (the fixtures in test/fixtures/jupyter say where each came from):
 *  - notebook 4.x–6.x: `[I 12:00:00.000 NotebookApp] The Jupyter Notebook is running at:` (5.x) or
 *    `Jupyter Notebook 6.4.12 is running at:` (6.x), then one log record per URL line, the second
 *    being ` or http://127.0.0.1:…`; notebook 5.x printed `http://(hostname or 127.0.0.1):8888/…`.
 *  - jupyter_server 1.x: `Jupyter Server 1.23.3 is running at:` then `http://…` and ` or http://…`.
 *  - jupyter_server 2.x: the same header, then the second URL on a 4-space indented line (logs of
 *    2.0/2.1 still show ` or `); recent 2.x (seen in 2.20.0) prints `http://0.0.0.0:…` for a
 *    wildcard bind where older ones printed the hostname.
 *  - JupyterLab 3/4 add `/lab` to the path, Notebook 7 adds `/tree`.
 *  - With a generated token a critical record follows: `To access the server, open this file in a
 *    browser: file:///…-open.html` / `Or copy and paste one of these URLs:` and the URLs again,
 *    indented (tornado indents every continuation line of a record by 4 spaces).
 *  - A token that did not come from the generator (JUPYTER_TOKEN, --…token=) is logged as
 *    `?token=...`: the real token is not in the output at all. Password mode has no token.
 *  - Over a pty the record prefixes are coloured (`ESC[32m` … `ESC(B ESC[m`) and lines end in CRLF.
 *  - `--sock` prints `http+unix://%2Fpath%2Fto.sock/`; its hint line mentions an unrelated
 *    `http://localhost:8888/…` (notebook 6), which must not be taken for the server's URL.
 *
 * Only URLs in those places are read: a URL elsewhere in a log (request logs, hints, a shell
 * banner) is never taken. The last line is ignored until its newline arrives, so a half-written
 * token is never returned.
 */

export type StartupApp = 'notebook6' | 'server' | 'lab' | 'notebook7' | 'unknown';

export interface StartupUrl {
  /** The URL as printed, minus a masked `token=...` parameter. */
  readonly url: string;
  /** Host without IPv6 brackets; for a unix socket, the decoded socket path. */
  readonly host: string;
  /** 0 for a unix socket. */
  readonly port: number;
  /** The server's base URL (always ends with `/`), i.e. the path without `lab`/`tree`. */
  readonly basePath: string;
  /** null when absent (password mode, no auth) or masked as `...` (token set by config or env). */
  readonly token: string | null;
  readonly app: StartupApp;
}

type Family = 'notebook' | 'server' | null;

interface Candidate {
  readonly raw: string;
  readonly family: Family;
  readonly serverMajor: number | null;
  readonly order: number;
}

// CSI sequences, two-byte charset designations (`ESC(B` from curses' sgr0), OSC strings, other ESC-x.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b[()*+][0-9A-Za-z]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\^_`a-z]/g;

/** `[I 2024-05-16 15:59:20.541 ServerApp] message` (date only in jupyter_server), NotebookApp without date. */
const RECORD = /^\s*\[([DIWEC]) (?:\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d(?:\.\d+)? [^\]\n]{1,80}\] ?(.*)$/;
/**
 * The head of a record, wherever it is on a line. One that starts mid-line (lost newlines,
 * `docker compose` prefixes) is split onto its own line by splitGluedRecords.
 */
const RECORD_HEAD = /\[[DIWEC] (?:\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d(?:\.\d+)? [A-Za-z][^\]\n]{0,79}\]/g;

const HEADER = /\b(?:The (Jupyter Notebook)|(Jupyter Notebook)(?: [\w.+-]+)?|(Jupyter Server)(?: ([\w.+-]+))?) is running at:?(.*)$/;
const ACCESS_HEADERS: readonly [RegExp, Family][] = [
  [/To access the notebook, open this file in a browser:/, 'notebook'],
  [/To access the server, (?:open this file in a browser|copy and paste one of these URLs):/, 'server'],
  [/Or copy and paste (?:one of these URLs|this URL):/, null],
  [/Copy\/paste this URL into your browser when you connect for the first time,?/, 'notebook'],
  [/^\s*to login with a token:\s*$/, null],
];
const LISTENING = /\b(?:(Notebook)|(Jupyter Server)) is listening on (\S+)\s*$/;
/** A line that is nothing but a URL, optionally after ` or ` (and a `docker compose` service prefix). */
const URL_LINE = /^(?:[\w.-]{1,64} +\| ?)?\s*(?:or\s+)?((?:https?|http\+unix):\/\/\S+)\s*$/;
const FILE_LINE = /^(?:[\w.-]{1,64} +\| ?)?\s*file:\/\/\S*\s*$/;
const COMPOSE_PREFIX = /^[\w.-]{1,64} +\| ?/;
/** notebook 5.x: `http://(hostname or 127.0.0.1):8888/?token=…` */
const EITHER_HOST = /^(https?:\/\/)\(([^\s()]+) or ([^\s()]+)\)(.*)$/;
const PARSE_URL = /^(https?|http\+unix):\/\/(\[[0-9A-Fa-f:.]+(?:%[\w.]+)?\]|[^/?#\s[\]:]+)(?::(\d{1,5}))?(\/[^?#\s]*)?(?:\?([^#\s]*))?(?:#\S*)?$/;

/** Colours removed, CRLF/CR turned into LF. */
function clean(text: string): string {
  return text.replace(ANSI, '').replace(/\r\n?/g, '\n');
}

/** Marks a line that was split off in front of a record that started mid-line. */
const FRAGMENT = '\u0001';

/**
 * Puts a newline and FRAGMENT in front of every record head that has something other than
 * blanks before it on its line. Linear: the look back from one head stops at the first
 * non-blank, which is never before the previous head's end (a lookbehind regex doing the
 * same rescanned a run of blanks at each of its positions: seconds on a long line).
 */
function splitGluedRecords(text: string): string {
  let out = '';
  let copied = 0;
  for (const head of text.matchAll(RECORD_HEAD)) {
    let before = head.index - 1;
    while (before >= 0 && text[before] !== '\n' && /\s/.test(text[before]!)) before--;
    if (before < 0 || text[before] === '\n') continue;
    out += `${text.slice(copied, head.index)}\n${FRAGMENT}`;
    copied = head.index;
  }
  return out + text.slice(copied);
}

export function parseStartupOutput(text: string): StartupUrl | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  // Records that start mid-line (lost newlines, `docker compose` or timestamp prefixes) go on their own line.
  const lines = splitGluedRecords(clean(text)).split('\n');
  // The last line is still being written unless the text ends with a newline.
  lines.pop();
  const candidates: Candidate[] = [];
  let block: 'running' | 'access' | null = null;
  let family: Family = null;
  let serverMajor: number | null = null;
  let blockFamily: Family = null;

  const add = (raw: string, fam: Family): void => {
    const either = EITHER_HOST.exec(raw);
    const raws = either ? [`${either[1]}${either[2]}${either[4]}`, `${either[1]}${either[3]}${either[4]}`] : [raw];
    for (const r of raws) candidates.push({ raw: r, family: fam ?? family, serverMajor, order: candidates.length });
  };

  for (const [index, marked] of lines.entries()) {
    const line = marked.startsWith(FRAGMENT) ? marked.slice(1) : marked;
    const record = RECORD.exec(line);
    // What was in front of a record on the same line: a prefix (service name, timestamp) or the
    // tail of a previous record whose newline was lost; only a record in it is worth reading.
    if (!record && lines[index + 1]?.startsWith(FRAGMENT)) continue;
    const content = record ? record[2]! : line;

    const header = HEADER.exec(content);
    if (header) {
      if (header[1] || header[2]) {
        family = 'notebook';
      } else {
        family = 'server';
        const major = header[4] ? /^(\d+)\./.exec(header[4]) : null;
        serverMajor = major ? Number(major[1]) : null;
      }
      block = 'running';
      blockFamily = family;
      const rest = header[5]!.trim();
      const sameLine = /^((?:https?|http\+unix):\/\/\S+|https?:\/\/\([^\s()]+ or [^\s()]+\)\S*)$/.exec(rest);
      if (sameLine) add(sameLine[1]!, family);
      continue;
    }

    const access = ACCESS_HEADERS.find(([pattern]) => pattern.test(content));
    if (access) {
      block = 'access';
      if (access[1]) blockFamily = access[1];
      if (access[1] && family === null) family = access[1];
      continue;
    }

    const listening = LISTENING.exec(content);
    if (listening) {
      const fam: Family = listening[1] ? 'notebook' : 'server';
      if (family === null) family = fam;
      blockFamily = fam;
      block = 'access';
      add(listening[3]!, fam);
      continue;
    }

    if (block === null) continue;

    // notebook 5.x printed `http://(host or 127.0.0.1):port/…`, which has a space in it.
    const either = /^(?:[\w.-]{1,64} +\| ?)?\s*(?:or\s+)?(https?:\/\/\([^\s()]+ or [^\s()]+\)\S*)\s*$/.exec(content);
    const url = either ?? URL_LINE.exec(content);
    if (url) {
      add(url[1]!, blockFamily);
      continue;
    }
    // Blank lines (the `[C …] ` record opening the access message, a bare service prefix) and the
    // `file:///…-open.html` line do not end a block.
    if (content.replace(COMPOSE_PREFIX, '').trim() === '') continue;
    if (block === 'access' && !record && FILE_LINE.test(content)) continue;
    block = null;
  }

  let best: { url: StartupUrl; rank: number; order: number } | null = null;
  for (const candidate of candidates) {
    const url = toStartupUrl(candidate);
    if (!url) continue;
    const rank = hostRank(url);
    if (!best || rank > best.rank || (rank === best.rank && candidate.order < best.order)) best = { url, rank, order: candidate.order };
  }
  return best ? best.url : null;
}

/** Loopback IP literal > `localhost` > other names and addresses > unix socket > wildcard (0.0.0.0, ::). */
function hostRank(url: StartupUrl): number {
  if (url.url.startsWith('http+unix:')) return 1;
  const host = url.host.toLowerCase();
  if (/^127(?:\.\d{1,3}){3}$/.test(host) || host === '::1' || host === '0:0:0:0:0:0:0:1') return 5;
  if (host === 'localhost' || host === 'localhost.localdomain' || host === 'ip6-localhost') return 4;
  if (host === '0.0.0.0' || host === '::' || host === '*') return 0;
  return 3;
}

function safeDecode(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * `text` without the run of `chars` at its end. A loop, not `/[…]+$/`: that regex starts
 * over at each character of a run that does not reach the end (quadratic on a long run).
 */
function trimEndOf(text: string, chars: string): string {
  let end = text.length;
  while (end > 0 && chars.includes(text[end - 1]!)) end--;
  return text.slice(0, end);
}

function toStartupUrl(candidate: Candidate): StartupUrl | null {
  // Quotes and commas around a pasted URL are never part of what Jupyter prints (dots can be: `token=...`).
  const raw = trimEndOf(candidate.raw, ',;)\'"`');
  const m = PARSE_URL.exec(raw);
  if (!m) return null;
  const scheme = m[1]!;
  const hostPart = m[2]!;
  const path = m[4] ?? '/';
  const query = m[5] ?? '';
  let host: string;
  let port: number;
  if (scheme === 'http+unix') {
    if (m[3] !== undefined) return null;
    const decoded = safeDecode(hostPart);
    if (decoded === null || decoded === '') return null;
    host = decoded;
    port = 0;
  } else {
    host = hostPart.startsWith('[') ? hostPart.slice(1, -1) : hostPart;
    port = m[3] !== undefined ? Number(m[3]) : scheme === 'https' ? 443 : 80;
    if (!Number.isInteger(port) || port < 1 || port > 65_535) return null;
  }

  let token: string | null = null;
  let masked = false;
  const kept: string[] = [];
  let seenToken = false;
  for (const param of query.split('&')) {
    if (param === '') continue;
    const eq = param.indexOf('=');
    const key = eq === -1 ? param : param.slice(0, eq);
    if (key === 'token') {
      const value = eq === -1 ? '' : safeDecode(param.slice(eq + 1));
      if (seenToken) continue; // notebook 5.x + JupyterLab once printed `?token=X&token=X`
      seenToken = true;
      if (value === '...') {
        masked = true;
        continue;
      }
      token = value !== null && value !== '' ? value : null;
    }
    kept.push(param);
  }
  const cleanQuery = masked ? kept.join('&') : query;
  const portText = m[3] !== undefined ? `:${m[3]}` : '';
  const url = `${scheme}://${hostPart}${portText}${path}${cleanQuery ? `?${cleanQuery}` : ''}`;

  const { app, basePath } = classify(candidate, path);
  return { url, host, port, basePath, token, app };
}

/** Splits `<base_url><app segment>` and names the front end from the segment and the header seen. */
function classify(candidate: Candidate, path: string): { app: StartupApp; basePath: string } {
  const withSlash = path.endsWith('/') ? path : `${path}/`;
  if (candidate.family === 'notebook') return { app: 'notebook6', basePath: withSlash };
  // `/lab`, `/lab/`, `/lab/tree/<file>`, `/lab/workspaces/…`; `/tree`, `/tree/<dir>`; `/notebooks/<file>`.
  // The shortest base that leaves one of those, so a base URL may itself contain `lab` or `tree`.
  const m = path.length <= 2048 ? /^(.*?\/)(?:(lab)(?:\/(?:(?:tree|workspaces)\/.*)?)?|(tree)(?:\/.*)?|(notebooks)\/.+)$/.exec(path) : null;
  if (m === null) return { app: candidate.family === 'server' ? 'server' : 'unknown', basePath: withSlash };
  const basePath = m[1]!;
  if (m[2]) return { app: 'lab', basePath };
  // `/tree` on jupyter_server 1.x is nbclassic, not Notebook 7 (which needs jupyter_server >= 2).
  if (candidate.serverMajor !== null && candidate.serverMajor < 2) return { app: 'unknown', basePath };
  return { app: 'notebook7', basePath };
}

const FAILURES: readonly { readonly pattern: RegExp; readonly reason: (m: RegExpExecArray, text: string) => string }[] = [
  {
    pattern: /Running as root is not recommended\. Use --allow-root to bypass\./,
    reason: () => 'Jupyter refuses to run as root without --allow-root.',
  },
  {
    pattern: /Permission to listen on port (\d+) denied/,
    reason: (m) => `Jupyter is not allowed to listen on port ${m[1]}.`,
  },
  {
    pattern: /Permission to listen on sock (\S+) denied/,
    reason: (m) => `Jupyter is not allowed to create the socket ${m[1]}.`,
  },
  {
    pattern: /could not be started because port (\d+) is not available/,
    reason: (m) => `Port ${m[1]} is already in use on the server.`,
  },
  {
    pattern: /The socket (\S+) is already in use\./,
    reason: (m) => `The socket ${m[1]} is already in use.`,
  },
  {
    pattern: /could not be started because no available port could be found/,
    reason: () => 'Jupyter found no free port (every port it tried was in use).',
  },
  {
    pattern: /Options --port and --sock are mutually exclusive/,
    reason: () => 'Jupyter was given both --port and --sock.',
  },
  {
    pattern: /Bad config encountered during initialization:[^\S\n]*(.*)(?:\n\[C [^\]\n]*\][^\S\n]*(.*))?/,
    reason: (m) => `Jupyter rejected its configuration: ${clip((m[1] || m[2] || '').trim() || 'see the server log')}`,
  },
  {
    // The program name is checked in a lookahead, then read once: `[\w.-]*app[\w.-]*:` tried
    // every `app` in a long word against the rest of it (quadratic: 30 s on 150 KB).
    pattern: /^(?=jupyter(?:-[\w-]+)?:|[\w.-]*app)[\w.-]+: error: (.+)$/m,
    reason: (m) => `Jupyter rejected its command line: ${clip(m[1]!.trim())}`,
  },
  {
    pattern: /Jupyter command `jupyter-([\w-]+)` not found/,
    reason: (m) => `\`jupyter ${m[1]}\` is not installed on the server (no jupyter-${m[1]} command).`,
  },
  {
    // `python3: No module named jupyterlab`, or an uncaught ModuleNotFoundError (column 0, not a logged one).
    pattern: /^(?:\S*python[\d.]*: No module named |ModuleNotFoundError: No module named |ImportError: No module named )'?([\w.]+)'?/m,
    reason: (m) => `The Python module ${m[1]} is not installed on the server.`,
  },
  {
    pattern: /(?:^|\n)(?:[^\n]*: )?(?:line \d+: )?(jupyter(?:-[\w-]+)?): (?:command )?not found|command not found: (jupyter(?:-[\w-]+)?)/,
    reason: (m) => `\`${m[1] ?? m[2]}\` was not found on the server's PATH.`,
  },
];

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/**
 * A fatal startup error in the output, as a short reason; null if there is none (yet). Logged
 * warnings and tracebacks (indented, inside a record) are not fatal; an uncaught traceback (at
 * column 0) is, unless the server had already printed its URL.
 */
export function startupFailure(text: string): string | null {
  if (typeof text !== 'string' || text.length === 0) return null;
  const normalized = clean(text);
  for (const { pattern, reason } of FAILURES) {
    const m = pattern.exec(normalized);
    // Clipped as a whole: the pieces it quotes (a module name, a socket path) can be any length.
    if (m) return clip(reason(m, normalized));
  }
  const lines = normalized.split('\n');
  const tracebackAt = lines.findIndex((line) => line.startsWith('Traceback (most recent call last):'));
  if (tracebackAt !== -1 && !HEADER.test(lines.slice(0, tracebackAt).join('\n'))) {
    let last: string | null = null;
    for (const line of lines.slice(tracebackAt + 1)) {
      if (/^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)\b/.test(line)) last = line.trim();
    }
    if (last) {
      if (/Errno 99\b|Cannot assign requested address/.test(last)) {
        return `Jupyter cannot listen on that address: it is not an address of the server (${clip(last)}).`;
      }
      if (/Errno 98\b|Address already in use/.test(last)) return `The port is already in use on the server (${clip(last)}).`;
      return `Jupyter crashed while starting: ${clip(last)}`;
    }
  }
  return null;
}
