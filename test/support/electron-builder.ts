/**
 * Modules electron-builder itself uses (@electron/fuses, @electron/asar), loaded the way its
 * app-builder-lib resolves them: the tests read and flip exactly what a build does, with no
 * second copy pinned beside it.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const requireHere = createRequire(__filename);
const appBuilderLib = dirname(requireHere.resolve('app-builder-lib/package.json'));

export function electronBuilderModule<T>(name: '@electron/fuses' | '@electron/asar'): T {
  return requireHere(requireHere.resolve(name, { paths: [appBuilderLib] })) as T;
}

/** Electron's fuse wire sentinel: the bytes @electron/fuses searches the binary for. */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * A stand-in Electron executable: any bytes around a fuse wire (version 1, one byte per fuse,
 * '1' on, '0' off), which is all electron-builder and @electron/fuses read or write of it.
 */
export function fakeElectronBinary(fuses: readonly boolean[]): Buffer {
  const wire = Buffer.from(fuses.map((on) => (on ? 0x31 : 0x30)));
  return Buffer.concat([Buffer.from('\x7fELF stand-in for an Electron executable\n'), Buffer.from(FUSE_SENTINEL), Buffer.from([1, wire.length]), wire, Buffer.from('\nend\n')]);
}
