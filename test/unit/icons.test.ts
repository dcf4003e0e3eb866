/**
 * Every icon Porthole ships is what its SVG source renders to: each file is decoded here by
 * readers of its own (test/support/icon-files.ts) and compared, pixel for pixel, with a fresh
 * resvg rendering of its source at every size it holds. The tray has its files for every
 * state on every platform.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { trayIconFile } from '../../main/electron/tray-icon-file';
import { decodePng, readIcns, readIco, type DecodedImage } from '../support/icon-files';

const repo = resolve(__dirname, '../..');
const script = resolve(repo, 'scripts/icons.mjs');

interface ManifestEntry {
  readonly file: string;
  readonly source: string;
  readonly format: 'png' | 'ico' | 'icns';
  readonly sizes: readonly number[];
}

const manifest = JSON.parse(execFileSync(process.execPath, [script, '--manifest'], { encoding: 'utf8' })) as ManifestEntry[];

/** The source rendered again at `size`, decoded the same way as the files. */
function rendered(source: string, size: number): DecodedImage {
  const svg = readFileSync(resolve(repo, source), 'utf8');
  return decodePng(Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: size }, font: { loadSystemFonts: false } }).render().asPng()));
}

function expectSameImage(actual: DecodedImage, source: string, size: number, where: string): void {
  const expected = rendered(source, size);
  expect({ where, width: actual.width, height: actual.height }).toEqual({ where, width: size, height: size });
  // Exact: the same renderer, and every format here stores straight RGBA without loss.
  expect(actual.rgba.equals(expected.rgba), `${where}: pixels differ from ${source} rendered at ${size}px`).toBe(true);
}

describe('icons', () => {
  it('cover the app and every tray state, each from an SVG source in the repo', () => {
    expect(manifest.length).toBeGreaterThan(20);
    for (const entry of manifest) expect(existsSync(resolve(repo, entry.source)), entry.source).toBe(true);
    expect(manifest.filter((entry) => entry.source === 'assets/icon.svg').map((entry) => entry.file)).toEqual(expect.arrayContaining(['assets/icon.png', 'assets/icon.ico', 'assets/icon.icns', 'assets/icons/1024x1024.png']));
  });

  it.each(manifest.map((entry) => [entry.file, entry] as const))('%s matches its source at every size it holds', (_file, entry) => {
    const bytes = readFileSync(resolve(repo, entry.file));
    switch (entry.format) {
      case 'png':
        expectSameImage(decodePng(bytes), entry.source, entry.sizes[0]!, entry.file);
        return;
      case 'ico': {
        const images = readIco(bytes);
        expect(images.map((image) => image.declared)).toEqual(entry.sizes);
        for (const { declared, image } of images) expectSameImage(image, entry.source, declared, `${entry.file} @${declared}`);
        return;
      }
      case 'icns': {
        const entries = readIcns(bytes);
        // Apple's types: icp4/5/6 16/32/64, ic07/08/09 128/256/512, ic10 1024 (512@2x), ic11-14 the @2x of 16/32/128/256.
        const expectedSize: Record<string, number> = { icp4: 16, icp5: 32, icp6: 64, ic07: 128, ic08: 256, ic09: 512, ic10: 1024, ic11: 32, ic12: 64, ic13: 256, ic14: 512 };
        expect(entries.map((e) => e.type).sort()).toEqual(Object.keys(expectedSize).sort());
        for (const { type, image } of entries) expectSameImage(image, entry.source, expectedSize[type]!, `${entry.file} ${type}`);
        return;
      }
    }
  });

  it('are what npm run icons writes (byte for byte: nobody edited a generated file)', () => {
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe', timeout: 60_000 })).not.toThrow();
  });

  it.each(['idle', 'busy', 'ready', 'failed'] as const)('the tray has %s on every platform: macOS templates at 1x and 2x, a Windows .ico, Linux PNGs at 1x and 2x', (state) => {
    const generated = new Set(manifest.map((entry) => entry.file));
    const mac = trayIconFile(state, 'darwin');
    const windows = trayIconFile(state, 'win32');
    const linux = trayIconFile(state, 'linux');
    expect(mac).toMatch(/^trayTemplate-.*\.png$/);
    expect(windows).toMatch(/\.ico$/);
    for (const file of [mac, mac.replace('.png', '@2x.png'), windows, linux, linux.replace('.png', '@2x.png')]) {
      expect(generated.has(`assets/${file}`), file).toBe(true);
      expect(existsSync(resolve(repo, 'assets', file)), file).toBe(true);
    }
  });
});
