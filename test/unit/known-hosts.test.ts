/**
 * known_hosts parsing and matching, checked against the real OpenSSH tools: keys come from
 * ssh-keygen, hashed files from `ssh-keygen -H`, and which lines match a host is compared
 * with what `ssh-keygen -F` finds in the same file.
 */
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyBlobFromPublicKeyLine, sha256Fingerprint } from '../../main/shared/fingerprint';
import {
  checkHostKey,
  entryMatchesHost,
  formatKnownHostsLine,
  keyTypeOfBlob,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  readKnownHostsFiles,
  type KnownHostEntry,
} from '../../main/ssh/known-hosts';
import { fingerprintOf, generateKeyPair, type KeyPair } from '../env/keys';
import { run, runChecked } from '../env/processes';
import { InputTimer } from '../support/fuzz';
import { mulberry32 as prng } from '../support/prng';

const dir = mkdtempSync(join(tmpdir(), 'porthole-kh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Keys {
  readonly ed: KeyPair;
  readonly ed2: KeyPair;
  readonly ed3: KeyPair;
  readonly ecdsa: KeyPair;
  readonly ecdsa384: KeyPair;
  readonly rsa: KeyPair;
  readonly rsa2: KeyPair;
  readonly ca: KeyPair;
}
let keys: Keys;

/** generateKeyPair has no curve option, so the nistp384 key is made with ssh-keygen directly. */
async function ecdsa384Key(name: string): Promise<KeyPair> {
  const privatePath = join(dir, name);
  await runChecked('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '384', '-N', '', '-C', name, '-f', privatePath]);
  const publicPath = `${privatePath}.pub`;
  return { privatePath, publicPath, publicLine: readFileSync(publicPath, 'utf8').trim(), fingerprint: await fingerprintOf(publicPath) };
}

beforeAll(async () => {
  const [ed, ed2, ed3, ecdsa, ecdsa384, rsa, rsa2, ca] = await Promise.all([
    generateKeyPair(dir, 'ed'),
    generateKeyPair(dir, 'ed2'),
    generateKeyPair(dir, 'ed3'),
    generateKeyPair(dir, 'ecdsa', { type: 'ecdsa' }),
    ecdsa384Key('ecdsa384'),
    generateKeyPair(dir, 'rsa', { type: 'rsa' }),
    generateKeyPair(dir, 'rsa2', { type: 'rsa' }),
    generateKeyPair(dir, 'ca'),
  ]);
  keys = { ed, ed2, ed3, ecdsa, ecdsa384, rsa, rsa2, ca };
}, 60_000);

// --- helpers -------------------------------------------------------------------------------

const typeOf = (key: KeyPair): string => key.publicLine.split(' ')[0]!;
const base64Of = (key: KeyPair): string => key.publicLine.split(' ')[1]!;
const blobOf = (key: KeyPair): Buffer => keyBlobFromPublicKeyLine(key.publicLine);
/** "type base64" without the comment. */
const keyField = (key: KeyPair): string => `${typeOf(key)} ${base64Of(key)}`;
const presented = (key: KeyPair): { keyType: string; keyBlob: Buffer } => ({ keyType: typeOf(key), keyBlob: blobOf(key) });

/** The length-prefixed fields of a real key blob, to derive subtly broken keys from it. */
function blobFields(blob: Buffer): Buffer[] {
  const fields: Buffer[] = [];
  for (let offset = 0; offset < blob.length; offset += 4 + blob.readUInt32BE(offset)) {
    fields.push(blob.subarray(offset + 4, offset + 4 + blob.readUInt32BE(offset)));
  }
  return fields;
}

function blobOfFields(fields: readonly Buffer[]): string {
  const lengthPrefix = (field: Buffer): Buffer => {
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32BE(field.length);
    return prefix;
  };
  return Buffer.concat(fields.flatMap((field) => [lengthPrefix(field), field])).toString('base64');
}

let fileCounter = 0;
function writeKnownHosts(lines: readonly string[], eol = '\n'): string {
  const path = join(dir, `known_hosts_${++fileCounter}`);
  writeFileSync(path, lines.map((line) => line + eol).join(''));
  return path;
}

function parseFile(path: string): KnownHostEntry[] {
  return parseKnownHosts(readFileSync(path, 'utf8'), path);
}

/** The line numbers `ssh-keygen -F name` reports (it exits 1 when nothing is found). */
async function sshKeygenFind(name: string, file: string): Promise<number[]> {
  const result = await run('ssh-keygen', ['-F', name, '-f', file]);
  if (result.code !== 0 && result.code !== 1) throw new Error(`ssh-keygen -F failed: ${result.stderr}`);
  return [...result.stdout.matchAll(/^# Host \S+ found: line (\d+)/gm)].map((m) => Number(m[1]));
}

/** Does OpenSSH's own key parser (`ssh-keygen -l`) accept this single known_hosts line? */
async function sshKeygenAccepts(line: string): Promise<boolean> {
  const result = await run('ssh-keygen', ['-l', '-f', writeKnownHosts([line])]);
  return result.code === 0;
}

function matchingLines(entries: readonly KnownHostEntry[], host: string, port: number): number[] {
  return entries.filter((entry) => entryMatchesHost(entry, host, port)).map((entry) => entry.line);
}

// --- parseKnownHosts -------------------------------------------------------------------------

describe('parseKnownHosts', () => {
  it('reads every field of plain lines, with fingerprints equal to ssh-keygen -lf', () => {
    const text = [`plain.example ${keys.ed.publicLine}`, `[10.1.2.3]:2222,alias ${keyField(keys.ecdsa)}`, `rsa.example ${keyField(keys.rsa)} a comment`].join('\n');
    const entries = parseKnownHosts(text, 'label');
    expect(entries).toEqual([
      { file: 'label', line: 1, marker: null, hostPatterns: 'plain.example', keyType: 'ssh-ed25519', keyBlob: blobOf(keys.ed), fingerprint: keys.ed.fingerprint },
      { file: 'label', line: 2, marker: null, hostPatterns: '[10.1.2.3]:2222,alias', keyType: 'ecdsa-sha2-nistp256', keyBlob: blobOf(keys.ecdsa), fingerprint: keys.ecdsa.fingerprint },
      { file: 'label', line: 3, marker: null, hostPatterns: 'rsa.example', keyType: 'ssh-rsa', keyBlob: blobOf(keys.rsa), fingerprint: keys.rsa.fingerprint },
    ]);
  });

  it('reads @revoked and @cert-authority markers, and tab separators', () => {
    const entries = parseKnownHosts(
      [`@revoked * ${keyField(keys.ed2)}`, `@cert-authority *.example ${keyField(keys.ca)}`, `\t tabbed.example\t${typeOf(keys.ed)}\t${base64Of(keys.ed)}\tcomment`].join('\n'),
      'f',
    );
    expect(entries.map((e) => [e.marker, e.hostPatterns, e.fingerprint])).toEqual([
      ['revoked', '*', keys.ed2.fingerprint],
      ['cert-authority', '*.example', keys.ca.fingerprint],
      [null, 'tabbed.example', keys.ed.fingerprint],
    ]);
  });

  it('skips comments, blank lines and garbage while keeping line numbers', () => {
    const text = ['# a comment', '', '   ', '\t# indented comment', `good1 ${keyField(keys.ed)}`, 'garbage line here', '@', `good2 ${keyField(keys.ecdsa)} # trailing`].join('\n');
    expect(parseKnownHosts(text, 'f').map((e) => [e.line, e.hostPatterns])).toEqual([
      [5, 'good1'],
      [8, 'good2'],
    ]);
  });

  /** Malformed key parts, each also rejected by OpenSSH's own parser (ssh-keygen -l). */
  const malformedKeyLines: ReadonlyArray<[string, (k: Keys) => string]> = [
    ['a host alone', () => 'just-a-host'],
    ['a key type without a key', (k) => `host ${typeOf(k.ed)}`],
    ['a truncated key', (k) => `host ${typeOf(k.ed)} ${base64Of(k.ed).slice(0, -4)}`],
    ['a bad base64 character', (k) => `host ${typeOf(k.ed)} ${base64Of(k.ed).slice(0, 20)}*${base64Of(k.ed).slice(21)}`],
    ['missing base64 padding', (k) => `host ${typeOf(k.ecdsa)} ${base64Of(k.ecdsa).replace(/=+$/, '')}`],
    ['a key type that does not match the key', (k) => `host ssh-rsa ${base64Of(k.ed)}`],
    ['another ecdsa curve than the key', (k) => `host ecdsa-sha2-nistp384 ${base64Of(k.ecdsa)}`],
    ['an upper-case key type', (k) => `host SSH-ED25519 ${base64Of(k.ed)}`],
    ['a certificate type', (k) => `host ssh-ed25519-cert-v01@openssh.com ${base64Of(k.ed)}`],
    ['a comment where the key type should be', (k) => `host #${typeOf(k.ed)} ${base64Of(k.ed)}`],
    ['an ed25519 key one byte short', (k) => `host ssh-ed25519 ${blobOfFields(blobFields(blobOf(k.ed)).map((f, i) => (i === 1 ? f.subarray(1) : f)))}`],
    ['an ecdsa key naming another curve inside', (k) => `host ecdsa-sha2-nistp256 ${blobOfFields(blobFields(blobOf(k.ecdsa)).map((f, i) => (i === 1 ? Buffer.from('nistp384') : f)))}`],
    ['an ecdsa key with a short point', (k) => `host ecdsa-sha2-nistp256 ${blobOfFields(blobFields(blobOf(k.ecdsa)).map((f, i) => (i === 2 ? f.subarray(0, 33) : f)))}`],
    ['an rsa key with an extra field', (k) => `host ssh-rsa ${blobOfFields([...blobFields(blobOf(k.rsa)), Buffer.from('extra')])}`],
    ['an rsa key with trailing bytes', (k) => `host ssh-rsa ${Buffer.concat([blobOf(k.rsa), Buffer.from([0, 0])]).toString('base64')}`],
    ['a key split by a space', (k) => `host ${typeOf(k.ed)} ${base64Of(k.ed).slice(0, 30)} ${base64Of(k.ed).slice(30)}`],
  ];

  it('rebuilds a real key exactly from its fields (so the broken variants differ only where intended)', () => {
    for (const key of Object.values(keys)) expect(blobOfFields(blobFields(blobOf(key)))).toBe(base64Of(key));
  });

  it.each(malformedKeyLines)('skips a line with %s, as OpenSSH does', async (_name, makeLine) => {
    const line = makeLine(keys);
    expect(parseKnownHosts(`${line}\nok.example ${keyField(keys.ed)}\n`, 'f').map((e) => e.line)).toEqual([2]);
    expect(await sshKeygenAccepts(line)).toBe(false);
  });

  it('skips lines with an unknown, repeated or tab-terminated marker, exactly where ssh-keygen -F finds nothing', async () => {
    const key = keyField(keys.ed);
    const lines = [
      `@bogus m.example ${key}`,
      `@revoked @revoked m.example ${key}`,
      `@revoked`,
      `@Revoked m.example ${key}`,
      // OpenSSH ends a marker at the first space in the line, so a tab after the marker only works without spaces later on.
      `@revoked\tm.example ${key}`,
      `@revoked\tm.example\t${key.replace(' ', '\t')}`,
      `@cert-authority m.example ${key}`,
      // A host field may not start with '@': it would be read as a (second) marker.
      `@m.example ${key}`,
      `@revoked @m.example ${key}`,
    ];
    const file = writeKnownHosts(lines);
    expect(parseFile(file).map((e) => e.line)).toEqual([6, 7]);
    expect(await sshKeygenFind('m.example', file)).toEqual([6, 7]);
    expect(await sshKeygenFind('@m.example', file)).toEqual([]);
  });

  it('accepts rsa-sha2-256/512 as the type word of an ssh-rsa key, like ssh-keygen -l does, and reports ssh-rsa', async () => {
    for (const word of ['rsa-sha2-256', 'rsa-sha2-512']) {
      const line = `rsa.example ${word} ${base64Of(keys.rsa)}`;
      expect(parseKnownHosts(line, 'f')).toEqual([expect.objectContaining({ keyType: 'ssh-rsa', fingerprint: keys.rsa.fingerprint })]);
      expect(await sshKeygenAccepts(line)).toBe(true);
    }
    expect(parseKnownHosts(`x rsa-sha2-512 ${base64Of(keys.ed)}`, 'f')).toEqual([]);
  });

  it('reads CRLF files exactly like LF files', () => {
    const lines = ['# comment', `crlf.example ${keyField(keys.ed)}`, `crlf.example ${keys.ecdsa.publicLine}`, '', `@revoked * ${keyField(keys.rsa)}`];
    const lf = parseKnownHosts(lines.join('\n'), 'f');
    const crlf = parseKnownHosts(lines.join('\r\n') + '\r\n', 'f');
    expect(lf).toHaveLength(3);
    expect(crlf).toEqual(lf);
  });

  it('reads a file ssh-keygen itself wrote (ssh-keygen -H output) in full', async () => {
    const file = writeKnownHosts([`one.example ${keyField(keys.ed)}`, `[two.example]:2222 ${keyField(keys.rsa)}`]);
    await runChecked('ssh-keygen', ['-H', '-f', file]);
    const entries = parseFile(file);
    expect(entries.map((e) => [e.line, e.fingerprint])).toEqual([
      [1, keys.ed.fingerprint],
      [2, keys.rsa.fingerprint],
    ]);
    expect(entries.every((e) => /^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}=$/.test(e.hostPatterns))).toBe(true);
  });
});

// --- knownHostsName --------------------------------------------------------------------------

describe('knownHostsName', () => {
  it.each<[string, number, string]>([
    ['example.com', 22, 'example.com'],
    ['127.0.0.1', 2222, '[127.0.0.1]:2222'],
    ['Example.COM', 22, 'example.com'],
    ['fe80::1', 22, 'fe80::1'],
    ['fe80::1', 2200, '[fe80::1]:2200'],
  ])('names %s port %d %j', (host, port, name) => {
    expect(knownHostsName(host, port)).toBe(name);
  });

  it.each([0, -1, 65536, 22.5, Number.NaN])('rejects port %d', (port) => {
    expect(() => knownHostsName('h', port)).toThrow(RangeError);
  });

  it('rejects an empty host', () => {
    expect(() => knownHostsName('', 22)).toThrow(RangeError);
  });
});

// --- entryMatchesHost, compared with ssh-keygen -F ------------------------------------------------

describe('entryMatchesHost on plain patterns', () => {
  let file: string;
  let entries: KnownHostEntry[];
  const long1022 = `${'*'.repeat(1022 - 'edge.example'.length)}edge.example`;
  const long1023 = `${'*'.repeat(1023 - 'edge2.example'.length)}edge2.example`;

  beforeAll(() => {
    const key = keyField(keys.ed);
    file = writeKnownHosts([
      '# patterns',
      `plain.example ${key}`,
      `[plain.example]:2222 ${key}`,
      `a.example,b.example,[c.example]:2200 ${key}`,
      `*.wild.example,!bad.wild.example ${key}`,
      `host? ${key}`,
      `[*.ports.example]:* ${key}`,
      `!neg-only.example ${key}`,
      `MiXeD.Example ${key}`,
      `@revoked *.wild.example ${keyField(keys.ed2)}`,
      `@cert-authority *.example ${keyField(keys.ca)}`,
      `10.0.0.?,fe80::1 ${key}`,
      `${long1022} ${key}`,
      `${long1023} ${key}`,
      `long.example,${'x'.repeat(1030)} ${key}`,
      `*-tail ${key}`,
    ]);
    entries = parseFile(file);
  });

  it('parsed every line of the fixture', () => {
    expect(entries.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  });

  const cases: ReadonlyArray<[string, number, number[]]> = [
    ['plain.example', 22, [2, 11]],
    ['PLAIN.Example', 22, [2, 11]],
    ['plain.example', 2222, [3]],
    ['plain.example', 2223, []],
    ['a.example', 22, [4, 11]],
    ['b.example', 22, [4, 11]],
    ['c.example', 2200, [4]],
    ['c.example', 22, [11]],
    ['x.wild.example', 22, [5, 10, 11]],
    ['bad.wild.example', 22, [10, 11]],
    ['wild.example', 22, [11]],
    ['x.wild.example', 2222, []],
    ['host1', 22, [6]],
    ['host12', 22, []],
    ['host', 22, []],
    ['x.ports.example', 2222, [7]],
    ['x.ports.example', 22, [11]],
    ['neg-only.example', 22, [11]],
    ['mixed.example', 22, [9, 11]],
    ['10.0.0.5', 22, [12]],
    ['10.0.0.50', 22, []],
    ['fe80::1', 22, [12]],
    ['fe80::1', 2222, []],
    ['edge.example', 22, [11, 13]],
    ['edge2.example', 22, [11]],
    ['long.example', 22, [11]],
    ['*x-tail', 22, [16]],
  ];

  it.each(cases)('%s port %d matches lines %j, the same lines ssh-keygen -F finds', async (host, port, expected) => {
    expect(matchingLines(entries, host, port)).toEqual(expected);
    // ssh-keygen -F does not lowercase its argument (ssh does), so ask it with the lowercased name.
    expect(await sshKeygenFind(knownHostsName(host, port), file)).toEqual(expected);
  });

  it('answers on a pattern that makes naive backtracking explode', () => {
    // 60 stars against 900 characters: a backtracking matcher tries more ways than it could in
    // years and never reaches the assertion; the linear one answers at once. No clock is read.
    const entry = parseKnownHosts(`${'*a'.repeat(60)}b ${keyField(keys.ed)}`, 'f')[0]!;
    expect(entryMatchesHost(entry, 'a'.repeat(900), 22)).toBe(false);
  });
});

describe('entryMatchesHost on hashed files (ssh-keygen -H)', () => {
  let file: string;
  let entries: KnownHostEntry[];

  beforeAll(async () => {
    file = writeKnownHosts([
      `myhost.example ${keyField(keys.ed)}`,
      `[127.0.0.1]:2222 ${keyField(keys.ed2)}`,
      `[127.0.0.1]:2222 ${keyField(keys.ecdsa)}`,
      `multi-a.example,multi-b.example ${keyField(keys.rsa)}`,
      `Upper.Example ${keyField(keys.ed3)}`,
      `*.wild.example ${keyField(keys.ed)}`,
    ]);
    await runChecked('ssh-keygen', ['-H', '-f', file]);
    entries = parseFile(file);
  });

  it('hashed every literal name, one name per line, and left the wildcard line alone', () => {
    const fields = entries.map((e) => e.hostPatterns);
    expect(fields.filter((f) => f.startsWith('|1|'))).toHaveLength(6); // the comma list became two lines
    expect(fields).toContain('*.wild.example');
    expect(fields.join('\n')).not.toMatch(/myhost|127\.0\.0\.1|multi|upper/i);
  });

  it.each<[string, number, string[]]>([
    ['myhost.example', 22, ['ed']],
    ['myhost.example', 2222, []],
    ['127.0.0.1', 2222, ['ed2', 'ecdsa']],
    ['127.0.0.1', 22, []],
    ['multi-a.example', 22, ['rsa']],
    ['multi-b.example', 22, ['rsa']],
    ['multi-c.example', 22, []],
    ['upper.example', 22, ['ed3']],
    ['UPPER.example', 22, ['ed3']],
    ['x.wild.example', 22, ['ed']],
  ])('%s port %d matches the entries of %j, as ssh-keygen -F finds them', async (host, port, keyNames) => {
    const matched = entries.filter((entry) => entryMatchesHost(entry, host, port));
    expect(matched.map((e) => e.fingerprint)).toEqual(keyNames.map((name) => keys[name as keyof Keys].fingerprint));
    expect(await sshKeygenFind(knownHostsName(host, port), file)).toEqual(matched.map((e) => e.line));
  });

  it('gives verdicts on hashed entries for [host]:port and plain host', () => {
    const ed2 = entries.find((e) => e.fingerprint === keys.ed2.fingerprint)!;
    expect(checkHostKey(entries, '127.0.0.1', 2222, presented(keys.ed2))).toEqual({ kind: 'trusted', entry: ed2 });
    expect(checkHostKey(entries, '127.0.0.1', 2222, presented(keys.ed3))).toEqual({ kind: 'changed', recorded: [ed2] });
    expect(checkHostKey(entries, '127.0.0.1', 2222, presented(keys.ecdsa))).toMatchObject({ kind: 'trusted', entry: { fingerprint: keys.ecdsa.fingerprint } });
    expect(checkHostKey(entries, 'myhost.example', 22, presented(keys.ed))).toMatchObject({ kind: 'trusted', entry: { fingerprint: keys.ed.fingerprint } });
    expect(checkHostKey(entries, '127.0.0.1', 22, presented(keys.ed2))).toEqual({ kind: 'unknown', otherKeyTypesKnown: [] });
  });

  it('does not match a hashed field whose salt is not 20 bytes, even with the right HMAC (nor does ssh-keygen -F)', async () => {
    const salt = Buffer.alloc(16, 7);
    const field = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('short-salt.example').digest('base64')}`;
    const file = writeKnownHosts([`${field} ${keyField(keys.ed)}`]);
    const [entry] = parseFile(file);
    expect(entry?.hostPatterns).toBe(field);
    expect(entryMatchesHost(entry!, 'short-salt.example', 22)).toBe(false);
    expect(await sshKeygenFind('short-salt.example', file)).toEqual([]);
  });

  it('does not match a hashed field whose hash was tampered with', () => {
    const entry = entries[0]!;
    const [, magic, salt, hash] = entry.hostPatterns.split('|');
    const flipped = `${hash!.startsWith('A') ? 'B' : 'A'}${hash!.slice(1)}`;
    const tampered = { ...entry, hostPatterns: `|${magic}|${salt}|${flipped}` };
    expect(entryMatchesHost(entry, 'myhost.example', 22)).toBe(true);
    expect(entryMatchesHost(tampered, 'myhost.example', 22)).toBe(false);
  });
});

// --- checkHostKey ------------------------------------------------------------------------------

describe('checkHostKey', () => {
  it('trusts each of several key types recorded for one host', () => {
    const entries = parseKnownHosts([`multi.example ${keyField(keys.ed)}`, `multi.example ${keyField(keys.ecdsa)}`, `multi.example ${keyField(keys.rsa)}`].join('\n'), 'f');
    expect(checkHostKey(entries, 'multi.example', 22, presented(keys.ed))).toEqual({ kind: 'trusted', entry: entries[0] });
    expect(checkHostKey(entries, 'multi.example', 22, presented(keys.ecdsa))).toEqual({ kind: 'trusted', entry: entries[1] });
    expect(checkHostKey(entries, 'multi.example', 22, presented(keys.rsa))).toEqual({ kind: 'trusted', entry: entries[2] });
  });

  it('reports a changed key of the same type with the recorded entries, file and line, across files', async () => {
    const first = writeKnownHosts(['# first', `[127.0.0.1]:2222 ${keyField(keys.ed)}`, `other.example ${keyField(keys.ed2)}`]);
    const second = writeKnownHosts([`[127.0.0.1]:2222 ${keyField(keys.ecdsa)}`, `[127.0.0.1]:2222,x ${keyField(keys.ed3)}`]);
    const entries = await readKnownHostsFiles([first, second]);
    const verdict = checkHostKey(entries, '127.0.0.1', 2222, presented(keys.ed2));
    expect(verdict.kind).toBe('changed');
    if (verdict.kind !== 'changed') return;
    expect(verdict.recorded.map((e) => [e.file, e.line, e.fingerprint])).toEqual([
      [first, 2, keys.ed.fingerprint],
      [second, 2, keys.ed3.fingerprint],
    ]);
  });

  it('reports a changed RSA key when the server signs with rsa-sha2-512 (the blob type is what counts)', () => {
    const entries = parseKnownHosts(`rsa.example ${keyField(keys.rsa)}`, 'f');
    expect(checkHostKey(entries, 'rsa.example', 22, { keyType: 'rsa-sha2-512', keyBlob: blobOf(keys.rsa2) })).toEqual({ kind: 'changed', recorded: entries });
    expect(checkHostKey(entries, 'rsa.example', 22, { keyType: 'rsa-sha2-256', keyBlob: blobOf(keys.rsa) })).toEqual({ kind: 'trusted', entry: entries[0] });
  });

  it('calls a key unknown, listing the other key types on record, when only other types are recorded', () => {
    const entries = parseKnownHosts([`h.example ${keyField(keys.ed)}`, `h.example ${keyField(keys.rsa)}`, `elsewhere ${keyField(keys.ecdsa)}`].join('\n'), 'f');
    expect(checkHostKey(entries, 'h.example', 22, presented(keys.ecdsa))).toEqual({ kind: 'unknown', otherKeyTypesKnown: [entries[0], entries[1]] });
  });

  it('treats ecdsa curves as distinct key types', () => {
    const entries = parseKnownHosts(`h.example ${keyField(keys.ecdsa)}`, 'f');
    expect(checkHostKey(entries, 'h.example', 22, presented(keys.ecdsa384))).toEqual({ kind: 'unknown', otherKeyTypesKnown: entries });
    expect(keyTypeOfBlob(blobOf(keys.ecdsa384))).toBe('ecdsa-sha2-nistp384');
  });

  it('calls a host with no entries unknown', () => {
    expect(checkHostKey([], 'h.example', 22, presented(keys.ed))).toEqual({ kind: 'unknown', otherKeyTypesKnown: [] });
  });

  it('lets a matching @revoked entry win over a line that trusts the same key', () => {
    const entries = parseKnownHosts([`h.example ${keyField(keys.ed)}`, `@revoked * ${keyField(keys.ed)}`, `@revoked * ${keyField(keys.ecdsa)}`].join('\n'), 'f');
    expect(checkHostKey(entries, 'h.example', 22, presented(keys.ed))).toEqual({ kind: 'revoked', entry: entries[1] });
    expect(checkHostKey(entries, 'other.example', 2222, presented(keys.ecdsa))).toEqual({ kind: 'revoked', entry: entries[2] });
  });

  it('ignores a @revoked entry for another key or another host', () => {
    const entries = parseKnownHosts([`h.example ${keyField(keys.ed)}`, `@revoked h.example ${keyField(keys.ed2)}`, `@revoked elsewhere ${keyField(keys.ed)}`].join('\n'), 'f');
    expect(checkHostKey(entries, 'h.example', 22, presented(keys.ed))).toEqual({ kind: 'trusted', entry: entries[0] });
    expect(checkHostKey(entries, 'h.example', 22, presented(keys.ed3))).toEqual({ kind: 'changed', recorded: [entries[0]] });
  });

  it('ignores @cert-authority entries: neither trusted nor a reason for "changed"', () => {
    const entries = parseKnownHosts([`@cert-authority *.example ${keyField(keys.ca)}`, `@cert-authority *.example ${keyField(keys.ed)}`].join('\n'), 'f');
    expect(checkHostKey(entries, 'h.example', 22, presented(keys.ca))).toEqual({ kind: 'unknown', otherKeyTypesKnown: [] });
    expect(checkHostKey(entries, 'h.example', 22, presented(keys.ed2))).toEqual({ kind: 'unknown', otherKeyTypesKnown: [] });
  });

  it('trusts a key when one line matches even if another holds an older key of the same type', () => {
    const entries = parseKnownHosts([`h.example ${keyField(keys.ed2)}`, `h.example,other ${keyField(keys.ed)}`].join('\n'), 'f');
    expect(checkHostKey(entries, 'h.example', 22, presented(keys.ed))).toEqual({ kind: 'trusted', entry: entries[1] });
  });

  it('honours negation: a negated host is not covered by the entry', () => {
    const entries = parseKnownHosts(`*.example,!bad.example ${keyField(keys.ed)}`, 'f');
    expect(checkHostKey(entries, 'good.example', 22, presented(keys.ed))).toEqual({ kind: 'trusted', entry: entries[0] });
    expect(checkHostKey(entries, 'bad.example', 22, presented(keys.ed))).toEqual({ kind: 'unknown', otherKeyTypesKnown: [] });
  });

  it('refuses a presented key type that contradicts the blob, and a malformed blob', () => {
    expect(() => checkHostKey([], 'h', 22, { keyType: 'ssh-ed25519', keyBlob: blobOf(keys.rsa) })).toThrow(/does not match/);
    expect(() => checkHostKey([], 'h', 22, { keyType: 'ssh-ed25519', keyBlob: Buffer.from([0, 0, 0, 99]) })).toThrow(/Malformed/);
  });
});

describe('knownKeyTypes', () => {
  it('lists the plain key types for host:port in file order, once each', () => {
    const entries = parseKnownHosts(
      [
        `@revoked * ${keyField(keys.ed3)}`,
        `@cert-authority * ${keyField(keys.ca)}`,
        `[h.example]:2222 ${keyField(keys.ecdsa)}`,
        `h.example ${keyField(keys.rsa)}`,
        `[h.example]:2222 ${keyField(keys.rsa)}`,
        `[h.example]:2222 ${keyField(keys.rsa2)}`,
        `[h.example]:2222 ${keyField(keys.ecdsa384)}`,
        `other ${keyField(keys.ed)}`,
      ].join('\n'),
      'f',
    );
    expect(knownKeyTypes(entries, 'h.example', 2222)).toEqual(['ecdsa-sha2-nistp256', 'ssh-rsa', 'ecdsa-sha2-nistp384']);
    expect(knownKeyTypes(entries, 'h.example', 22)).toEqual(['ssh-rsa']);
    expect(knownKeyTypes(entries, 'nobody.example', 22)).toEqual([]);
  });
});

// --- keyTypeOfBlob and formatKnownHostsLine ---------------------------------------------------

describe('keyTypeOfBlob', () => {
  it('reads the type name of real keys', () => {
    for (const key of Object.values(keys)) expect(keyTypeOfBlob(blobOf(key))).toBe(typeOf(key));
  });

  it('reads a blob that is a view into a larger buffer', () => {
    const blob = blobOf(keys.ecdsa);
    const padded = Buffer.concat([Buffer.from('junk'), blob]).subarray(4);
    expect(keyTypeOfBlob(padded)).toBe('ecdsa-sha2-nistp256');
  });

  it.each<[string, Buffer]>([
    ['an empty blob', Buffer.alloc(0)],
    ['a cut length prefix', Buffer.from([0, 0, 0])],
    ['a name longer than the blob', Buffer.concat([Buffer.from([0, 0, 0, 10]), Buffer.from('ssh-rsa')])],
    ['an empty name', Buffer.from([0, 0, 0, 0])],
    ['a name with control bytes', Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('a\nb')])],
  ])('throws on %s', (_name, blob) => {
    expect(() => keyTypeOfBlob(blob)).toThrow(/Malformed SSH public key blob/);
  });
});

describe('formatKnownHostsLine', () => {
  const targets: ReadonlyArray<[string, number]> = [
    ['127.0.0.1', 2222],
    ['vm.example', 22],
    ['fe80::1', 2200],
  ];

  it('writes lines that parse back to the same key and match their host', () => {
    for (const key of Object.values(keys)) {
      for (const [host, port] of targets) {
        const line = formatKnownHostsLine(host, port, typeOf(key), blobOf(key));
        expect(line).toBe(`${knownHostsName(host, port)} ${typeOf(key)} ${base64Of(key)}`);
        const [entry, ...rest] = parseKnownHosts(line, 'f');
        expect(rest).toEqual([]);
        expect(entry).toMatchObject({ marker: null, keyType: typeOf(key), fingerprint: key.fingerprint });
        expect(entry!.keyBlob.equals(blobOf(key))).toBe(true);
        expect(entryMatchesHost(entry!, host, port)).toBe(true);
      }
    }
  });

  it('writes lines whose fingerprints ssh-keygen -l reads back and which ssh-keygen -F finds', async () => {
    const all = Object.values(keys);
    const file = writeKnownHosts(all.map((key) => formatKnownHostsLine('127.0.0.1', 2222, typeOf(key), blobOf(key))));
    const listed = await runChecked('ssh-keygen', ['-l', '-E', 'sha256', '-f', file]);
    expect([...listed.matchAll(/\b(SHA256:[A-Za-z0-9+/]+)/g)].map((m) => m[1])).toEqual(all.map((key) => key.fingerprint));
    expect(await sshKeygenFind('[127.0.0.1]:2222', file)).toEqual(all.map((_key, index) => index + 1));
  });

  it('lowercases the host and writes ssh-rsa for an rsa-sha2-512 key', () => {
    expect(formatKnownHostsLine('VM.Example', 2222, 'rsa-sha2-512', blobOf(keys.rsa))).toBe(`[vm.example]:2222 ssh-rsa ${base64Of(keys.rsa)}`);
  });

  it.each(['a,b', '*.example', 'host?', '!bad', 'two words', 'tab\there', '|1|x|y', '@revoked', '#c', '', 'new\nline'])('refuses to write host %j', (host) => {
    expect(() => formatKnownHostsLine(host, 22, typeOf(keys.ed), blobOf(keys.ed))).toThrow();
  });

  it('refuses a key type that does not match the blob, and a truncated blob', () => {
    expect(() => formatKnownHostsLine('h', 22, 'ssh-ed25519', blobOf(keys.rsa))).toThrow(/does not match/);
    expect(() => formatKnownHostsLine('h', 22, 'ssh-ed25519', blobOf(keys.ed).subarray(0, 40))).toThrow(/Not a supported/);
  });
});

// --- readKnownHostsFiles -----------------------------------------------------------------------

describe('readKnownHostsFiles', () => {
  it('reads files in order, labels entries with their path, and treats a missing file as empty', async () => {
    const first = writeKnownHosts([`a ${keyField(keys.ed)}`]);
    const second = writeKnownHosts(['# only a comment', `b ${keyField(keys.ecdsa)}`], '\r\n');
    const entries = await readKnownHostsFiles([join(dir, 'does-not-exist'), first, join(dir, 'nope', 'deeper'), second]);
    expect(entries.map((e) => [e.file, e.line, e.hostPatterns])).toEqual([
      [first, 1, 'a'],
      [second, 2, 'b'],
    ]);
    expect(await readKnownHostsFiles([])).toEqual([]);
  });

  it('propagates other read errors', async () => {
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    await expect(readKnownHostsFiles([directory])).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

// --- fuzz ----------------------------------------------------------------------------------------

const FUZZ_ALPHABET = ' \t\r\n#@|,!*?[]:=+/AZaz09.-\u00e9\u0000';

function mutate(text: string, random: () => number): string {
  const at = (): number => Math.floor(random() * (text.length + 1));
  const chars = (): string => Array.from({ length: 1 + Math.floor(random() * 8) }, () => FUZZ_ALPHABET[Math.floor(random() * FUZZ_ALPHABET.length)]).join('');
  const start = at();
  const end = Math.min(text.length, start + Math.floor(random() * 40));
  switch (Math.floor(random() * 6)) {
    case 0:
      return text.slice(0, start); // truncate
    case 1:
      return text.slice(0, start) + text.slice(end); // delete a run
    case 2:
      return text.slice(0, start) + chars() + text.slice(start); // insert
    case 3:
      return text.slice(0, start) + chars() + text.slice(start + 1); // overwrite
    case 4:
      return text.slice(0, start) + text.slice(start, end).repeat(2) + text.slice(end); // duplicate a run
    default:
      return text.slice(0, start) + text.slice(end, end + 20) + text.slice(start, end) + text.slice(end + 20); // swap runs
  }
}

describe('parseKnownHosts under fuzzing', () => {
  // 2000 rounds of parse, hash and match: about 0.5 s on an idle core, several times that
  // while CI's two cores also run an integration file; the 5 s default is too close.
  it('never throws, yields only well-formed entries, and parses each of 2000 seeded mutations within 1 s of CPU', { timeout: 30_000 }, async () => {
    const plain = writeKnownHosts([`h.example ${keyField(keys.ed)}`, `[127.0.0.1]:2222 ${keyField(keys.ecdsa)}`]);
    await runChecked('ssh-keygen', ['-H', '-f', plain]);
    const base = [
      '# fuzz base',
      readFileSync(plain, 'utf8').trimEnd(),
      `*.example,!bad.example ${keys.rsa.publicLine}`,
      `@revoked * ${keyField(keys.ed2)}`,
      `@cert-authority *.example ${keyField(keys.ca)}\r`,
      `[h.example]:2222 ${keyField(keys.ecdsa384)} comment`,
    ].join('\n');
    expect(parseKnownHosts(base, 'fuzz')).toHaveLength(6);

    const random = prng(0x5eed);
    const timer = new InputTimer('known_hosts');
    let parsedEntries = 0;
    for (let i = 0; i < 2000; i++) {
      let text = base;
      const rounds = 1 + Math.floor(random() * 4);
      for (let r = 0; r < rounds; r++) text = mutate(text, random);
      const entries = timer.runSync(() => `mutation ${i}: ${JSON.stringify(text)}`, () => parseKnownHosts(text, 'fuzz'));
      const lineCount = text.split('\n').length;
      for (const entry of entries) {
        expect(keyTypeOfBlob(entry.keyBlob)).toBe(entry.keyType);
        expect(entry.fingerprint).toBe(sha256Fingerprint(entry.keyBlob));
        expect(entry.line).toBeGreaterThanOrEqual(1);
        expect(entry.line).toBeLessThanOrEqual(lineCount);
        entryMatchesHost(entry, 'h.example', 2222);
      }
      checkHostKey(entries, 'h.example', 22, presented(keys.ed));
      parsedEntries += entries.length;
    }
    timer.finish();
    // The mutations must leave many lines intact and break others, or the loop proves little.
    expect(parsedEntries).toBeGreaterThan(2000 * 2);
    expect(parsedEntries).toBeLessThan(2000 * 6);
  });
});
