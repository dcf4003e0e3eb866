/**
 * main/keys: the keys users already have (OpenSSH, PEM, PKCS#8, PuTTY .ppk v2/v3), converted
 * in memory to OpenSSH format for ssh2; new keys; fingerprints; installing a public key on
 * a server; and the named key store over the vault. Key derivation, decryption and
 * generation run on a worker thread (key-work.ts), so they never stall the main thread.
 */
export { inspectKey, suggestName, type KeyInspection } from './inspect';
export { importKey, importKeyFile, importKeyText, MAX_KEY_FILE_BYTES, type AskPassphrase, type ImportOptions, type KeySource } from './import';
export { keyInfo, type ImportedKey, type KeyFormat, type KeyInfo } from './imported-key';
export { generateKey, DEFAULT_RSA_BITS, type GenerateOptions, type GeneratedKeyType } from './generate';
export { installPublicKey, type InstallOptions, type InstallResult } from './install';
export { KeyStore, type AddOptions, type KeyStoreEntry } from './key-store';
export { SUPPORTED_KEY_TYPES, type SshKeyType } from './material';
export { sha256Fingerprint } from './wire';
export { parseKeyOffThread } from './unlock';
export { stopKeyWorker } from './key-work';
