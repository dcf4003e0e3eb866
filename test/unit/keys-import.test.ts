/**
 * Key import: what users get wrong (a .pub file, a wrong or missing passphrase, a file cut
 * short, a damaged .ppk, a format Porthole cannot use) each gets its own error code, and
 * pasted text works as well as files. Fixtures are made by the real tools in a temp dir.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac, createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utils } from 'ssh2';
import { importKey, importKeyText, type ImportedKey } from '../../main/keys';
import { PortholeError } from '../../main/shared/errors';
import { fingerprintOf } from '../env/keys';
import { runChecked } from '../env/processes';

/** RSA generation and bcrypt/Argon2 key derivation take seconds when the other test files load both cores. */
const SLOW = { timeout: 30_000 };

const PASSPHRASE = 'open sesame 7';
let dir: string;
const file = (name: string) => join(dir, name);
const bytes = (name: string) => readFileSync(file(name));

async function sh(program: string, ...args: string[]): Promise<string> {
  return runChecked(program, args);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'porthole-keys-import-'));
  writeFileSync(file('pass'), PASSPHRASE);
  writeFileSync(file('empty'), '');
  const ppk = (name: string, type: string[], params: string, pass: 'pass' | 'empty') =>
    sh('puttygen', '-q', ...type, '-C', `comment of ${name}`, '-o', file(name), '--new-passphrase', file(pass), '--ppk-param', params);
  await Promise.all([
    sh('ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'plain ed25519', '-f', file('openssh')),
    sh('ssh-keygen', '-q', '-t', 'ecdsa', '-N', PASSPHRASE, '-C', 'encrypted ecdsa', '-f', file('openssh-enc')),
    sh('ssh-keygen', '-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', '', '-f', file('pem')),
    sh('ssh-keygen', '-q', '-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', PASSPHRASE, '-f', file('pem-enc')),
    sh('ssh-keygen', '-q', '-t', 'ecdsa', '-m', 'PKCS8', '-N', '', '-f', file('pkcs8')),
    sh('ssh-keygen', '-q', '-t', 'ecdsa', '-b', '384', '-m', 'PKCS8', '-N', PASSPHRASE, '-f', file('pkcs8-enc')),
    ppk('v2.ppk', ['-t', 'rsa'], 'version=2', 'empty'),
    ppk('v2-enc.ppk', ['-t', 'ed25519'], 'version=2', 'pass'),
    ppk('v3.ppk', ['-t', 'ecdsa', '-b', '256'], 'version=3', 'empty'),
    ppk('v3-enc.ppk', ['-t', 'ed25519'], 'version=3,kdf=argon2id,memory=1024,passes=2', 'pass'),
    // What users sometimes pick by mistake, or bring from other tools.
    ppk('ed448.ppk', ['-t', 'ed448'], 'version=3', 'empty'),
    sh('puttygen', '-q', '-t', 'rsa1', '-o', file('ssh1.key'), '--new-passphrase', file('empty')),
    sh('openssl', 'genpkey', '-algorithm', 'ed448', '-out', file('ed448.pk8')),
    sh('openssl', 'genpkey', '-algorithm', 'x25519', '-out', file('x25519.pk8')),
    sh('openssl', 'ecparam', '-name', 'secp256k1', '-genkey', '-noout', '-out', file('secp256k1.pem')),
    sh('openssl', 'genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:512', '-out', file('rsa512.pem')),
    sh('openssl', 'genpkey', '-genparam', '-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:2048', '-out', file('dsa-params.pem')).then(() =>
      sh('openssl', 'genpkey', '-paramfile', file('dsa-params.pem'), '-out', file('dsa2048-224.pem')),
    ),
    sh('openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('cert-key.pem'), '-out', file('cert.pem'), '-subj', '/CN=porthole-test', '-days', '1'),
  ]);
  await Promise.all([
    sh('puttygen', file('v2.ppk'), '-O', 'public', '-o', file('v2.ppk.rfc4716.pub')),
    sh('puttygen', file('v2.ppk'), '-O', 'private-sshcom', '-o', file('sshcom.key')),
    sh('openssl', 'pkey', '-in', file('pem'), '-pubout', '-out', file('pem.spki.pub')),
  ]);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<PortholeError> {
  const error = await promise.then(
    () => new Error('expected the import to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof PortholeError)) throw error;
  return error;
}

describe('what goes right', SLOW, () => {
  it.each([
    ['openssh', 'ssh-ed25519', undefined],
    ['openssh-enc', 'ecdsa-sha2-nistp256', PASSPHRASE],
    ['pem', 'ssh-rsa', undefined],
    ['pem-enc', 'ssh-rsa', PASSPHRASE],
    ['pkcs8', 'ecdsa-sha2-nistp256', undefined],
    ['pkcs8-enc', 'ecdsa-sha2-nistp384', PASSPHRASE],
  ] as const)('%s: fingerprint equals ssh-keygen -lf of its .pub', async (name, type, passphrase) => {
    const key = await importKey({ path: file(name) }, passphrase ? { passphrase } : {});
    expect(key.type).toBe(type);
    expect(key.fingerprint).toBe(await fingerprintOf(file(`${name}.pub`)));
    expect(key.path).toBe(file(name));
  });

  it.each(['v2.ppk', 'v2-enc.ppk', 'v3.ppk', 'v3-enc.ppk'])('%s: fingerprint equals puttygen -O fingerprint', async (name) => {
    const key = await importKey({ path: file(name) }, { passphrase: PASSPHRASE });
    const reference = await sh('puttygen', file(name), '--old-passphrase', file(name.includes('enc') ? 'pass' : 'empty'), '-O', 'fingerprint');
    expect(reference).toContain(key.fingerprint);
    expect(key.comment).toBe(`comment of ${name}`);
  });

  it('reads pasted text with Windows line ends, a byte-order mark and stray blank lines around it', async () => {
    const pasted = `\ufeff\r\n  \r\n${bytes('v3.ppk').toString('utf8').replace(/\n/g, '\r\n')}\r\n\r\n`;
    const fromText = await importKeyText(pasted);
    const fromFile = await importKey({ path: file('v3.ppk') });
    expect(fromText.fingerprint).toBe(fromFile.fingerprint);
    const pem = `Here is my key:\n${bytes('pem').toString('utf8').replace(/\n/g, '\r\n')}thanks`;
    expect((await importKeyText(pem)).fingerprint).toBe(await fingerprintOf(file('pem.pub')));
  });

  it('keeps the private key out of JSON, logs and spreads', async () => {
    const key = await importKey({ path: file('pem') });
    expect(key.privateKey.toString()).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(JSON.stringify(key)).not.toContain('PRIVATE KEY');
    expect(JSON.stringify({ ...key })).not.toContain('PRIVATE KEY');
    expect(Object.keys(key)).not.toContain('privateKey');
  });

  it('converts to an OpenSSH key that ssh2 and ssh-keygen both read back to the same public key', async () => {
    const key = await importKey({ path: file('v2-enc.ppk') }, { passphrase: PASSPHRASE });
    const parsed = utils.parseKey(key.privateKey);
    if (parsed instanceof Error) throw parsed;
    expect(parsed.getPublicSSH().toString('base64')).toBe(key.publicKey.split(' ')[1]);
    writeFileSync(file('converted'), key.privateKey, { mode: 0o600 });
    expect((await sh('ssh-keygen', '-y', '-f', file('converted'))).trim()).toBe(key.publicKey);
  });
});

describe('passphrases', SLOW, () => {
  const encrypted = ['openssh-enc', 'pem-enc', 'pkcs8-enc', 'v2-enc.ppk', 'v3-enc.ppk'];

  it.each(encrypted)('%s without a passphrase: keys.passphrase-required', async (name) => {
    const error = await failure(importKey({ path: file(name) }));
    expect(error.code).toBe('keys.passphrase-required');
    expect(error.message).toContain(name);
    expect(error.hint).toMatch(/passphrase/);
  });

  it.each(encrypted)('%s with a wrong passphrase: keys.wrong-passphrase', async (name) => {
    const error = await failure(importKey({ path: file(name) }, { passphrase: 'not it' }));
    expect(error.code).toBe('keys.wrong-passphrase');
    expect(error.hint).toMatch(/not the server password/);
  });

  it('asks, says "retry" after a wrong answer, and succeeds with the right one', async () => {
    const asked: [string, boolean][] = [];
    const answers = ['nope', PASSPHRASE];
    const key = await importKey({ path: file('v3-enc.ppk') }, { askPassphrase: async (label, retry) => (asked.push([label, retry]), answers.shift() ?? null) });
    expect(asked).toEqual([
      ['v3-enc.ppk', false],
      ['v3-enc.ppk', true],
    ]);
    expect(key.encrypted).toBe(true);
  });

  it('gives up after three wrong answers, and when the user declines', async () => {
    let count = 0;
    const error = await failure(importKey({ path: file('pem-enc') }, { askPassphrase: async () => (count++, 'wrong again') }));
    expect(error.code).toBe('keys.wrong-passphrase');
    expect(count).toBe(3);
    const declined = await failure(importKey({ path: file('pem-enc') }, { askPassphrase: async () => null }));
    expect(declined.code).toBe('keys.passphrase-required');
  });

  it('does not ask for keys without a passphrase', async () => {
    let asked = false;
    await importKey({ path: file('v2.ppk') }, { askPassphrase: async () => ((asked = true), null) });
    expect(asked).toBe(false);
  });
});

describe('a public key instead of the private one: keys.public-key-given', SLOW, () => {
  it.each([
    ['an OpenSSH .pub', 'openssh.pub'],
    ['an ECDSA .pub', 'openssh-enc.pub'],
    ["PuTTYgen's RFC 4716 public key", 'v2.ppk.rfc4716.pub'],
    ['a PEM "BEGIN PUBLIC KEY"', 'pem.spki.pub'],
  ])('%s', async (_what, name) => {
    const error = await failure(importKey({ path: file(name) }));
    expect(error.code).toBe('keys.public-key-given');
    expect(error.hint).toMatch(/without \.pub/);
    expect(error.hint).toMatch(/AWS.*\.pem/);
  });

  it('an authorized_keys line with options, pasted', async () => {
    const line = `from="10.0.0.0/8",no-pty ${readFileSync(file('openssh.pub'), 'utf8')}`;
    expect((await failure(importKeyText(line))).code).toBe('keys.public-key-given');
  });
});

describe('damaged files: keys.corrupt', SLOW, () => {
  it.each(['openssh', 'openssh-enc', 'pem', 'pem-enc', 'pkcs8', 'pkcs8-enc', 'v2.ppk', 'v2-enc.ppk', 'v3.ppk', 'v3-enc.ppk'])('%s cut short at 60%% or missing its last line', async (name) => {
    const whole = bytes(name);
    for (const cut of [whole.subarray(0, Math.floor(whole.length * 0.6)), whole.subarray(0, whole.toString('latin1').trimEnd().lastIndexOf('\n'))]) {
      const error = await failure(importKeyText(cut, { label: name, passphrase: PASSPHRASE }));
      expect(error.code, `${name} cut to ${cut.length} bytes: ${error.message}`).toBe('keys.corrupt');
      expect(error.message).toContain(name);
    }
  });

  it('an empty file', async () => {
    writeFileSync(file('empty.key'), '\n\n');
    expect((await failure(importKey({ path: file('empty.key') }))).code).toBe('keys.corrupt');
  });

  it('a key whose base64 was damaged in the middle (OpenSSH, PEM)', async () => {
    for (const name of ['openssh', 'pem']) {
      const text = bytes(name).toString('utf8');
      const lines = text.split('\n');
      const middle = Math.floor(lines.length / 2);
      lines[middle] = lines[middle]!.slice(0, 10) + (lines[middle]![10] === 'A' ? 'B' : 'A') + lines[middle]!.slice(11);
      const error = await failure(importKeyText(lines.join('\n'), { label: name }));
      expect(error.code, error.message).toBe('keys.corrupt');
    }
  });

  /** Changes one character to another digit: still valid base64 or hex where it was. */
  function flipAt(data: Buffer, index: number): Buffer {
    const copy = Buffer.from(data);
    copy[index] = copy[index] === 0x30 ? 0x31 : 0x30;
    return copy;
  }
  /** The offset `skip` bytes into the value of `header`, or into the first line after it. */
  const offsetOf = (data: Buffer, header: string, skip = 0) => {
    const at = data.indexOf(header);
    if (at < 0) throw new Error(`no ${header} in the fixture`);
    return header.endsWith(': ') ? at + header.length + skip : data.indexOf('\n', at) + 1 + skip;
  };

  it.each(['v2.ppk', 'v3.ppk'])('%s with any one byte changed (comment, public, private, MAC) fails its MAC', async (name) => {
    const data = bytes(name);
    for (const [where, index] of [
      ['comment', offsetOf(data, 'Comment: ', 2)],
      ['public', offsetOf(data, 'Public-Lines:', 8)],
      ['private', offsetOf(data, 'Private-Lines:', 6)],
      ['MAC', offsetOf(data, 'Private-MAC: ', 3)],
    ] as const) {
      const error = await failure(importKeyText(flipAt(data, index), { label: name }));
      expect(error.code, `${where}: ${error.message}`).toBe('keys.corrupt');
      expect(error.message).toMatch(/MAC|garbled|damaged/);
    }
  });

  it.each(['v2-enc.ppk', 'v3-enc.ppk'])('%s with the right passphrase but a changed comment or private part: corrupt, not "wrong passphrase"', async (name) => {
    const data = bytes(name);
    const comment = await failure(importKeyText(flipAt(data, offsetOf(data, 'Comment: ', 2)), { label: name, passphrase: PASSPHRASE }));
    expect(comment.code).toBe('keys.corrupt');
    expect(comment.message).toMatch(/passphrase is right/);
    // A change in the second cipher block leaves the first (with the first length field) intact.
    const changed = await failure(importKeyText(flipAt(data, offsetOf(data, 'Private-Lines:', 30)), { label: name, passphrase: PASSPHRASE }));
    expect(changed.code).toBe('keys.corrupt');
  });

  it('a .ppk whose MAC was recomputed over a changed private part is still caught (the halves must belong together)', async () => {
    // A v2 unencrypted file re-MACed by hand after changing the RSA private exponent.
    const text = bytes('v2.ppk').toString('latin1');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Private-Lines: '));
    const count = Number(lines[at]!.slice('Private-Lines: '.length));
    const priv = Buffer.from(lines.slice(at + 1, at + 1 + count).join(''), 'base64');
    priv[20] = priv[20]! ^ 0x01;
    const b64 = priv.toString('base64').match(/.{1,64}/g)!;
    const pubAt = lines.findIndex((l) => l.startsWith('Public-Lines: '));
    const pub = Buffer.from(lines.slice(pubAt + 1, pubAt + 1 + Number(lines[pubAt]!.slice(14))).join(''), 'base64');
    const str = (b: Buffer) => Buffer.concat([Buffer.from([b.length >>> 24, (b.length >>> 16) & 255, (b.length >>> 8) & 255, b.length & 255]), b]);
    const macKey = createHash('sha1').update('putty-private-key-file-mac-key').digest();
    const comment = lines[2]!.slice('Comment: '.length);
    const mac = createHmac('sha1', macKey)
      .update(Buffer.concat([str(Buffer.from('ssh-rsa')), str(Buffer.from('none')), str(Buffer.from(comment, 'latin1')), str(pub), str(priv)]))
      .digest('hex');
    const rebuilt = [...lines.slice(0, at), `Private-Lines: ${b64.length}`, ...b64, `Private-MAC: ${mac}`, ''].join('\n');
    const error = await failure(importKeyText(rebuilt, { label: 'v2.ppk' }));
    expect(error.code).toBe('keys.corrupt');
    expect(error.message).toMatch(/RSA/);
  });
});

describe('formats and key types Porthole cannot use: keys.unsupported, naming them', SLOW, () => {
  it.each([
    ['a PuTTY Ed448 key', 'ed448.ppk', /Ed448/],
    ['an SSH-1 key', 'ssh1.key', /SSH-1/],
    ['an ssh.com private key', 'sshcom.key', /ssh\.com/],
    ['a PKCS#8 Ed448 key', 'ed448.pk8', /Ed448/],
    ['a PKCS#8 X25519 key', 'x25519.pk8', /X25519/],
    ['an EC key on secp256k1', 'secp256k1.pem', /secp256k1/],
    ['an X.509 certificate', 'cert.pem', /CERTIFICATE/],
    ['a DSA key with a 224-bit q (ssh-dss needs 160)', 'dsa2048-224.pem', /224-bit/],
    ['a 512-bit RSA key', 'rsa512.pem', /512 bits/],
  ])('%s', async (_what, name, naming) => {
    const error = await failure(importKey({ path: file(name) }));
    expect(error.code, error.message).toBe('keys.unsupported');
    expect(error.message).toMatch(naming);
    expect(error.hint).toBeTruthy();
  });

  it('a PuTTY format-1 key and a format from the future', async () => {
    const v2 = bytes('v2.ppk').toString('latin1');
    expect((await failure(importKeyText(v2.replace('PuTTY-User-Key-File-2', 'PuTTY-User-Key-File-1')))).message).toMatch(/old format 1/);
    expect((await failure(importKeyText(v2.replace('PuTTY-User-Key-File-2', 'PuTTY-User-Key-File-4')))).message).toMatch(/format 4/);
  });

  it('a text file and a binary file that are no keys at all', async () => {
    expect((await failure(importKeyText('hello, this is my key: ask me for it'))).code).toBe('keys.unsupported');
    expect((await failure(importKeyText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])))).code).toBe('keys.unsupported');
  });

  it('a missing file: keys.unreadable', async () => {
    const error = await failure(importKey({ path: file('no-such-key.pem') }));
    expect(error.code).toBe('keys.unreadable');
    expect(error.message).toMatch(/no such file/);
  });

  // Absurd bcrypt rounds and Argon2 settings are refused before any key derivation: keys-sizes.test.ts.
});

describe('ImportedKey', SLOW, () => {
  let key: ImportedKey;
  beforeAll(async () => {
    key = await importKey({ path: file('openssh') });
  });

  it('has the public key line ssh-keygen wrote, with bits and format', async () => {
    expect(key.publicKey).toBe(readFileSync(file('openssh.pub'), 'utf8').trim());
    expect(key).toMatchObject({ type: 'ssh-ed25519', bits: 256, format: 'openssh', encrypted: false, comment: 'plain ed25519' });
  });
});
