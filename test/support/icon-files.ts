/**
 * Readers for the icon containers Porthole ships, written from the formats' documentation so
 * the icon tests check the files independently of the code that wrote them: .ico (PNG or
 * 32-bit bitmap entries) and .icns (typed entries), both decoded to RGBA pixels.
 */
import { PNG } from 'pngjs';

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  /** Straight (not premultiplied) RGBA, rows top to bottom. */
  readonly rgba: Buffer;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function decodePng(bytes: Buffer): DecodedImage {
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, rgba: png.data };
}

/** A BITMAPINFOHEADER + bottom-up BGRA rows (the AND mask after them is ignored: alpha says it all). */
function decodeIcoBitmap(bytes: Buffer): DecodedImage {
  const headerSize = bytes.readUInt32LE(0);
  const width = bytes.readInt32LE(4);
  const height = bytes.readInt32LE(8) / 2;
  const bitsPerPixel = bytes.readUInt16LE(14);
  if (bitsPerPixel !== 32) throw new Error(`a ${bitsPerPixel}-bit icon bitmap (only 32-bit is read)`);
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = headerSize + ((height - 1 - y) * width + x) * 4;
      const to = (y * width + x) * 4;
      rgba[to] = bytes[from + 2]!;
      rgba[to + 1] = bytes[from + 1]!;
      rgba[to + 2] = bytes[from]!;
      rgba[to + 3] = bytes[from + 3]!;
    }
  }
  return { width, height, rgba };
}

/** Every image of an .ico, with the size its directory entry declares. */
export function readIco(bytes: Buffer): { declared: number; image: DecodedImage }[] {
  if (bytes.readUInt16LE(0) !== 0 || bytes.readUInt16LE(2) !== 1) throw new Error('not an .ico file');
  const count = bytes.readUInt16LE(4);
  return Array.from({ length: count }, (_, index) => {
    const entry = 6 + index * 16;
    const declared = bytes[entry] === 0 ? 256 : bytes[entry]!;
    const size = bytes.readUInt32LE(entry + 8);
    const offset = bytes.readUInt32LE(entry + 12);
    const data = bytes.subarray(offset, offset + size);
    return { declared, image: data.subarray(0, 8).equals(PNG_SIGNATURE) ? decodePng(data) : decodeIcoBitmap(data) };
  });
}

/** Every entry of an .icns: its four-letter type and its image (PNG entries only). */
export function readIcns(bytes: Buffer): { type: string; image: DecodedImage }[] {
  if (bytes.toString('latin1', 0, 4) !== 'icns') throw new Error('not an .icns file');
  if (bytes.readUInt32BE(4) !== bytes.length) throw new Error(`.icns length field ${bytes.readUInt32BE(4)} but the file has ${bytes.length} bytes`);
  const entries: { type: string; image: DecodedImage }[] = [];
  for (let at = 8; at < bytes.length; ) {
    const type = bytes.toString('latin1', at, at + 4);
    const length = bytes.readUInt32BE(at + 4);
    entries.push({ type, image: decodePng(bytes.subarray(at + 8, at + length)) });
    at += length;
  }
  return entries;
}
