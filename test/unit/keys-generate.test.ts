/**
 * Key generation: Ed25519 by default, RSA 3072 on request, optional passphrase and comment.
 * ssh-keygen must agree with Porthole on every generated key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utils } from 'ssh2';
import { generateKey } from '../../main/keys';
import { PortholeError } from '../../main/shared/errors';
import { fingerprintOf } from '../env/keys';
import { runChecked } from '../env/processes';

/** RSA generation and bcrypt/Argon2 key derivation take seconds when the other test files load both cores. */
const SLOW = { timeout: 30_000 };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-keys-generate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What ssh-keygen says about a private key: its public line and fingerprint. */
async function sshKeygenView(name: string, privateKey: Buffer | string, passphrase = ''): Promise<{ publicLine: string; fingerprint: string }> {
  const path = join(dir, name);
  writeFileSync(path, privateKey, { mode: 0o600 });
  const publicLine = (await runChecked('ssh-keygen', ['-y', '-P', passphrase, '-f', path])).trim();
  writeFileSync(`${path}.pub`, `${publicLine}\n`);
  return { publicLine, fingerprint: await fingerprintOf(`${path}.pub`) };
}

describe('generateKey', SLOW, () => {
  it('makes an Ed25519 key by default, that ssh-keygen reads to the same public key and fingerprint', async () => {
    const key = await generateKey({ comment: 'me@laptop' });
    expect(key).toMatchObject({ type: 'ssh-ed25519', bits: 256, format: 'generated', encrypted: false, comment: 'me@laptop' });
    expect(key.encryptedPrivateKey).toBeUndefined();
    const view = await sshKeygenView('ed', key.privateKey);
    expect(key.publicKey).toBe(view.publicLine);
    expect(view.publicLine).toMatch(/ me@laptop$/);
    expect(key.fingerprint).toBe(view.fingerprint);
  });

  it('makes RSA 3072 on request', async () => {
    const key = await generateKey({ type: 'rsa' });
    expect(key).toMatchObject({ type: 'ssh-rsa', bits: 3072 });
    expect((await sshKeygenView('rsa', key.privateKey)).fingerprint).toBe(key.fingerprint);
  });

  it('with a passphrase: also the same key encrypted with it, which needs that passphrase', async () => {
    const key = await generateKey({ passphrase: 'hunter2 hunter2' });
    expect(key.encrypted).toBe(true);
    const encrypted = key.encryptedPrivateKey!;
    expect(utils.parseKey(encrypted)).toBeInstanceOf(Error);
    expect((await sshKeygenView('enc', encrypted, 'hunter2 hunter2')).fingerprint).toBe(key.fingerprint);
    await expect(runChecked('ssh-keygen', ['-y', '-P', 'wrong', '-f', join(dir, 'enc')])).rejects.toThrow(/incorrect passphrase|load failed/i);
    expect(JSON.stringify(key)).not.toMatch(/PRIVATE KEY/);
  });

  it('defaults the comment to user@host, as ssh-keygen does', async () => {
    expect((await generateKey()).comment).toMatch(/^[^@\s]+@\S+$/);
  });

  it('makes a new key each time', async () => {
    const [a, b] = await Promise.all([generateKey(), generateKey()]);
    expect(a.fingerprint).not.toBe(b.fingerprint);
  });

  it('refuses odd RSA sizes and unknown types with keys.invalid-option', async () => {
    for (const options of [{ type: 'rsa' as const, bits: 1024 }, { type: 'rsa' as const, bits: 3000.5 }, { type: 'dsa' as unknown as 'rsa' }]) {
      const error = await generateKey(options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortholeError);
      expect((error as PortholeError).code).toBe('keys.invalid-option');
    }
  });
});
