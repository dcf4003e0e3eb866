#!/usr/bin/env node
/**
 * Every icon Porthole ships, rendered from its SVG source (assets/icon.svg for the app,
 * assets/tray-src/*.svg for the tray, one per state) with resvg, so no build or install needs a
 * renderer: the results are committed.
 *
 *  - app: assets/icon.png (the window icon), assets/icons/<N>x<N>.png (Linux packages),
 *    assets/icon.ico (Windows app and installer), assets/icon.icns (macOS);
 *  - tray, per state: trayTemplate-<state>.png + @2x (macOS menu-bar templates),
 *    tray-<state>.ico (Windows notification area, 100% to 300% scale), tray-<state>.png +
 *    @2x (Linux).
 *
 * `npm run icons` writes them; `--check` fails when a committed file differs from what its
 * source renders to now; `--manifest` prints the list as JSON (test/unit/icons.test.ts reads it
 * and checks every file against its source by itself).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { imagesToIco } from 'png-to-ico';
import { PNG } from 'pngjs';

const repo = resolve(import.meta.dirname, '..');
const TRAY_STATES = ['idle', 'busy', 'ready', 'failed'];

/** Sizes of the Linux icon set (hicolor theme sizes, up to what HiDPI launchers ask for). */
export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
/** Windows shell sizes, 256 being what Explorer's large views and the installer want. */
export const WINDOWS_APP_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** The notification area's 16 px at 100%, 125%, 150%, 200%, 250% and 300% display scale. */
export const WINDOWS_TRAY_SIZES = [16, 20, 24, 32, 40, 48];
/** PNG-carrying .icns entry types and the pixel size each holds (@2x types reuse larger images). */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

/** Every generated file: path (from the repo), source SVG, format and pixel size(s). */
export function iconManifest() {
  const app = 'assets/icon.svg';
  const tray = (name) => `assets/tray-src/${name}.svg`;
  return [
    { file: 'assets/icon.png', source: app, format: 'png', sizes: [512] },
    ...LINUX_SIZES.map((size) => ({ file: `assets/icons/${size}x${size}.png`, source: app, format: 'png', sizes: [size] })),
    { file: 'assets/icon.ico', source: app, format: 'ico', sizes: WINDOWS_APP_SIZES },
    { file: 'assets/icon.icns', source: app, format: 'icns', sizes: [...new Set(ICNS_TYPES.map(([, size]) => size))].sort((a, b) => a - b) },
    ...TRAY_STATES.flatMap((state) => [
      { file: `assets/trayTemplate-${state}.png`, source: tray(`trayTemplate-${state}`), format: 'png', sizes: [16] },
      { file: `assets/trayTemplate-${state}@2x.png`, source: tray(`trayTemplate-${state}`), format: 'png', sizes: [32] },
      { file: `assets/tray-${state}.ico`, source: tray(`tray-${state}`), format: 'ico', sizes: WINDOWS_TRAY_SIZES },
      { file: `assets/tray-${state}.png`, source: tray(`tray-${state}`), format: 'png', sizes: [16] },
      { file: `assets/tray-${state}@2x.png`, source: tray(`tray-${state}`), format: 'png', sizes: [32] },
    ]),
  ];
}

/** The SVG at `size` x `size` pixels, as PNG bytes. System fonts stay out: the same pixels on every machine. */
export function renderPng(svg, size) {
  return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render().asPng());
}

/** An .icns file: the header, then one PNG entry per type (Electron 45 needs macOS 12, which reads PNG entries). */
function encodeIcns(pngBySize) {
  const entries = ICNS_TYPES.map(([type, size]) => {
    const png = pngBySize.get(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const header = Buffer.alloc(8);
  header.write('icns', 0, 'latin1');
  header.writeUInt32BE(8 + entries.reduce((total, entry) => total + entry.length, 0), 4);
  return Buffer.concat([header, ...entries]);
}

/** The bytes one manifest entry should hold. */
export function generate(entry) {
  const svg = readFileSync(join(repo, entry.source), 'utf8');
  const pngBySize = new Map(entry.sizes.map((size) => [size, renderPng(svg, size)]));
  switch (entry.format) {
    case 'png':
      return pngBySize.get(entry.sizes[0]);
    case 'ico':
      // Bitmap entries (what png-to-ico writes) read on every Windows version.
      return imagesToIco(entry.sizes.map((size) => PNG.sync.read(pngBySize.get(size))));
    case 'icns':
      return encodeIcns(pngBySize);
    default:
      throw new Error(`unknown icon format ${entry.format}`);
  }
}

function main(args) {
  const manifest = iconManifest();
  if (args.includes('--manifest')) {
    process.stdout.write(`${JSON.stringify(manifest)}\n`);
    return 0;
  }
  const stale = [];
  for (const entry of manifest) {
    const bytes = generate(entry);
    const path = join(repo, entry.file);
    if (args.includes('--check')) {
      let current = null;
      try {
        current = readFileSync(path);
      } catch {
        // missing: stale
      }
      if (current === null || !current.equals(bytes)) stale.push(entry.file);
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
    }
  }
  if (stale.length > 0) {
    process.stderr.write(`Icons out of date with their SVG sources (run npm run icons): ${stale.join(', ')}\n`);
    return 1;
  }
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) process.exitCode = main(process.argv.slice(2));
