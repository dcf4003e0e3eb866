/**
 * The shell scripts Porthole runs on the remote to find, start and stop Jupyter, and the
 * parser for what they print. Pure: building and parsing are unit-tested without SSH.
 *
 * Every script is run as `/bin/sh -s` with the script on stdin, a command line valid in
 * bash, zsh, fish and csh alike, and which keeps the script (and any token in it) out of
 * the process list. Results are printed as lines `<marker> <key> <value>`, with a random
 * marker per run, so whatever a login shell, .bashrc or motd prints cannot be mistaken
 * for them.
 */
import { randomBytes } from 'node:crypto';

export const REMOTE_SHELL_COMMAND = '/bin/sh -s';

export function newMarker(): string {
  return `@@PH${randomBytes(6).toString('hex')}@@`;
}

/** Single-quotes a value for POSIX sh (the only quoting the scripts use). */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export type EnvChoice = { readonly kind: 'auto' } | { readonly kind: 'conda'; readonly name: string } | { readonly kind: 'python'; readonly path: string };

/** Places cloud images keep conda: AWS Deep Learning AMIs, Azure DSVM, and the usual installers. */
export const CONDA_PREFIXES = ['/opt/conda', '$HOME/anaconda3', '$HOME/miniconda3', '$HOME/miniforge3', '$HOME/mambaforge', '$HOME/micromamba', '/anaconda', '/data/anaconda', '/usr/local/anaconda3', '/opt/anaconda3'];
/** Where pip --user and common virtualenvs put jupyter. */
export const VENV_BINS = ['$HOME/.local/bin', '$HOME/venv/bin', '$HOME/.venv/bin', '$HOME/env/bin'];

/**
 * Finds every jupyter the user has and, for the one chosen (the requested env, else the
 * login PATH's, else the first found), asks its own Python for versions and the running
 * servers recorded in its runtime dir. One round trip.
 */
export function locateScript(marker: string, env: EnvChoice): string {
  const requested =
    env.kind === 'python'
      ? `REQ_BIN=$(dirname -- ${shQuote(env.path)}); REQ_PY=${shQuote(env.path)}`
      : env.kind === 'conda'
        ? `REQ_CONDA=${shQuote(env.name)}`
        : ':';
  return `M=${shQuote(marker)}
say() { printf '%s %s %s\\n' "$M" "$1" "$2"; }
${requested}
# The login shell's PATH (conda, pyenv, modules are set up there). csh cannot combine -l with -c.
case "\${SHELL:-/bin/sh}" in *csh) LFLAGS=-c ;; *) LFLAGS=-lc ;; esac
LOGIN_PATH=$("\${SHELL:-/bin/sh}" $LFLAGS 'echo __PH_BEGIN__; printenv PATH; echo __PH_END__' 2>/dev/null </dev/null | sed -n '/^__PH_BEGIN__$/,/^__PH_END__$/p' | sed '1d;$d' | tail -n 1)
say login-path "$LOGIN_PATH"
say home "$HOME"
CHOSEN=""
FOUND_LIST=""
consider() {
  [ -x "$1/jupyter" ] || return 0
  case " $FOUND_LIST " in *" $1 "*) return 0 ;; esac
  FOUND_LIST="$FOUND_LIST $1"
  F=""
  [ -x "$1/jupyter-lab" ] && F="$F,lab"
  [ -x "$1/jupyter-notebook" ] && F="$F,notebook"
  [ -x "$1/jupyter-server" ] && F="$F,server"
  say candidate "$1 \${F#,}"
  [ -n "$CHOSEN" ] || CHOSEN="$1"
}
if [ -n "\${REQ_BIN:-}" ]; then consider "$REQ_BIN"; [ -n "$CHOSEN" ] || say missing-requested "$REQ_BIN"; fi
for P in ${CONDA_PREFIXES.join(' ')}; do
  [ -x "$P/bin/conda" ] || [ -x "$P/bin/mamba" ] || [ -x "$P/bin/micromamba" ] || [ -d "$P/envs" ] || continue
  say conda-base "$P"
  for E in "$P"/envs/*; do [ -d "$E" ] && say conda-env "$(basename "$E") $E"; done
  if [ -n "\${REQ_CONDA:-}" ] && [ -z "$CHOSEN" ]; then
    if [ "$REQ_CONDA" = base ]; then consider "$P/bin"; elif [ -d "$P/envs/$REQ_CONDA" ]; then consider "$P/envs/$REQ_CONDA/bin"; fi
  fi
done
if [ -n "\${REQ_CONDA:-}" ] && [ -z "$CHOSEN" ]; then say missing-requested "conda env $REQ_CONDA"; fi
if [ -z "\${REQ_BIN:-}\${REQ_CONDA:-}" ] || [ -n "$CHOSEN" ]; then
  J=$(PATH="$LOGIN_PATH:$PATH" command -v jupyter 2>/dev/null || true)
  [ -n "$J" ] && consider "$(dirname -- "$J")"
  for P in ${CONDA_PREFIXES.join(' ')}; do
    consider "$P/bin"
    for E in "$P"/envs/*; do [ -d "$E" ] && consider "$E/bin"; done
  done
  for B in ${VENV_BINS.join(' ')}; do consider "$B"; done
fi
[ -n "$CHOSEN" ] || { say none ""; exit 0; }
say chosen "$CHOSEN"
# The Python that runs this jupyter (its shebang), unless one was given.
PY="\${REQ_PY:-}"
if [ -z "$PY" ]; then
  SHEBANG=$(head -n 1 "$CHOSEN/jupyter" | sed 's/^#![[:space:]]*//')
  case "$SHEBANG" in
    */env\\ *) PY=$(PATH="$LOGIN_PATH:$PATH" command -v "\${SHEBANG##* }" 2>/dev/null || true) ;;
    *) PY="\${SHEBANG%% *}" ;;
  esac
  [ -x "$PY" ] || PY="$CHOSEN/python"
fi
say python "$PY"
"$PY" - <<'PORTHOLE_PY' 2>&1 | sed -n "s/^PORTHOLE_JSON /$M json /p"
import json, os, glob
try:
    import importlib.metadata as md
    def version(name):
        try:
            return md.version(name)
        except Exception:
            return None
except ImportError:
    def version(name):
        try:
            import pkg_resources
            return pkg_resources.get_distribution(name).version
        except Exception:
            return None
out = {"versions": {n: version(n) for n in ["notebook", "jupyter_server", "jupyterlab", "jupyter_core"]}}
try:
    from jupyter_core.paths import jupyter_runtime_dir
    runtime = jupyter_runtime_dir()
except Exception:
    runtime = None
out["runtimeDir"] = runtime
servers = []
if runtime and os.path.isdir(runtime):
    for path in sorted(glob.glob(os.path.join(runtime, "nbserver-*.json")) + glob.glob(os.path.join(runtime, "jpserver-*.json"))):
        try:
            with open(path) as handle:
                text = handle.read()
            pid = json.loads(text).get("pid")
            alive = False
            if isinstance(pid, int):
                try:
                    os.kill(pid, 0)
                    alive = True
                except PermissionError:
                    alive = True
                except OSError:
                    alive = False
            servers.append({"name": os.path.basename(path), "json": text, "alive": alive})
        except Exception:
            pass
out["servers"] = servers
print("PORTHOLE_JSON " + json.dumps(out))
PORTHOLE_PY
`;
}

/**
 * The fast path for a warm start: the live servers recorded in Jupyter's runtime dirs,
 * found with the shell alone (no login shell, no Python), where jupyter_core puts them.
 */
export function runningServersScript(marker: string): string {
  return `M=${shQuote(marker)}
say() { printf '%s %s %s\\n' "$M" "$1" "$2"; }
say home "$HOME"
for D in "\${JUPYTER_RUNTIME_DIR:-}" "\${JUPYTER_DATA_DIR:+$JUPYTER_DATA_DIR/runtime}" "\${XDG_DATA_HOME:-$HOME/.local/share}/jupyter/runtime" "$HOME/Library/Jupyter/runtime"; do
  [ -n "$D" ] && [ -d "$D" ] || continue
  for F in "$D"/nbserver-*.json "$D"/jpserver-*.json; do
    [ -f "$F" ] || continue
    PID=$(basename "$F" .json)
    PID=\${PID#*-}
    kill -0 "$PID" 2>/dev/null || continue
    say server-dir "$D"
    say server-name "$(basename "$F")"
    say server-json "$(tr -d '\\n' < "$F")"
  done
done
`;
}

export interface StartRequest {
  readonly binDir: string;
  readonly flavour: 'lab' | 'notebook' | 'server';
  readonly rootDir: string | null;
  readonly port: number;
  readonly portRetriesFlag: string;
  /** Token for JUPYTER_TOKEN; set in password mode too, for Porthole's own API calls. */
  readonly token: string;
  /** Jupyter config JSON carrying the password hash, in password mode (never a flag: `ps` shows flags). */
  readonly passwordConfig: string | null;
  readonly runtimeDir: string;
  /** The Python that runs this Jupyter, to check its runtime file parses ("" when unknown). */
  readonly python: string;
  readonly timeoutMs: number;
}

/**
 * Starts Jupyter detached (setsid, or nohup where there is none) so it outlives the SSH
 * connection, logs to a file of its own in the runtime dir, and waits on the remote for
 * the runtime file carrying this PID: that file is written once the port is bound and
 * holds the real port. The token lives only in this script's text (stdin) and in
 * Jupyter's environment.
 *
 * Jupyter creates the runtime file and then writes it, so a file read in between is empty
 * or cut short: it counts only once it is a closed JSON object that Jupyter's own Python
 * parses (where that Python cannot be run, once the object is closed), and until then the
 * script keeps waiting. A file that never completes is named in the timeout report.
 */
export function startScript(marker: string, request: StartRequest): string {
  const args = ['--no-browser', '--ip=127.0.0.1', `--port=${request.port}`, `${request.portRetriesFlag}=50`];
  const loops = Math.ceil(request.timeoutMs / 50);
  return `M=${shQuote(marker)}
say() { printf '%s %s %s\\n' "$M" "$1" "$2"; }
umask 077
RD=${shQuote(request.runtimeDir)}
mkdir -p "$RD"
LOG="$RD/porthole-jupyter-starting-$$.log"
${request.rootDir ? `cd -- ${shQuote(request.rootDir)} || { say error "root-dir"; exit 0; }` : 'cd "$HOME"'}
JUPYTER_TOKEN=${shQuote(request.token)}
export JUPYTER_TOKEN
${request.passwordConfig ? passwordConfigLines(request.passwordConfig) : ''}if command -v setsid >/dev/null 2>&1; then DETACH=setsid; else DETACH=nohup; fi
$DETACH ${shQuote(`${request.binDir}/jupyter`)} ${request.flavour} ${args.map(shQuote).join(' ')} >"$LOG" 2>&1 </dev/null &
PID=$!
unset JUPYTER_TOKEN
${request.passwordConfig ? 'JUPYTER_CONFIG_PATH="$OLD_JUPYTER_CONFIG_PATH"' : ''}
# Named after the server's PID, so whoever stops this server later can remove it.
mv -f "$LOG" "$RD/porthole-jupyter-$PID.log" && LOG="$RD/porthole-jupyter-$PID.log"
say pid "$PID"
say log "$LOG"
PY=${shQuote(request.python)}
# printf is a shell builtin: the text (it holds the token) reaches Python on stdin, not argv.
complete() {
  case "$1" in '{'*'}') ;; *) return 1 ;; esac
  [ -n "$PY" ] && [ -x "$PY" ] || return 0
  printf '%s' "$1" | "$PY" -c 'import json, sys; json.load(sys.stdin)' >/dev/null 2>&1
}
PARTIAL=""
i=0
while [ "$i" -lt ${loops} ]; do
  for F in "$RD/nbserver-$PID.json" "$RD/jpserver-$PID.json"; do
    [ -f "$F" ] || continue
    TEXT=$(tr -d '\\r\\n' < "$F" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
    if complete "$TEXT"; then
      say runtime-name "$(basename "$F")"
      say runtime-json "$TEXT"
      exit 0
    fi
    PARTIAL="$F"
  done
  if ! kill -0 "$PID" 2>/dev/null; then
    say died "$PID"
    tail -n 40 "$LOG" | sed "s/^/$M log-line /"
    exit 0
  fi
  sleep 0.05
  i=$((i + 1))
done
say timeout "$PID"
[ -z "$PARTIAL" ] || say runtime-incomplete "$(basename "$PARTIAL")"
tail -n 40 "$LOG" | sed "s/^/$M log-line /"
`;
}

/**
 * The password hash goes to Jupyter in a config file, not a flag: `jupyter_config.json` (the
 * base config every Jupyter app reads, notebook 6 and jupyter_server alike) in a 0700 dir
 * of its own, found through JUPYTER_CONFIG_PATH, which adds to the user's own config
 * rather than replacing it as --config would. Jupyter reads config once, while it starts and
 * before it writes its runtime file, so the file is removed as soon as this script is done
 * waiting (an EXIT/HUP trap: also when the SSH link drops mid-start): no hash stays on disk.
 */
function passwordConfigLines(config: string): string {
  return `CFG_DIR="$RD/porthole-jupyter-config-$$"
rm -rf -- "$CFG_DIR"
mkdir -m 700 -- "$CFG_DIR" || { say error "config-dir"; exit 0; }
trap 'rm -rf -- "$CFG_DIR"' EXIT HUP INT TERM
cat > "$CFG_DIR/jupyter_config.json" <<'PORTHOLE_CFG'
${config}
PORTHOLE_CFG
OLD_JUPYTER_CONFIG_PATH="\${JUPYTER_CONFIG_PATH:-}"
JUPYTER_CONFIG_PATH="$CFG_DIR\${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
export JUPYTER_CONFIG_PATH
`;
}

/** Signals a server that did not stop through its API, waits for it, and removes Porthole's log. */
export function stopScript(marker: string, pid: number, logPath: string | null): string {
  return `M=${shQuote(marker)}
say() { printf '%s %s %s\\n' "$M" "$1" "$2"; }
PID=${pid}
i=0
while kill -0 "$PID" 2>/dev/null && [ "$i" -lt 100 ]; do
  [ "$i" -eq 20 ] && kill -TERM "$PID" 2>/dev/null
  [ "$i" -eq 80 ] && kill -KILL "$PID" 2>/dev/null
  sleep 0.05
  i=$((i + 1))
done
if kill -0 "$PID" 2>/dev/null; then say alive "$PID"; else say stopped "$PID"; fi
${logPath ? `rm -f -- ${shQuote(logPath)}` : ':'}
`;
}

/** Tail of the server's log (for errors that should show what Jupyter said). */
export function tailScript(marker: string, logPath: string, lines = 30): string {
  return `tail -n ${lines} ${shQuote(logPath)} 2>/dev/null | sed "s/^/${marker} log-line /"\n`;
}

/** Is this PID still running? */
export function aliveScript(marker: string, pid: number): string {
  return `if kill -0 ${pid} 2>/dev/null; then echo '${marker} alive yes'; else echo '${marker} alive no'; fi\n`;
}

export interface MarkedLine {
  readonly key: string;
  readonly value: string;
}

/** The marked lines of a script's output, in order; everything else (shell noise) is ignored. */
export function parseMarked(output: string, marker: string): MarkedLine[] {
  const lines: MarkedLine[] = [];
  for (const raw of output.split(/\r?\n/)) {
    if (!raw.startsWith(`${marker} `)) continue;
    const rest = raw.slice(marker.length + 1);
    const space = rest.indexOf(' ');
    lines.push(space < 0 ? { key: rest, value: '' } : { key: rest.slice(0, space), value: rest.slice(space + 1) });
  }
  return lines;
}
