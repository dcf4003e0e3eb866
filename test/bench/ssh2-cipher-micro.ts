/**
 * Micro-benchmark of ssh2's packet ciphers alone (no sockets): µs per packet for
 * allocPacket + encrypt and for decrypt (best of 5), at 100 B and 32 KiB payloads, then the same with
 * the padding-pool experiment (ssh2-padding-pool.ts), plus the cost of one randomFillSync.
 * Shows which part of the forward's CPU is ssh2's crypto layer. Run it both ways:
 *   npx tsx test/bench/ssh2-cipher-micro.ts                                       (addon)
 *   node --require ./test/bench/no-addon-preload.js --import tsx test/bench/ssh2-cipher-micro.ts
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Client } from 'ssh2';
import { patchPaddingPool } from './ssh2-padding-pool';

interface Cipher {
  allocPacket(n: number): Buffer;
  encrypt(packet: Buffer): void;
}
interface SshCrypto {
  bindingAvailable: boolean;
  init: Promise<void>;
  CIPHER_INFO: Record<string, { keyLen: number; ivLen: number }>;
  createCipher(config: object): Cipher;
  createDecipher(config: object): { decrypt(data: Buffer, p: number, len: number): unknown };
}

const sshCrypto = createRequire(__filename)('ssh2/lib/protocol/crypto.js') as SshCrypto;
const NAMES = ['aes128-gcm@openssh.com', 'chacha20-poly1305@openssh.com'];
const SIZES = [100, 32768 + 9]; // a CHANNEL_DATA payload: 9 header bytes + data

/** µs per call: the best of 5 batches (this VM is shared; the minimum is the least disturbed). */
function timeIt(iterations: number, fn: () => void): number {
  for (let i = 0; i < Math.min(2000, iterations); i++) fn();
  let best = Infinity;
  for (let batch = 0; batch < 5; batch++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations / 5; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e3 / (iterations / 5));
  }
  return best;
}

function newCipher(name: string, key: Buffer, iv: Buffer, onWrite: (data: Buffer) => void): Cipher {
  const info = sshCrypto.CIPHER_INFO[name]!;
  return sshCrypto.createCipher({ outbound: { onWrite, cipherInfo: info, cipherKey: key, cipherIV: Buffer.from(iv), seqno: 0 } });
}

function measure(label: string): string[] {
  const rows: string[] = [];
  for (const name of NAMES) {
    const info = sshCrypto.CIPHER_INFO[name]!;
    const key = randomBytes(info.keyLen);
    const iv = randomBytes(info.ivLen);
    for (const payloadLen of SIZES) {
      const payload = randomBytes(payloadLen);
      const encryptWith = (cipher: Cipher) => () => {
        const packet = cipher.allocPacket(payloadLen);
        packet.set(payload, 5);
        cipher.encrypt(packet);
      };
      // Encrypt timed first, with nothing kept alive (retained buffers would skew GC).
      const encUs = timeIt(payloadLen > 1000 ? 20_000 : 100_000, encryptWith(newCipher(name, key, iv, () => undefined)));
      // Then a fresh cipher records packets on the "wire" for the decrypt timing.
      const recorded = payloadLen > 1000 ? 1000 : 4000;
      const wire: Buffer[] = [];
      const encryptOne = encryptWith(newCipher(name, key, iv, (data) => wire.push(Buffer.from(data))));
      for (let i = 0; i < recorded; i++) encryptOne();
      const stream = Buffer.concat(wire);
      // Six passes, each with a fresh decipher on a fresh copy (the addon decrypts in place);
      // the first warms up, the best of the others counts.
      let decUs = Infinity;
      for (let pass = 0; pass < 6; pass++) {
        const input = Buffer.from(stream);
        let decrypted = 0;
        const decipher = sshCrypto.createDecipher({
          inbound: {
            onPayload: () => {
              decrypted++;
            },
            decipherInfo: info,
            decipherKey: key,
            decipherIV: Buffer.from(iv),
            seqno: 0,
          },
        });
        const start = process.hrtime.bigint();
        decipher.decrypt(input, 0, input.length);
        if (pass > 0) decUs = Math.min(decUs, Number(process.hrtime.bigint() - start) / 1e3 / decrypted);
        if (decrypted !== recorded) throw new Error(`decrypted ${decrypted} of ${recorded} packets`);
      }
      const mbps = (us: number) => (payloadLen > 1000 ? ` (${Math.round(payloadLen / us)} MB/s)` : '');
      rows.push(
        `${label.padEnd(13)} ${name.padEnd(30)} ${String(payloadLen).padStart(5)} B: encrypt ${encUs.toFixed(2).padStart(6)} µs${mbps(encUs)}, ` +
          `decrypt ${decUs.toFixed(2).padStart(6)} µs${mbps(decUs)} per packet; ${wire.length / recorded} onWrite calls per packet`,
      );
    }
  }
  return rows;
}

async function main(): Promise<void> {
  await sshCrypto.init;
  console.log(`ssh2 native addon: ${sshCrypto.bindingAvailable ? 'loaded' : 'NOT loaded (Node crypto fallback)'}; Node ${process.version}`);
  const rows = measure('ssh2 as is');
  for (const name of NAMES) {
    const info = sshCrypto.CIPHER_INFO[name]!;
    const cipher = newCipher(name, randomBytes(info.keyLen), randomBytes(info.ivLen), () => undefined);
    patchPaddingPool({ _protocol: { _cipher: cipher } } as unknown as Client);
  }
  rows.push(...measure('padding pool'));
  const pad = Buffer.alloc(64);
  rows.push(`randomFillSync of 8 bytes (ssh2 makes one such call per packet, in allocPacket): ${timeIt(200_000, () => randomFillSync(pad, 0, 8)).toFixed(2)} µs`);
  console.log(rows.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
