/**
 * EXPERIMENT ONLY (bench --explore), not part of the recommended tuning: a prototype of an
 * upstream ssh2 fix, to measure what it would buy. Every cipher's allocPacket() in ssh2's
 * lib/protocol/crypto.js calls crypto.randomFillSync() for the 4..19 padding bytes of every
 * packet (one RandomBytesJob per packet); the profile shows it at 5-15% of the forwarder's
 * busy time. This patch draws padding from a 64 KiB pool filled by one randomFillSync per
 * ~2000 packets instead (still CSPRNG bytes, each used once).
 *
 * ssh2 does not export the classes, so the live cipher of a connected client is patched on
 * its prototype (covers re-keyed ciphers of the same class too). Idempotent.
 */
import { randomFillSync } from 'node:crypto';
import type { Client } from 'ssh2';

const POOL = Buffer.allocUnsafe(64 * 1024);
let poolPos = POOL.length;

function fillPadding(packet: Buffer, offset: number, length: number): void {
  if (poolPos + length > POOL.length) {
    randomFillSync(POOL);
    poolPos = 0;
  }
  POOL.copy(packet, offset, poolPos, poolPos + length);
  poolPos += length;
}

interface CipherPrototype {
  allocPacket(payloadLen: number): Buffer;
  __portholePaddingPool?: true;
}

/** Padding block size and bytes reserved after the packet (MAC/tag written in place). */
const LAYOUT: Record<string, { block: number; trailer: number }> = {
  AESGCMCipherNative: { block: 16, trailer: 0 },
  AESGCMCipherBinding: { block: 16, trailer: 16 },
  ChaChaPolyCipherNative: { block: 8, trailer: 0 },
  ChaChaPolyCipherBinding: { block: 8, trailer: 16 },
};

/** Returns the patched class name, or null when the live cipher is none of LAYOUT's. */
export function patchPaddingPool(client: Client): string | null {
  const cipher = (client as unknown as { _protocol?: { _cipher?: object } })._protocol?._cipher;
  if (cipher === undefined) return null;
  const proto = Object.getPrototypeOf(cipher) as CipherPrototype & { constructor: { name: string } };
  const layout = LAYOUT[proto.constructor.name];
  if (layout === undefined) return null;
  if (proto.__portholePaddingPool) return proto.constructor.name;
  proto.__portholePaddingPool = true;
  const { block, trailer } = layout;
  // Same layout as ssh2's allocPacket of these classes, padding bytes from the pool.
  proto.allocPacket = function allocPacket(payloadLen: number): Buffer {
    let pktLen = 4 + 1 + payloadLen;
    let padLen = block - ((pktLen - 4) & (block - 1));
    if (padLen < 4) padLen += block;
    pktLen += padLen;
    const packet = Buffer.allocUnsafe(pktLen + trailer);
    packet.writeUInt32BE(pktLen - 4, 0);
    packet[4] = padLen;
    fillPadding(packet, 5 + payloadLen, padLen);
    return packet;
  };
  return proto.constructor.name;
}
