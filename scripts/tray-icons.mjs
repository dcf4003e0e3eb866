#!/usr/bin/env node
/**
 * Renders the tray icons from their SVG sources (assets/tray-src/*.svg) into assets/:
 * `<name>.png` at 16 px and `<name>@2x.png` at 32 px, which nativeImage picks on high-DPI
 * screens. Run `npm run icons` after editing a source; the PNGs are committed so neither a
 * build nor an install needs a renderer. `--check` fails when a PNG is out of date.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Resvg } from '@resvg/resvg-js';

const assets = resolve(import.meta.dirname, '../assets');
const sources = join(assets, 'tray-src');
const check = process.argv.includes('--check');
const stale = [];

for (const file of readdirSync(sources).filter((f) => f.endsWith('.svg')).sort()) {
  const svg = readFileSync(join(sources, file), 'utf8');
  const name = basename(file, '.svg');
  for (const [suffix, width] of [['', 16], ['@2x', 32]]) {
    const png = new Resvg(svg, { fitTo: { mode: 'width', value: width }, font: { loadSystemFonts: false } }).render().asPng();
    const out = join(assets, `${name}${suffix}.png`);
    if (check) {
      if (!existsSync(out) || !readFileSync(out).equals(png)) stale.push(out);
    } else {
      writeFileSync(out, png);
    }
  }
}

if (stale.length > 0) {
  process.stderr.write(`Tray icons out of date (run npm run icons): ${stale.join(', ')}\n`);
  process.exit(1);
}
