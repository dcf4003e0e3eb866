/**
 * Which Jupyter is installed, from `jupyter --version`, and which command-line flags it takes.
 *
 * `jupyter --version` has printed three shapes over the years:
 *  - jupyter_core < 4.5: the core version alone (`4.4.0`);
 *  - jupyter_core 4.5–4.6 (and 4.7.x): a table `jupyter core     : 4.6.3`, `jupyter-notebook : 6.1.4`,
 *    `jupyter lab      : not installed`, …;
 *  - jupyter_core 4.7+/5.x: `Selected Jupyter core packages...` then `notebook         : 6.4.12`,
 *    `jupyter_server   : 1.23.3`, `jupyterlab       : not installed`, … (module names).
 * Anything else on the way in (a login shell's banner) is ignored.
 *
 * Flags: notebook < 7 is the classic NotebookApp; `jupyter lab` and `jupyter server` (and
 * `jupyter notebook` from notebook 7 on) are jupyter_server apps; jupyter_server 2.0 moved the
 * token and password to the IdentityProvider (the ServerApp names still work there, deprecated).
 * JupyterLab 1–2 ran on the classic notebook server.
 */

export interface JupyterVersions {
  readonly notebook: string | null;
  readonly jupyterServer: string | null;
  readonly jupyterlab: string | null;
  readonly jupyterCore: string | null;
}

export type JupyterFlavour = 'lab' | 'notebook' | 'server';

const KEYS: Record<string, keyof JupyterVersions> = {
  notebook: 'notebook',
  jupyternotebook: 'notebook',
  jupyterserver: 'jupyterServer',
  jupyterlab: 'jupyterlab',
  jupytercore: 'jupyterCore',
};

/** `6.4.12`, `7.0.0a18`, `2.0.0rc1`, `1.0.0.dev0`, `4.0.0+local` (one character class: no backtracking). */
const VERSION = /^v?(\d[\w.+!-]*)$/;

export function parseJupyterVersion(text: string): JupyterVersions {
  const found: { -readonly [K in keyof JupyterVersions]: string | null } = { notebook: null, jupyterServer: null, jupyterlab: null, jupyterCore: null };
  if (typeof text !== 'string') return found;
  const seen = new Set<keyof JupyterVersions>();
  // eslint-disable-next-line no-control-regex
  const lines = text.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '').split(/\r\n|\r|\n/);
  let bare: string | null = null;
  let tableRows = 0;
  for (const line of lines) {
    // The value is trimmed in code: `(.*?)\s*$` retries the blanks at each step (quadratic on a long line).
    const row = /^\s*([A-Za-z][\w .-]{0,40}?)\s*:(.*)$/.exec(line);
    if (row) {
      const key = KEYS[row[1]!.toLowerCase().replace(/[-_ ]/g, '')];
      if (!key) continue;
      tableRows += 1;
      if (seen.has(key)) continue;
      seen.add(key);
      const version = VERSION.exec(row[2]!.trim().split(/\s+/)[0] ?? '');
      found[key] = version ? version[1]! : null;
      continue;
    }
    const only = /^\s*(\d+\.\d+(?:\.\d+)*)\s*$/.exec(line);
    if (only && bare === null) bare = only[1]!;
  }
  // jupyter_core before 4.5 printed only its own version.
  if (tableRows === 0 && bare !== null) found.jupyterCore = bare;
  return found;
}

function major(version: string | null): number | null {
  if (version === null) return null;
  const m = /^v?(\d+)/.exec(version);
  return m ? Number(m[1]) : null;
}

type Generation = 'notebook-app' | 'server-1' | 'server-2';

function generation(v: JupyterVersions, flavour: JupyterFlavour): Generation {
  const server = major(v.jupyterServer);
  if (flavour === 'notebook') {
    const notebook = major(v.notebook);
    if (notebook === null || notebook < 7) return 'notebook-app';
    // Notebook 7 requires jupyter_server >= 2.4.
    return server !== null && server < 2 ? 'server-1' : 'server-2';
  }
  if (flavour === 'lab') {
    const lab = major(v.jupyterlab);
    if (lab !== null && lab < 3) return 'notebook-app';
    if (server !== null) return server >= 2 ? 'server-2' : 'server-1';
    // JupyterLab 4 requires jupyter_server 2; for 3 (or unknown) the ServerApp names work on both.
    return lab !== null && lab >= 4 ? 'server-2' : 'server-1';
  }
  if (server !== null && server >= 2) return 'server-2';
  return 'server-1';
}

/** The flag name (append `=<value>`) that sets the token for `jupyter <flavour>`. */
export function tokenFlag(v: JupyterVersions, flavour: JupyterFlavour): string {
  switch (generation(v, flavour)) {
    case 'notebook-app':
      return '--NotebookApp.token';
    case 'server-1':
      return '--ServerApp.token';
    case 'server-2':
      return '--IdentityProvider.token';
  }
}

/**
 * Jupyter config (JSON) that sets a hashed password (`sha1:…`, `argon2:…`): the same trait
 * as passwordFlag, given in a file so the hash never sits on the server's command line.
 */
export function passwordConfig(v: JupyterVersions, flavour: JupyterFlavour, hash: string): Record<string, Record<string, string>> {
  const [section = '', trait = ''] = passwordFlag(v, flavour).replace(/^--/, '').split('.');
  return { [section]: { [trait]: hash } };
}

/** The flag name (append `=<hash>`, e.g. `sha1:…` or `argon2:…`) that sets a hashed password. */
export function passwordFlag(v: JupyterVersions, flavour: JupyterFlavour): string {
  switch (generation(v, flavour)) {
    case 'notebook-app':
      return '--NotebookApp.password';
    case 'server-1':
      return '--ServerApp.password';
    case 'server-2':
      return '--PasswordIdentityProvider.hashed_password';
  }
}

/** The flag name (append `=0`) that stops Jupyter from moving to another port when its port is taken. */
export function portRetriesFlag(v: JupyterVersions, flavour: JupyterFlavour): string {
  return generation(v, flavour) === 'notebook-app' ? '--NotebookApp.port_retries' : '--ServerApp.port_retries';
}
