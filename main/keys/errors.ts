/**
 * The ways a key import can fail, each with its own code and a message in the user's words.
 * Parsers throw KeyFormatError for "the bytes are not what this format says"; importKey
 * turns it into `keys.corrupt` naming the file, so the parsers never need to know the label.
 */
import { PortholeError } from '../shared/errors';

/** A structural problem inside a key file (bad length, bad encoding, inconsistent numbers). */
export class KeyFormatError extends Error {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'KeyFormatError';
  }
}

/** "the pasted key" -> "The pasted key" at the start of a sentence; file names stay as they are. */
function sentence(label: string): string {
  return label.startsWith('the ') ? `The ${label.slice(4)}` : label;
}

export function publicKeyGiven(label: string): PortholeError {
  return new PortholeError({
    code: 'keys.public-key-given',
    message: `${sentence(label)} is a public key. Porthole needs the private key to log in.`,
    hint: 'Choose the file without .pub next to it (for AWS, the .pem you downloaded when you created the key pair; for PuTTY, the .ppk).',
    retryable: false,
  });
}

export function passphraseRequired(label: string): PortholeError {
  return new PortholeError({
    code: 'keys.passphrase-required',
    message: `${sentence(label)} is protected by a passphrase.`,
    hint: 'Enter the passphrase chosen when the key was created (not the server password).',
    retryable: false,
  });
}

export function wrongPassphrase(label: string): PortholeError {
  return new PortholeError({
    code: 'keys.wrong-passphrase',
    message: `The passphrase for ${label} is wrong.`,
    hint: 'Type it again; it is the one chosen when the key was created, not the server password. If you are sure it is right, the file may be damaged: take a fresh copy.',
    retryable: false,
  });
}

export function corrupt(label: string, detail: string, cause?: unknown): PortholeError {
  return new PortholeError(
    {
      code: 'keys.corrupt',
      message: `${sentence(label)} is damaged or incomplete: ${detail}`,
      hint: 'Take a fresh copy of the key file (a download or copy-paste may have been cut short), then import it again.',
      retryable: false,
    },
    cause === undefined ? undefined : { cause },
  );
}

export function unsupported(label: string, what: string, hint?: string): PortholeError {
  return new PortholeError({
    code: 'keys.unsupported',
    message: `${sentence(label)} is ${what}, which Porthole cannot use.`,
    hint:
      hint ??
      'Porthole reads OpenSSH, PEM and PKCS#8 private keys and PuTTY .ppk files with RSA, ECDSA, Ed25519 or DSA keys. Convert the key with PuTTYgen (Conversions > Export OpenSSH key) or ssh-keygen.',
    retryable: false,
  });
}

export function unreadable(label: string, reason: string, cause?: unknown): PortholeError {
  return new PortholeError(
    {
      code: 'keys.unreadable',
      message: `Cannot read ${label}: ${reason}.`,
      hint: 'Check the path and that you may read the file.',
      retryable: false,
    },
    cause === undefined ? undefined : { cause },
  );
}

export function unknownFormat(label: string): PortholeError {
  return new PortholeError({
    code: 'keys.unsupported',
    message: `${sentence(label)} is not in any private key format Porthole knows.`,
    hint: 'Choose your SSH private key: an OpenSSH key (id_ed25519, id_rsa), a .pem from AWS or Azure, or a PuTTY .ppk file.',
    retryable: false,
  });
}
