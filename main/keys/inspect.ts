/**
 * What a key file or pasted text is, before any passphrase is asked: the key import
 * wizard shows the format and type at once, and asks for a passphrase only when the key
 * has one. Unencrypted keys are simply imported (which checks them fully); encrypted ones
 * are read as far as their format allows without the passphrase (OpenSSH and .ppk keep the
 * public half in the clear, traditional PEM names the algorithm in its label).
 */
import { basename, extname } from 'node:path';
import { readFile } from 'node:fs/promises';
import { toErrorInfo, type PortholeErrorInfo } from '../shared/errors';
import { keyBlobFromPublicKeyLine, sha256Fingerprint } from '../shared/fingerprint';
import { pemLabels, readPemBlock } from './armor';
import { importKey, type KeySource } from './import';
import type { KeyFormat } from './imported-key';
import { WireReader } from './wire';

export type KeyInspection =
  | {
      readonly kind: 'private';
      readonly format: Exclude<KeyFormat, 'generated'>;
      readonly type: string | null;
      readonly encrypted: boolean;
      readonly fingerprint: string | null;
      readonly comment: string;
      readonly suggestedName: string;
    }
  | { readonly kind: 'public'; readonly type: string; readonly fingerprint: string | null; readonly comment: string }
  | { readonly kind: 'invalid'; readonly error: PortholeErrorInfo };

export async function inspectKey(source: KeySource): Promise<KeyInspection> {
  try {
    const key = await importKey(source);
    if (key.format === 'generated') throw new Error('unreachable: imports are never "generated"');
    return { kind: 'private', format: key.format, type: key.type, encrypted: false, fingerprint: key.fingerprint, comment: key.comment, suggestedName: suggestName(source, key.comment) };
  } catch (error) {
    const info = toErrorInfo(error);
    if (info.code === 'keys.passphrase-required') {
      const bytes = await bytesOf(source);
      const facts = bytes ? sniffEncrypted(bytes) : null;
      if (facts) return { kind: 'private', encrypted: true, ...facts, suggestedName: suggestName(source, facts.comment) };
      return { kind: 'invalid', error: info };
    }
    if (info.code === 'keys.public-key-given') {
      const bytes = await bytesOf(source);
      return { kind: 'public', ...publicFacts(bytes?.toString('utf8') ?? '') };
    }
    return { kind: 'invalid', error: info };
  }
}

/** The bytes again, for sniffing; importKey has already checked the file is there and small. */
async function bytesOf(source: KeySource): Promise<Buffer | null> {
  if ('text' in source) return typeof source.text === 'string' ? Buffer.from(source.text, 'utf8') : source.text;
  return readFile(source.path).catch(() => null);
}

/** A key name from the file name (mykey.pem -> mykey), else the comment, made valid for the key store. */
export function suggestName(source: KeySource, comment: string): string {
  const fromFile = 'path' in source ? basename(source.path, extname(source.path)) : 'label' in source && source.label ? basename(source.label, extname(source.label)) : '';
  const raw = fromFile && !/^id_(rsa|ed25519|ecdsa|dsa)$/.test(fromFile) ? fromFile : comment.split('@')[0] || fromFile || 'my-key';
  const clean = raw.replace(/[^\p{L}\p{N} ._@+-]/gu, '-').replace(/^[^\p{L}\p{N}]+/u, '').slice(0, 64).trim();
  return clean || 'my-key';
}

type EncryptedFacts = { format: Exclude<KeyFormat, 'generated'>; type: string | null; fingerprint: string | null; comment: string };

function sniffEncrypted(bytes: Buffer): EncryptedFacts | null {
  const text = bytes.toString('latin1');
  const ppk = /^PuTTY-User-Key-File-(\d+):\s*(\S+)/m.exec(text);
  if (ppk) {
    const comment = /^Comment:\s*(.*)$/m.exec(text)?.[1]?.trim() ?? '';
    return { format: ppk[1] === '2' ? 'ppk-v2' : 'ppk-v3', type: ppk[2] ?? null, fingerprint: ppkFingerprint(text), comment };
  }
  const labels = pemLabels(text);
  if (labels.includes('OPENSSH PRIVATE KEY')) {
    try {
      const reader = new WireReader(readPemBlock(text, 'OPENSSH PRIVATE KEY').body, 'the key');
      reader.bytes('openssh-key-v1\0'.length);
      reader.string(); // cipher
      reader.string(); // kdf
      reader.string(); // kdf options
      reader.uint32(); // number of keys
      const blob = reader.string();
      const type = new WireReader(blob, 'the public key').text();
      return { format: 'openssh', type, fingerprint: sha256Fingerprint(blob), comment: '' };
    } catch {
      return { format: 'openssh', type: null, fingerprint: null, comment: '' };
    }
  }
  const traditional: Record<string, string> = { 'RSA PRIVATE KEY': 'ssh-rsa', 'EC PRIVATE KEY': 'ecdsa', 'DSA PRIVATE KEY': 'ssh-dss' };
  for (const label of labels) if (traditional[label]) return { format: 'pem', type: traditional[label]!, fingerprint: null, comment: '' };
  if (labels.includes('ENCRYPTED PRIVATE KEY')) return { format: 'pkcs8', type: null, fingerprint: null, comment: '' };
  if (bytes[0] === 0x30) return { format: 'der', type: null, fingerprint: null, comment: '' };
  return null;
}

function ppkFingerprint(text: string): string | null {
  const match = /^Public-Lines:\s*(\d+)\s*$/m.exec(text);
  if (!match) return null;
  const count = Number(match[1]);
  if (!Number.isInteger(count) || count < 1 || count > 1000) return null;
  const after = text.slice(match.index + match[0].length).split(/\r?\n/).filter((line, index) => index > 0 || line !== '');
  const base64 = after.slice(0, count).join('').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  return sha256Fingerprint(Buffer.from(base64, 'base64'));
}

function publicFacts(text: string): { type: string; fingerprint: string | null; comment: string } {
  const line = text.split(/\r?\n/).find((l) => /\bAAAA[A-Za-z0-9+/]/.test(l)) ?? '';
  const parts = line.trim().split(/\s+/);
  const typeIndex = parts.findIndex((part) => /^(ssh-|ecdsa-|sk-)/.test(part));
  if (typeIndex >= 0) {
    try {
      const blob = keyBlobFromPublicKeyLine(parts.slice(typeIndex).join(' '));
      return { type: parts[typeIndex]!, fingerprint: sha256Fingerprint(blob), comment: parts.slice(typeIndex + 2).join(' ') };
    } catch {
      return { type: parts[typeIndex]!, fingerprint: null, comment: '' };
    }
  }
  return { type: 'unknown', fingerprint: null, comment: '' };
}
