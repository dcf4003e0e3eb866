/**
 * Seeded fuzz of the PuTTY .reg import, which nothing fuzzed before. Every damaged input ends in an
 * import result or a PortholeError with a profiles.* code, each within 1 s; never a raw
 * exception or a hang. Oversized numbers, oversized lengths and repetition are among the
 * mutations (test/support/fuzz.ts).
 */
import { describe, expect, it } from 'vitest';
import type { ImportResult } from '../../main/profiles/import-result';
import { parsePuttyReg } from '../../main/profiles/putty-import';
import { PortholeError } from '../../main/shared/errors';
import { InputTimer, mutateTextStacked } from '../support/fuzz';
import { mulberry32 as random } from '../support/prng';

const SEED = Number(process.env['PORTHOLE_FUZZ_SEED'] ?? 20241202);

const SESSIONS = 'HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions';
const PUTTY_REG = [
  'Windows Registry Editor Version 5.00',
  '',
  `[${SESSIONS}]`,
  '',
  `[${SESSIONS}\\gpu%20vm]`,
  '"HostName"="ubuntu@203.0.113.7"',
  '"PortNumber"=dword:00000016',
  '"Protocol"="ssh"',
  '"PublicKeyFile"="C:\\\\Users\\\\me\\\\gpu.ppk"',
  '"PortForwardings"="L8888=localhost:8888,R9000=127.0.0.1:9000,D1080="',
  '"ProxyMethod"=dword:00000000',
  '',
  `[${SESSIONS}\\hexed]`,
  '"HostName"="hexed.example.com"',
  '"PublicKeyFile"=hex(2):43,00,3a,00,5c,00,6b,00,00,00',
  '"UserName"="azureuser"',
  '',
].join('\r\n');

const REG_ALPHABET = ['"', '\\', '\r\n', '[', ']', '=', ',', 'dword:', 'hex:', 'hex(2):', '%', '\u0000', '\ufeff', 'ffffffff', ':'];

function checkResult(result: ImportResult, context: string): void {
  expect(Array.isArray(result.profiles), context).toBe(true);
  for (const warning of result.warnings) expect(typeof warning.message, context).toBe('string');
}

function checkError(error: unknown, context: string): void {
  if (!(error instanceof PortholeError) || !error.code.startsWith('profiles.')) {
    throw new Error(`${context}: not a PortholeError with a profiles.* code: ${String(error)}\n${(error as Error).stack ?? ''}`, { cause: error });
  }
}

describe(`import fuzz (seed ${SEED})`, () => {
  it('4000 damaged PuTTY .reg exports each end in an import result or a profiles.* error within 1 s', { timeout: 180_000 }, () => {
    const rnd = random(SEED + 1);
    const timer = new InputTimer('PuTTY .reg import');
    let withProfiles = 0;
    for (let i = 0; i < 4000; i++) {
      const text = mutateTextStacked(rnd, PUTTY_REG, REG_ALPHABET);
      const input = rnd() < 0.2 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : text;
      const context = `seed ${SEED + 1} case ${i}: ${JSON.stringify(text.slice(0, 300))} (${text.length} chars)`;
      try {
        const result = timer.runSync(context, () => parsePuttyReg(input));
        checkResult(result, context);
        if (result.profiles.length > 0) withProfiles++;
      } catch (error) {
        checkError(error, context);
      }
    }
    timer.finish();
    expect(withProfiles).toBeGreaterThan(2000);
  });
});
