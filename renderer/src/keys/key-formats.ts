import type { KeyFormatView } from '../../../main/ipc/contract';

/** Key formats in the words people know them by (the file they were given). */
export function describeFormat(format: KeyFormatView): string {
  switch (format) {
    case 'openssh':
      return 'OpenSSH private key';
    case 'pem':
      return 'PEM private key (like the .pem AWS gives you)';
    case 'pkcs8':
      return 'PKCS#8 private key';
    case 'der':
      return 'DER private key';
    case 'ppk-v2':
      return 'PuTTY key (.ppk, version 2)';
    case 'ppk-v3':
      return 'PuTTY key (.ppk, version 3)';
    case 'generated':
      return 'Made by Porthole';
  }
}

export function shortFormat(format: KeyFormatView): string {
  switch (format) {
    case 'openssh':
      return 'OpenSSH';
    case 'pem':
      return 'PEM';
    case 'pkcs8':
      return 'PKCS#8';
    case 'der':
      return 'DER';
    case 'ppk-v2':
      return 'PuTTY .ppk v2';
    case 'ppk-v3':
      return 'PuTTY .ppk v3';
    case 'generated':
      return 'Generated';
  }
}

/** "ssh-ed25519" -> "Ed25519"; "ssh-rsa" (+ bits) -> "RSA 4096". */
export function describeKeyType(type: string | null, bits?: number): string {
  if (type === null) return 'Shown after unlocking';
  const t = type.replace(/^ssh-/, '').toLowerCase();
  const name = t === 'ed25519' ? 'Ed25519' : t === 'rsa' ? 'RSA' : t === 'dss' || t === 'dsa' ? 'DSA' : t.startsWith('ecdsa') ? 'ECDSA' : type;
  return bits && name !== 'Ed25519' ? `${name} ${bits}` : name;
}
