/**
 * What the key import wizard shows before asking anything: format, type, whether a
 * passphrase is needed, and the fingerprint where the format keeps it in the clear.
 * Fixtures are made by the real tools.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectKey, suggestName } from '../../main/keys';
import { fingerprintOf } from '../env/keys';
import { runChecked } from '../env/processes';

const PASSPHRASE = 'open sesame 7';
let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-keys-inspect-'));
  writeFileSync(file('pass'), PASSPHRASE);
  writeFileSync(file('empty'), '');
  await Promise.all([
    runChecked('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@laptop', '-f', file('aws-key.pem')]),
    runChecked('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', PASSPHRASE, '-C', 'enc', '-f', file('openssh-enc')]),
    runChecked('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', PASSPHRASE, '-f', file('pem-enc')]),
    runChecked('ssh-keygen', ['-q', '-t', 'ecdsa', '-m', 'PKCS8', '-N', PASSPHRASE, '-f', file('pkcs8-enc')]),
    runChecked('puttygen', ['-q', '-t', 'ed25519', '-C', 'student@seminar', '-o', file('v2-enc.ppk'), '--new-passphrase', file('pass'), '--ppk-param', 'version=2']),
    runChecked('puttygen', ['-q', '-t', 'rsa', '-C', 'plain', '-o', file('v3.ppk'), '--new-passphrase', file('empty'), '--ppk-param', 'version=3']),
  ]);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('key inspection', () => {
  it('an unencrypted key is fully known at once, named after its file', async () => {
    expect(await inspectKey({ path: file('aws-key.pem') })).toEqual({
      kind: 'private', format: 'openssh', type: 'ssh-ed25519', encrypted: false, fingerprint: await fingerprintOf(file('aws-key.pem.pub')), comment: 'me@laptop', suggestedName: 'aws-key',
    });
    expect(await inspectKey({ path: file('v3.ppk') })).toMatchObject({ kind: 'private', format: 'ppk-v3', type: 'ssh-rsa', encrypted: false });
  });

  it('an encrypted OpenSSH key or .ppk shows its type and fingerprint without the passphrase', async () => {
    expect(await inspectKey({ path: file('openssh-enc') })).toMatchObject({ kind: 'private', format: 'openssh', type: 'ecdsa-sha2-nistp256', encrypted: true, fingerprint: await fingerprintOf(file('openssh-enc.pub')) });
    const ppk = await inspectKey({ text: readFileSync(file('v2-enc.ppk')), label: 'v2-enc.ppk' });
    const publicLine = (await runChecked('puttygen', [file('v2-enc.ppk'), '-O', 'public-openssh', '--old-passphrase', file('pass')])).trim();
    writeFileSync(file('v2-enc.pub'), `${publicLine}\n`);
    expect(ppk).toEqual({ kind: 'private', format: 'ppk-v2', type: 'ssh-ed25519', encrypted: true, fingerprint: await fingerprintOf(file('v2-enc.pub')), comment: 'student@seminar', suggestedName: 'v2-enc' });
  });

  it('encrypted PEM and PKCS#8 say what they can: the format, and for PEM the algorithm', async () => {
    expect(await inspectKey({ path: file('pem-enc') })).toMatchObject({ kind: 'private', format: 'pem', type: 'ssh-rsa', encrypted: true, fingerprint: null });
    expect(await inspectKey({ path: file('pkcs8-enc') })).toMatchObject({ kind: 'private', format: 'pkcs8', type: null, encrypted: true, fingerprint: null });
  });

  it('a public key is recognised as one, with its fingerprint', async () => {
    expect(await inspectKey({ text: readFileSync(file('aws-key.pem.pub'), 'utf8') })).toEqual({ kind: 'public', type: 'ssh-ed25519', fingerprint: await fingerprintOf(file('aws-key.pem.pub')), comment: 'me@laptop' });
  });

  it('anything else is invalid, with the engine\'s error', async () => {
    expect(await inspectKey({ text: 'hello, this is not a key' })).toMatchObject({ kind: 'invalid', error: { code: 'keys.unsupported' } });
    expect(await inspectKey({ path: file('missing') })).toMatchObject({ kind: 'invalid', error: { code: 'keys.unreadable' } });
  });

  it('suggests a valid key name', () => {
    expect(suggestName({ path: '/x/My Key (2).pem' }, '')).toBe('My Key -2-');
    expect(suggestName({ path: '/x/id_ed25519' }, 'alice@laptop')).toBe('alice');
    expect(suggestName({ text: 'x' }, '')).toBe('my-key');
  });
});
