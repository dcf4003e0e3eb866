#!/usr/bin/env node
/**
 * Runs before electron-vite in `npm start` / `npm run dev`. Electron 45 fetches its binary
 * lazily (no postinstall), and electron-vite looks for node_modules/electron/path.txt
 * before anything has fetched it, failing with a bare "Error: Electron uninstall". So:
 * when the binary is missing, run Electron's own installer once; when that fails, say in
 * one line what to do and exit non-zero, instead of a stack trace.
 *
 * Deliberately does not require('electron'): that module starts the same download itself,
 * with its own, less helpful error.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const OFFLINE =
  'Porthole: the Electron runtime could not be downloaded (no internet?). Connect once and run npm start again, ' +
  'or set ELECTRON_MIRROR to a reachable mirror, or ELECTRON_EXEC_PATH to an Electron 45 binary.';

/** The electron package folder; PORTHOLE_ELECTRON_DIR points tests at a copy. */
function electronDir() {
  if (process.env.PORTHOLE_ELECTRON_DIR) return process.env.PORTHOLE_ELECTRON_DIR;
  return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
}

/** What electron-vite will launch: ELECTRON_EXEC_PATH if set, else dist/<path.txt>. */
function installedBinary(dir) {
  const exec = process.env.ELECTRON_EXEC_PATH;
  if (exec) return existsSync(exec) ? exec : null;
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** The installer's own reason, reduced to one short clause (its full stack helps nobody here). */
function causeOf(stderr) {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => /^[A-Za-z]*Error\b|^Error:/.test(l));
  return line ? line.replace(/^[A-Za-z]*Error:\s*/, '').slice(0, 160) : '';
}

function fail(cause) {
  process.stderr.write(`${OFFLINE}${cause ? ` (${cause})` : ''}\n`);
  process.exit(1);
}

const dir = electronDir();
if (process.env.ELECTRON_EXEC_PATH && installedBinary(dir) === null) {
  process.stderr.write(`Porthole: ELECTRON_EXEC_PATH is set to ${process.env.ELECTRON_EXEC_PATH}, which does not exist. Point it at an Electron 45 binary, or unset it.\n`);
  process.exit(1);
}
if (installedBinary(dir) !== null) process.exit(0);

process.stdout.write('Porthole: fetching the Electron runtime (once, about 100 MB)...\n');
// The download is large; allow it time on a slow link, but never hang forever.
const timeoutMs = Number(process.env.PORTHOLE_ELECTRON_INSTALL_TIMEOUT_MS) || 15 * 60_000;
const child = spawn(process.execPath, [join(dir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.setEncoding('utf8');
child.stderr.on('data', (chunk) => {
  stderr += chunk;
});
const timer = setTimeout(() => {
  child.kill();
  fail(`no answer after ${Math.round(timeoutMs / 1000)} s`);
}, timeoutMs);
child.on('error', (error) => {
  clearTimeout(timer);
  fail(error.message);
});
child.on('close', (code) => {
  clearTimeout(timer);
  if (code === 0 && installedBinary(dir) !== null) process.exit(0);
  fail(causeOf(stderr));
});
