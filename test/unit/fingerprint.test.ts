import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyBlobFromPublicKeyLine, sha256Fingerprint } from '../../main/shared/fingerprint';
import { generateKeyPair, type KeyType } from '../env/keys';

const dir = mkdtempSync(join(tmpdir(), 'porthole-fp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sha256Fingerprint', () => {
  // ssh-keygen makes a real RSA-3072 key here, which took over 5 s on a loaded two-core machine.
  it.each<KeyType>(['ed25519', 'ecdsa', 'rsa'])('prints exactly what ssh-keygen -lf prints for %s keys', { timeout: 30_000 }, async (type) => {
    const key = await generateKeyPair(dir, `k-${type}`, { type });
    expect(sha256Fingerprint(keyBlobFromPublicKeyLine(key.publicLine))).toBe(key.fingerprint);
  });

  it('has no base64 padding, like OpenSSH', () => {
    expect(sha256Fingerprint(Buffer.from('x'))).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe('keyBlobFromPublicKeyLine', () => {
  it.each(['', 'ssh-ed25519', 'ssh-ed25519 not*base64 comment'])('rejects %j', (line) => {
    expect(() => keyBlobFromPublicKeyLine(line)).toThrow(/OpenSSH public key/);
  });
});
