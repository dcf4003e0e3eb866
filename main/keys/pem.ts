/**
 * Keys OpenSSL reads: traditional PEM ("BEGIN RSA/EC/DSA PRIVATE KEY", optionally encrypted
 * with Proc-Type/DEK-Info: what AWS hands out and `ssh-keygen -m PEM` writes), PKCS#8
 * ("BEGIN PRIVATE KEY" / "BEGIN ENCRYPTED PRIVATE KEY", `ssh-keygen -m PKCS8`, openssl
 * genpkey), and the same as binary DER. node:crypto decrypts and parses; the outer shape
 * is checked first, so a file cut short is called damaged and only a well-formed encrypted
 * key that fails to decrypt is called a wrong passphrase.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { toPem, type PemBlock } from './armor';
import { checkSingleSequence, DerReader, pkcs8AlgorithmOid, PKCS8_ALGORITHMS, TAG_OCTET_STRING, TAG_SEQUENCE } from './der';
import { KeyFormatError, passphraseRequired, unsupported, wrongPassphrase } from './errors';
import { dsaParametersFromPkcs8, materialFromKeyObject, type KeyMaterial } from './material';

export interface DecodedPem {
  readonly material: KeyMaterial;
  readonly encrypted: boolean;
}

export const TRADITIONAL_LABELS = ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY'] as const;
const USABLE_PKCS8_OIDS = new Set(['1.2.840.113549.1.1.1', '1.2.840.10045.2.1', '1.2.840.10040.4.1', '1.3.101.112']);

/** "BEGIN RSA PRIVATE KEY" and friends, possibly with Proc-Type: 4,ENCRYPTED and DEK-Info. */
export function decodeTraditionalPem(block: PemBlock, label: string, passphrase: string | undefined): DecodedPem {
  const procType = block.headers.get('Proc-Type');
  const encrypted = procType !== undefined && /ENCRYPTED/i.test(procType);
  if (!encrypted) {
    checkSingleSequence(block.body, 'the key data');
    return { material: materialFromKeyObject(openssl(block.text, undefined, () => new KeyFormatError('OpenSSL cannot read the key data')), label), encrypted };
  }
  const dekInfo = /^([A-Za-z0-9-]+),([0-9A-Fa-f]+)$/.exec(block.headers.get('DEK-Info') ?? '');
  if (!dekInfo) throw new KeyFormatError('the DEK-Info line that says how it is encrypted is missing or garbled');
  if (block.body.length % 8 !== 0) throw new KeyFormatError('the encrypted key data has an impossible length');
  if (passphrase === undefined) throw passphraseRequired(label);
  return { material: materialFromKeyObject(openssl(block.text, passphrase, () => wrongPassphrase(label)), label), encrypted };
}

/** "BEGIN PRIVATE KEY" (PKCS#8). */
export function decodePkcs8(block: PemBlock, label: string): DecodedPem {
  checkSingleSequence(block.body, 'the key data');
  refuseUnusableAlgorithm(block.body, label);
  checkPkcs8DsaSizes(block.body);
  return { material: materialFromKeyObject(openssl(block.text, undefined, () => new KeyFormatError('OpenSSL cannot read the key data')), label), encrypted: false };
}

/** "BEGIN ENCRYPTED PRIVATE KEY" (PKCS#8 EncryptedPrivateKeyInfo). */
export function decodeEncryptedPkcs8(block: PemBlock, label: string, passphrase: string | undefined): DecodedPem {
  checkEncryptedPkcs8Shape(block.body);
  if (passphrase === undefined) throw passphraseRequired(label);
  return { material: materialFromKeyObject(openssl(block.text, passphrase, () => wrongPassphrase(label)), label), encrypted: true };
}

/** Binary DER: PKCS#8 (plain or encrypted), PKCS#1 RSA or SEC1 EC. */
export function decodeDer(der: Buffer, label: string, passphrase: string | undefined): DecodedPem {
  checkSingleSequence(der, 'the key data');
  if (looksLikeEncryptedPkcs8(der)) return decodeEncryptedPkcs8({ label: 'ENCRYPTED PRIVATE KEY', headers: new Map(), body: der, text: toPem('ENCRYPTED PRIVATE KEY', der) }, label, passphrase);
  if (looksLikePkcs8(der)) return decodePkcs8({ label: 'PRIVATE KEY', headers: new Map(), body: der, text: toPem('PRIVATE KEY', der) }, label);
  for (const type of ['pkcs1', 'sec1'] as const) {
    try {
      return { material: materialFromKeyObject(createPrivateKey({ key: der, format: 'der', type }), label), encrypted: false };
    } catch (error) {
      if (!isOpenSslError(error)) throw error;
    }
  }
  throw new KeyFormatError('the binary key data is not a private key OpenSSL can read');
}

const DSA_OID = '1.2.840.10040.4.1';

/**
 * OpenSSL computes y = g^x mod p while it decodes a PKCS#8 DSA key, and a hostile file picks
 * p and x (a 32768-bit pair costs seconds of CPU): the sizes are checked here first.
 */
function checkPkcs8DsaSizes(der: Buffer): void {
  if (pkcs8AlgorithmOid(der) === DSA_OID) dsaParametersFromPkcs8(der);
}

function openssl(pem: string, passphrase: string | undefined, onFailure: () => Error): KeyObject {
  try {
    return createPrivateKey(passphrase === undefined ? { key: pem, format: 'pem' } : { key: pem, format: 'pem', passphrase });
  } catch (error) {
    const failure = onFailure();
    if (failure instanceof KeyFormatError) throw new KeyFormatError(failure.message, { cause: error });
    throw failure;
  }
}

function isOpenSslError(error: unknown): boolean {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

function refuseUnusableAlgorithm(der: Buffer, label: string): void {
  const oid = pkcs8AlgorithmOid(der);
  if (!USABLE_PKCS8_OIDS.has(oid)) throw unsupported(label, `a PKCS#8 key of type ${PKCS8_ALGORITHMS[oid] ?? `with algorithm ${oid}`}`);
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier SEQUENCE, encryptedData OCTET STRING } */
function checkEncryptedPkcs8Shape(der: Buffer): void {
  const info = new DerReader(der, 'the encrypted key data');
  const inner = info.sequence();
  info.end();
  inner.next(TAG_SEQUENCE);
  const data = inner.next(TAG_OCTET_STRING);
  inner.end();
  if (data.content.length === 0 || data.content.length % 8 !== 0) throw new KeyFormatError('the encrypted key data has an impossible length');
}

function looksLikeEncryptedPkcs8(der: Buffer): boolean {
  try {
    checkEncryptedPkcs8Shape(der);
    return true;
  } catch {
    return false;
  }
}

function looksLikePkcs8(der: Buffer): boolean {
  try {
    pkcs8AlgorithmOid(der);
    return true;
  } catch {
    return false;
  }
}
