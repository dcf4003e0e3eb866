/**
 * OpenSSH known_hosts files: parsing, host matching and the host-key verdict, following
 * OpenSSH's own rules (hostfile.c, match.c, sshkey.c) closely enough that a file `ssh`
 * accepts means the same thing here. Everything except readKnownHostsFiles is pure.
 *
 * Certificates are not supported: `@cert-authority` lines are parsed but never consulted,
 * and certificate key types in a line make it malformed.
 */
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { sha256Fingerprint } from '../shared/fingerprint';
import { asciiLower, globMatches } from '../shared/glob';

export interface KnownHostEntry {
  /** Path (or label) of the file it came from. */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  readonly marker: 'cert-authority' | 'revoked' | null;
  /** The raw first field, e.g. `|1|salt|hash` or `a.example,[b]:2222`. */
  readonly hostPatterns: string;
  /** The blob's key type, e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa` (also for lines written as `rsa-sha2-512`). */
  readonly keyType: string;
  /** The base64-decoded key. */
  readonly keyBlob: Buffer;
  /** sha256Fingerprint(keyBlob). */
  readonly fingerprint: string;
}

/**
 * Note for callers: OpenSSH itself (checked against 9.2) refuses with "REMOTE HOST
 * IDENTIFICATION HAS CHANGED" also when only keys of *other* types are recorded; here that
 * case is 'unknown' with otherKeyTypesKnown non-empty, so the caller decides how strict to be.
 */
export type HostKeyVerdict =
  | { readonly kind: 'trusted'; readonly entry: KnownHostEntry }
  | { readonly kind: 'unknown'; readonly otherKeyTypesKnown: readonly KnownHostEntry[] }
  /** A key of the same type is recorded for this host, with a different blob. */
  | { readonly kind: 'changed'; readonly recorded: readonly KnownHostEntry[] }
  | { readonly kind: 'revoked'; readonly entry: KnownHostEntry };

const DEFAULT_SSH_PORT = 22;

// ---------------------------------------------------------------------------------------------
// Key blobs

/**
 * The plain public key types OpenSSH reads from known_hosts, with the number of
 * length-prefixed fields in their wire-format blob (type name included). OpenSSH rejects a
 * line whose type it does not know, so an unknown or certificate type makes a line malformed.
 */
const KEY_BLOB_FIELDS: ReadonlyMap<string, number> = new Map([
  ['ssh-ed25519', 2],
  ['ssh-rsa', 3],
  ['ssh-dss', 5],
  ['ecdsa-sha2-nistp256', 3],
  ['ecdsa-sha2-nistp384', 3],
  ['ecdsa-sha2-nistp521', 3],
  ['sk-ssh-ed25519@openssh.com', 3],
  ['sk-ecdsa-sha2-nistp256@openssh.com', 4],
]);

/** Uncompressed EC point sizes (0x04 || X || Y), so a truncated ecdsa key is caught early. */
const EC_POINT_BYTES: Readonly<Record<string, number>> = { nistp256: 65, nistp384: 97, nistp521: 133 };

/**
 * RSA signature algorithm names that OpenSSH also accepts as the key type word of a line
 * (sshkey_type_from_name maps them to KEY_RSA); the key itself is still an `ssh-rsa` blob.
 */
const RSA_ALIASES: ReadonlySet<string> = new Set(['rsa-sha2-256', 'rsa-sha2-512']);

/** Splits a blob into its uint32-length-prefixed fields; null unless the fields cover it exactly. */
function splitBlobFields(blob: Uint8Array): Uint8Array[] | null {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const fields: Uint8Array[] = [];
  let offset = 0;
  while (offset < blob.byteLength) {
    if (offset + 4 > blob.byteLength) return null;
    const length = view.getUint32(offset);
    offset += 4;
    if (length > blob.byteLength - offset) return null;
    fields.push(blob.subarray(offset, offset + length));
    offset += length;
  }
  return fields;
}

function asciiOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Key type names are short printable ASCII; anything else is not a key blob. */
function isTypeName(name: string): boolean {
  return /^[\x21-\x7e]{1,64}$/.test(name);
}

/** The key type name inside an SSH wire-format public key blob (first length-prefixed string). Throws on a malformed blob. */
export function keyTypeOfBlob(blob: Uint8Array): string {
  if (blob.byteLength < 4) throw new Error('Malformed SSH public key blob: too short.');
  const length = new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(0);
  if (length > blob.byteLength - 4) throw new Error('Malformed SSH public key blob: type name runs past the end.');
  const name = asciiOf(blob.subarray(4, 4 + length));
  if (!isTypeName(name)) throw new Error('Malformed SSH public key blob: invalid type name.');
  return name;
}

/**
 * The blob's key type if it is a complete plain key of a type OpenSSH knows, else null.
 * This is the structural part of OpenSSH's sshkey_from_blob; it does not check curve points
 * or RSA sizes, which only matters for keys that could never be presented anyway.
 */
function validKeyType(blob: Uint8Array): string | null {
  const fields = splitBlobFields(blob);
  const type = fields?.[0] === undefined ? null : asciiOf(fields[0]);
  if (fields === null || type === null || KEY_BLOB_FIELDS.get(type) !== fields.length) return null;
  if (type === 'ssh-ed25519' && fields[1]?.byteLength !== 32) return null;
  const curve = /^ecdsa-sha2-(nistp\d+)$/.exec(type)?.[1];
  if (curve !== undefined && (asciiOf(fields[1] ?? new Uint8Array()) !== curve || fields[2]?.byteLength !== EC_POINT_BYTES[curve])) return null;
  return type;
}

/** Does the type word written in a line name this blob's type? */
function typeWordFits(word: string, blobType: string): boolean {
  return word === blobType || (blobType === 'ssh-rsa' && RSA_ALIASES.has(word));
}

/**
 * Strict base64 as OpenSSH's b64_pton reads a key: padding required, no stray characters.
 * Buffer.from is lenient (it ignores junk, missing padding and non-zero trailing bits), so
 * only text that re-encodes to itself is accepted.
 */
function decodeBase64Strict(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

// ---------------------------------------------------------------------------------------------
// Parsing

type Marker = KnownHostEntry['marker'];

const MARKERS: ReadonlyMap<string, Exclude<Marker, null>> = new Map([
  ['@cert-authority', 'cert-authority'],
  ['@revoked', 'revoked'],
]);

/** Only spaces and tabs separate fields in OpenSSH; other whitespace is part of a field. */
function fieldsOf(line: string): string[] {
  return line.split(/[ \t]+/).filter((field) => field.length > 0);
}

/**
 * Splits off an optional marker; undefined when the line has an unknown or repeated marker.
 * Faithful to OpenSSH's check_markers, which ends the marker at the first space anywhere in
 * the line and only falls back to a tab when there is no space at all: `@revoked<TAB>host key`
 * is therefore an invalid marker there, and must be here too.
 */
function splitMarker(line: string): { marker: Marker; rest: string } | undefined {
  if (!line.startsWith('@')) return { marker: null, rest: line };
  const space = line.indexOf(' ');
  const end = space !== -1 ? space : line.indexOf('\t');
  const marker = end === -1 ? undefined : MARKERS.get(line.slice(0, end));
  if (marker === undefined) return undefined;
  const rest = line.slice(end).replace(/^[ \t]+/, '');
  // Only one marker is allowed, so the host field may not start with '@'.
  return rest.startsWith('@') ? undefined : { marker, rest };
}

function parseLine(text: string, file: string, line: number): KnownHostEntry | null {
  const trimmed = text.replace(/^[ \t]+/, '');
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const split = splitMarker(trimmed);
  const [hostPatterns, typeWord, base64] = split === undefined ? [] : fieldsOf(split.rest);
  if (split === undefined || hostPatterns === undefined || typeWord === undefined || base64 === undefined) return null;
  const keyBlob = decodeBase64Strict(base64);
  const keyType = keyBlob === null ? null : validKeyType(keyBlob);
  if (keyBlob === null || keyType === null || !typeWordFits(typeWord, keyType)) return null;
  return { file, line, marker: split.marker, hostPatterns, keyType, keyBlob, fingerprint: sha256Fingerprint(keyBlob) };
}

/**
 * Parses one known_hosts file's text; skips blank lines, comments and malformed lines (never throws).
 * A leading UTF-8 BOM is kept, as OpenSSH keeps it: the first line's host then matches nothing.
 */
export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    // OpenSSH strips only '\n' but its base64 decoder skips a trailing '\r', so CRLF files work there too.
    const entry = parseLine(raw.replace(/\r+$/, ''), file, index + 1);
    if (entry !== null) entries.push(entry);
  });
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Host matching

/**
 * OpenSSH's name for host:port in known_hosts: "host" when port is 22, else "[host]:port".
 * Lowercased, as ssh does before every lookup and when it records a key.
 */
export function knownHostsName(host: string, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`Not a TCP port: ${port}`);
  if (host.length === 0) throw new RangeError('Empty host name.');
  // ssh lowercases the host before looking it up, which is what makes hashed entries case-insensitive.
  const name = asciiLower(host);
  return port === DEFAULT_SSH_PORT ? name : `[${name}]:${port}`;
}

/** OpenSSH copies each sub-pattern into a 1024-byte buffer and fails the whole list when one does not fit. */
const MAX_SUBPATTERN = 1022;

/**
 * match_pattern_list: true only when some sub-pattern matches and no negated one does. Each
 * sub-pattern goes through the shared linear matcher (main/shared/glob.ts), where OpenSSH's
 * recursive match_pattern is exponential on hostile patterns; '[' and ']' stay literal.
 */
function patternListMatches(name: string, list: string): boolean {
  let positive = false;
  for (const item of list.split(',')) {
    const negated = item.startsWith('!');
    const pattern = asciiLower(negated ? item.slice(1) : item);
    if (pattern.length > MAX_SUBPATTERN) return false;
    if (!globMatches(name, pattern)) continue;
    if (negated) return false;
    positive = true;
  }
  return positive;
}

const SHA1_BYTES = 20;

/**
 * A hashed field is `|1|base64(salt)|base64(HMAC-SHA1(salt, name))` and stands for exactly one
 * name: no lists, no wildcards. OpenSSH re-encodes and compares strings, so only the
 * canonical encoding ever matches.
 */
function hashedFieldMatches(field: string, name: string): boolean {
  const parts = /^\|1\|([^|]+)\|/.exec(field);
  const salt = parts?.[1] === undefined ? null : decodeBase64Strict(parts[1]);
  if (salt === null || salt.length !== SHA1_BYTES) return false;
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return field === `|1|${salt.toString('base64')}|${hash}`;
}

/**
 * Does this entry's host field match host:port? Handles comma lists, hashed `|1|salt|hmac`
 * fields, the `[host]:port` form, wildcards * and ?, and negation (a matching negated pattern
 * makes the whole entry not match). Case-insensitive host names.
 */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  const field = entry.hostPatterns;
  return field.startsWith('|') ? hashedFieldMatches(field, name) : patternListMatches(name, field);
}

// ---------------------------------------------------------------------------------------------
// Verdicts

/** Entries that apply to host:port, split by role. CA lines are dropped: Porthole does not accept certificates. */
function entriesForHost(entries: readonly KnownHostEntry[], host: string, port: number): { plain: KnownHostEntry[]; revoked: KnownHostEntry[] } {
  const matching = entries.filter((entry) => entry.marker !== 'cert-authority' && entryMatchesHost(entry, host, port));
  return { plain: matching.filter((entry) => entry.marker === null), revoked: matching.filter((entry) => entry.marker === 'revoked') };
}

/**
 * The presented key's type comes from its blob: a server signing with rsa-sha2-512 still has
 * an `ssh-rsa` key. A caller's differing type word is a bug we refuse to paper over.
 */
function presentedKeyType(presented: { keyType: string; keyBlob: Buffer }): string {
  const blobType = keyTypeOfBlob(presented.keyBlob);
  if (!typeWordFits(presented.keyType, blobType)) {
    throw new Error(`Presented key type ${presented.keyType} does not match its key blob (${blobType}).`);
  }
  return blobType;
}

/**
 * Decides what to do with the key a server presented, given all entries from all files.
 * @cert-authority entries are ignored (Porthole does not support certificates). A @revoked
 * entry whose host field matches and whose key equals the presented key wins over everything.
 * Throws if presented.keyType contradicts the blob or the blob is malformed.
 */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  presented: { keyType: string; keyBlob: Buffer },
): HostKeyVerdict {
  const keyType = presentedKeyType(presented);
  const { plain, revoked } = entriesForHost(entries, host, port);
  const sameKey = (entry: KnownHostEntry): boolean => entry.keyBlob.equals(presented.keyBlob);
  const revokedEntry = revoked.find(sameKey);
  if (revokedEntry) return { kind: 'revoked', entry: revokedEntry };
  // As in OpenSSH, one matching line is enough even if other lines hold older keys of the same type.
  const trusted = plain.find(sameKey);
  if (trusted) return { kind: 'trusted', entry: trusted };
  const recorded = plain.filter((entry) => entry.keyType === keyType);
  if (recorded.length > 0) return { kind: 'changed', recorded };
  return { kind: 'unknown', otherKeyTypesKnown: plain };
}

/** The key types recorded for host:port (non-revoked, non-CA), in file order, so the client can prefer them in negotiation like OpenSSH does. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const { plain } = entriesForHost(entries, host, port);
  return [...new Set(plain.map((entry) => entry.keyType))];
}

// ---------------------------------------------------------------------------------------------
// Writing and reading

/**
 * Only plain host names and IP literals are written: a comma, wildcard, '!' or whitespace
 * would turn the name into a pattern list or break the line, trusting more than was meant.
 */
const LITERAL_HOST = /^[A-Za-z0-9._%:-]+$/;

/** One known_hosts line for host:port (plain, not hashed, no newline): "[127.0.0.1]:2222 ssh-ed25519 AAAA...". */
export function formatKnownHostsLine(host: string, port: number, keyType: string, keyBlob: Buffer): string {
  if (!LITERAL_HOST.test(host)) throw new Error(`Refusing to write a known_hosts line for host name ${JSON.stringify(host)}.`);
  const blobType = validKeyType(keyBlob);
  if (blobType === null) throw new Error('Not a supported SSH public key blob.');
  if (!typeWordFits(keyType, blobType)) throw new Error(`Key type ${keyType} does not match its key blob (${blobType}).`);
  return `${knownHostsName(host, port)} ${blobType} ${keyBlob.toString('base64')}`;
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Reads and parses several files; a missing file is simply empty; other read errors propagate. */
export async function readKnownHostsFiles(paths: readonly string[]): Promise<KnownHostEntry[]> {
  const entries: KnownHostEntry[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isMissingFile(error)) continue;
      throw error;
    }
    entries.push(...parseKnownHosts(text, path));
  }
  return entries;
}
