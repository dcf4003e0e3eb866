/**
 * Every key format users bring, made by the real tools (ssh-keygen, puttygen, openssl) for
 * every key type, with and without a passphrase: Porthole imports it, reports the type and
 * the fingerprint `ssh-keygen -lf` prints for the tool's own public key, converts it to an
 * OpenSSH key ssh2 accepts, and that converted key logs in to a real sshd.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utils } from 'ssh2';
import { importKey, type ImportedKey, type KeyFormat } from '../../main/keys';
import { startTestHost, type TestHost } from '../env/host';
import { fingerprintOf, generateKeyPair } from '../env/keys';
import { runChecked } from '../env/processes';
import { makeDir } from '../env/run-dir';
import { connectSsh, keyLogin } from '../env/ssh-client';

const PASSPHRASE = 'correct horse 42';

type Tool = 'ssh-keygen' | 'puttygen' | 'openssl';
type TypeName = 'ed25519' | 'ecdsa256' | 'ecdsa384' | 'ecdsa521' | 'rsa' | 'dsa';

interface Fixture {
  readonly id: string;
  readonly tool: Tool;
  readonly format: KeyFormat;
  readonly keyType: TypeName;
  /** none, or how the file is protected */
  readonly protection: 'none' | 'passphrase' | 'argon2id' | 'argon2i' | 'argon2d';
  readonly comment: string;
}

const SSH_TYPES: Record<TypeName, string> = {
  ed25519: 'ssh-ed25519',
  ecdsa256: 'ecdsa-sha2-nistp256',
  ecdsa384: 'ecdsa-sha2-nistp384',
  ecdsa521: 'ecdsa-sha2-nistp521',
  rsa: 'ssh-rsa',
  dsa: 'ssh-dss',
};
const ALL_TYPES: readonly TypeName[] = ['ed25519', 'ecdsa256', 'ecdsa384', 'ecdsa521', 'rsa', 'dsa'];
/** ssh-keygen writes Ed25519 only in OpenSSH format (-m PEM/PKCS8 are ignored for it). */
const PEM_TYPES: readonly TypeName[] = ['ecdsa256', 'ecdsa384', 'ecdsa521', 'rsa', 'dsa'];

function fixtures(): Fixture[] {
  const list: Fixture[] = [];
  const add = (tool: Tool, format: KeyFormat, keyType: TypeName, protection: Fixture['protection']) =>
    list.push({ id: `${format}-${keyType}-${protection}`, tool, format, keyType, protection, comment: `${format} ${keyType} ${protection}` });
  for (const protection of ['none', 'passphrase'] as const) {
    for (const t of ALL_TYPES) add('ssh-keygen', 'openssh', t, protection);
    for (const t of PEM_TYPES) add('ssh-keygen', 'pem', t, protection);
    for (const t of PEM_TYPES) add('ssh-keygen', 'pkcs8', t, protection);
    add('openssl', 'pkcs8', 'ed25519', protection);
    for (const t of ALL_TYPES) add('puttygen', 'ppk-v2', t, protection);
  }
  for (const protection of ['none', 'argon2id', 'argon2i', 'argon2d'] as const) for (const t of ALL_TYPES) add('puttygen', 'ppk-v3', t, protection);
  for (const t of ['rsa', 'ecdsa256', 'ed25519'] as const) add('openssl', 'der', t, 'none');
  add('openssl', 'der', 'rsa', 'passphrase');
  return list;
}

const ALL = fixtures();
let dir: string;
let passphraseFile: string;
let emptyFile: string;

/** Writes the key file with the real tool; returns the path of the tool's own OpenSSH public key. */
async function make(f: Fixture): Promise<{ path: string; publicPath: string }> {
  const path = join(dir, f.id);
  const encrypted = f.protection !== 'none';
  const publicPath = `${path}.reference.pub`;
  if (f.tool === 'ssh-keygen') {
    const typeArgs = f.keyType.startsWith('ecdsa') ? ['-t', 'ecdsa', '-b', f.keyType.slice(5)] : ['-t', f.keyType, ...(f.keyType === 'rsa' ? ['-b', f.format === 'openssh' ? '3072' : '2048'] : [])];
    const formatArgs = f.format === 'pem' ? ['-m', 'PEM'] : f.format === 'pkcs8' ? ['-m', 'PKCS8'] : [];
    await runChecked('ssh-keygen', ['-q', ...typeArgs, ...formatArgs, '-N', encrypted ? PASSPHRASE : '', '-C', f.comment, '-f', path]);
    await runChecked('mv', [`${path}.pub`, publicPath]);
  } else if (f.tool === 'puttygen') {
    const typeArgs = f.keyType.startsWith('ecdsa') ? ['-t', 'ecdsa', '-b', f.keyType.slice(5)] : ['-t', f.keyType];
    const version = f.format === 'ppk-v2' ? '2' : '3';
    const kdf = f.protection.startsWith('argon2') ? `,kdf=${f.protection}` : '';
    await runChecked('puttygen', ['-q', ...typeArgs, '-C', f.comment, '-o', path, '--new-passphrase', encrypted ? passphraseFile : emptyFile, '--ppk-param', `version=${version}${kdf}`]);
    await runChecked('puttygen', [path, '--old-passphrase', encrypted ? passphraseFile : emptyFile, '-O', 'public-openssh', '-o', publicPath]);
  } else {
    // openssl: PKCS#8 Ed25519 (ssh-keygen cannot write it) and binary DER keys.
    const algorithm = f.keyType === 'ed25519' ? ['-algorithm', 'ed25519'] : f.keyType === 'rsa' ? ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] : ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    const pem = `${path}.openssl.pem`;
    await runChecked('openssl', ['genpkey', ...algorithm, '-out', pem]);
    const protect = encrypted ? ['-v2', 'aes-256-cbc', '-passout', `file:${passphraseFile}`] : [];
    await runChecked('openssl', ['pkcs8', '-topk8', ...(encrypted ? [] : ['-nocrypt']), ...protect, '-in', pem, '-outform', f.format === 'der' ? 'DER' : 'PEM', '-out', path]);
    await writeOpenSshPublicFromOpenssl(pem, f.keyType, publicPath);
  }
  return { path, publicPath };
}

/** The reference public key for openssl-made keys: openssl's own public key, in OpenSSH form by ssh-keygen. */
async function writeOpenSshPublicFromOpenssl(pem: string, keyType: TypeName, publicPath: string): Promise<void> {
  const spki = `${pem}.pub.pem`;
  await runChecked('openssl', ['pkey', '-in', pem, '-pubout', '-out', spki]);
  if (keyType !== 'ed25519') {
    writeFileSync(publicPath, await runChecked('ssh-keygen', ['-i', '-m', 'PKCS8', '-f', spki]));
    return;
  }
  // ssh-keygen cannot read Ed25519 SPKI: the raw key is the last 32 bytes of openssl's DER.
  const der = Buffer.from(await runChecked('openssl', ['pkey', '-pubin', '-in', spki, '-outform', 'DER'], { encoding: 'latin1' }), 'latin1');
  const raw = der.subarray(der.length - 32);
  const name = Buffer.from('ssh-ed25519');
  const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
  writeFileSync(publicPath, `ssh-ed25519 ${Buffer.concat([u32(name.length), name, u32(32), raw]).toString('base64')}\n`);
}

interface Made {
  readonly fixture: Fixture;
  readonly path: string;
  readonly publicPath: string;
  readonly referenceFingerprint: string;
}
const made = new Map<string, Made>();
const imported = new Map<string, ImportedKey>();

let host: TestHost;
let dsaHost: TestHost;

beforeAll(async () => {
  dir = makeDir('keys-matrix');
  passphraseFile = join(dir, 'passphrase');
  emptyFile = join(dir, 'empty');
  writeFileSync(passphraseFile, PASSPHRASE);
  writeFileSync(emptyFile, '');
  // Two cores: a few tools at a time.
  const queue = [...ALL];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        const { path, publicPath } = await make(f);
        made.set(f.id, { fixture: f, path, publicPath, referenceFingerprint: await fingerprintOf(publicPath) });
      }
    }),
  );
  host = await startTestHost();
  // OpenSSH (since 7.0) refuses ssh-dss keys unless PubkeyAcceptedAlgorithms allows them.
  dsaHost = await startTestHost({ extraConfig: ['PubkeyAcceptedAlgorithms +ssh-dss'] });
}, 240_000);

afterAll(async () => {
  await host?.stop();
  await dsaHost?.stop();
});

function authorize(h: TestHost, publicLine: string): void {
  writeFileSync(join(dirname(h.sshd.configPath), 'authorized_keys'), `${publicLine}\n`);
}

async function logsIn(h: TestHost, privateKey: Buffer): Promise<boolean> {
  try {
    const client = await connectSsh(keyLogin(h, { privateKey }));
    client.end();
    return true;
  } catch (error) {
    if (/authentication methods failed/i.test((error as Error).message)) return false;
    throw error;
  }
}

describe('import of every format x type x protection made by the real tools', () => {
  it('covers the whole matrix', () => {
    expect(ALL).toHaveLength(74);
    expect(made.size).toBe(ALL.length);
  });

  it.each(ALL.map((f) => [f.id, f] as const))('%s: type, fingerprint = ssh-keygen -lf, comment, and ssh2 accepts the conversion', async (_id, f) => {
    const m = made.get(f.id)!;
    const key = await importKey({ path: m.path }, f.protection === 'none' ? {} : { passphrase: PASSPHRASE });
    imported.set(f.id, key);
    expect(key.type).toBe(SSH_TYPES[f.keyType]);
    expect(key.fingerprint).toBe(m.referenceFingerprint);
    expect(key.format).toBe(f.format);
    expect(key.encrypted).toBe(f.protection !== 'none');
    // PEM, PKCS#8 and DER carry no comment; OpenSSH and PuTTY files do.
    expect(key.comment).toBe(f.format === 'openssh' || f.format.startsWith('ppk') ? f.comment : '');
    const parsed = utils.parseKey(key.privateKey);
    if (parsed instanceof Error) throw parsed;
    expect(parsed.isPrivateKey()).toBe(true);
    expect(parsed.type).toBe(SSH_TYPES[f.keyType]);
    expect(key.privateKey.toString()).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    // ssh-keygen itself reads the conversion back to the same public key.
    const converted = join(dir, `${f.id}.converted`);
    writeFileSync(converted, key.privateKey, { mode: 0o600 });
    expect(await runChecked('ssh-keygen', ['-y', '-f', converted])).toContain(key.publicKey.split(' ').slice(0, 2).join(' '));
  });
});

describe('the converted keys log in to a real sshd', () => {
  it('a key that is not in authorized_keys does not log in (the check can fail)', async () => {
    const other = await generateKeyPair(dir, 'not-authorized');
    authorize(host, other.publicLine);
    const key = await importKey({ path: made.get('openssh-ed25519-none')!.path });
    expect(await logsIn(host, key.privateKey)).toBe(false);
  });

  it.each(ALL.filter((f) => f.keyType !== 'dsa').map((f) => [f.id, f] as const))('%s logs in', async (_id, f) => {
    const key = imported.get(f.id) ?? (await importKey({ path: made.get(f.id)!.path }, { passphrase: PASSPHRASE }));
    authorize(host, key.publicKey);
    expect(await logsIn(host, key.privateKey)).toBe(true);
  });

  it('DSA keys are refused by a default OpenSSH 9 server (ssh-dss is disabled there)', async () => {
    const key = imported.get('openssh-dsa-none') ?? (await importKey({ path: made.get('openssh-dsa-none')!.path }));
    authorize(host, key.publicKey);
    expect(await logsIn(host, key.privateKey)).toBe(false);
  });

  it.each(ALL.filter((f) => f.keyType === 'dsa').map((f) => [f.id, f] as const))('%s logs in where the server allows ssh-dss', async (_id, f) => {
    const key = imported.get(f.id) ?? (await importKey({ path: made.get(f.id)!.path }, { passphrase: PASSPHRASE }));
    authorize(dsaHost, key.publicKey);
    expect(await logsIn(dsaHost, key.privateKey)).toBe(true);
  });
});
