/**
 * Reads what Jupyter says about its running servers: the runtime files it writes while running
 * (`nbserver-<pid>.json` for notebook 6 and older, `jpserver-<pid>.json` for jupyter_server 1.x/2.x,
 * i.e. also JupyterLab 3+ and Notebook 7) and `jupyter notebook list --json` /
 * `jupyter server list --json` (one such JSON object per line; `--jsonlist` prints one array).
 *
 * Fields (test/fixtures/jupyter/recorded has real ones): url, hostname, port, sock ("" when none),
 * secure, base_url, token ("" in password mode), password, pid; notebook 6 says `notebook_dir`
 * and has no `version`, jupyter_server says `root_dir` and `version`.
 *
 * Pure: no I/O, never throws. Malformed entries are skipped, not guessed at.
 */
import { z } from 'zod';

export interface ServerInfo {
  readonly url: string;
  readonly hostname: string;
  /** 0 when the server listens on a unix socket. */
  readonly port: number;
  readonly sock: string | null;
  readonly secure: boolean;
  readonly baseUrl: string;
  /** "" when the server has no token (password mode, or auth disabled). */
  readonly token: string;
  readonly rootDir: string;
  readonly password: boolean;
  readonly pid: number;
  readonly version: string | null;
  readonly kind: 'notebook6' | 'server';
}

type Kind = ServerInfo['kind'];

const RUNTIME_FILE = /^(nb|jp)server-(\d{1,10})\.json$/;

/**
 * A base URL Porthole appends to `http://127.0.0.1:PORT`: one leading "/" and then URL path
 * characters only. Anything else (`@evil.example/`, `//host/`, a query) would change which
 * host the probe and the browser talk to, or hand them credentials.
 */
const BASE_URL = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

/** One server entry as Jupyter writes it (runtime file, `list --json`); unknown keys are ignored. */
const serverEntry = z.object({
  url: z.string().regex(/^(?:https?|http\+unix):\/\/\S+$/),
  hostname: z.string().optional(),
  port: z.number().int().min(0).max(65_535),
  sock: z.string().nullable().optional(),
  secure: z.boolean().optional(),
  base_url: z.string().regex(BASE_URL).optional(),
  token: z.string().optional(),
  root_dir: z.string().optional(),
  notebook_dir: z.string().optional(),
  password: z.boolean().optional(),
  pid: z.number().int().positive().optional(),
  version: z.string().nullable().optional(),
});

function toServerInfo(raw: unknown, kindHint: Kind | null, pidHint: number | null): ServerInfo | null {
  const parsed = serverEntry.safeParse(raw);
  if (!parsed.success) return null;
  const entry = parsed.data;
  const pid = entry.pid ?? pidHint;
  if (pid === null || pid <= 0) return null;
  const version = entry.version ?? null;
  const kind: Kind = kindHint ?? (entry.root_dir !== undefined || version !== null ? 'server' : 'notebook6');
  const baseUrl = entry.base_url ?? '/';
  return {
    url: entry.url,
    hostname: entry.hostname ?? '',
    port: entry.port,
    sock: entry.sock ? entry.sock : null,
    secure: entry.secure ?? entry.url.startsWith('https:'),
    baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    token: entry.token ?? '',
    rootDir: entry.root_dir ?? entry.notebook_dir ?? '',
    password: entry.password === true,
    pid,
    version: version !== '' ? version : null,
    kind,
  };
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Every server in the output of `jupyter server list --json` / `jupyter notebook list --json`
 * (or `--jsonlist`), skipping anything that is not a server entry: shell banners, warnings, the
 * human-readable `Currently running servers:` form. A server listed twice is returned once.
 */
export function parseServerListOutput(text: string): ServerInfo[] {
  if (typeof text !== 'string') return [];
  const found: ServerInfo[] = [];
  const seen = new Set<string>();
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '');
  for (const rawLine of cleaned.split(/\r\n|\r|\n/)) {
    const line = rawLine.trim();
    if (!(line.startsWith('{') && line.endsWith('}')) && !(line.startsWith('[') && line.endsWith(']'))) continue;
    const parsed = tryJson(line);
    for (const entry of Array.isArray(parsed) ? parsed : [parsed]) {
      const info = toServerInfo(entry, null, null);
      if (!info) continue;
      const key = `${info.pid} ${info.url}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(info);
    }
  }
  return found;
}

/**
 * One runtime file, given its name (a bare name or a path) and its text. null when the name is
 * not a server runtime file (`kernel-….json`, `nbserver-1-open.html`, …) or the content is not a
 * complete server entry (e.g. read while Jupyter was still writing it).
 */
export function parseRuntimeFile(name: string, json: string): ServerInfo | null {
  if (typeof name !== 'string' || typeof json !== 'string') return null;
  const base = name.split(/[\\/]/).pop() ?? '';
  const m = RUNTIME_FILE.exec(base);
  if (!m) return null;
  const pidFromName = Number(m[2]);
  return toServerInfo(tryJson(json), m[1] === 'nb' ? 'notebook6' : 'server', pidFromName > 0 ? pidFromName : null);
}
