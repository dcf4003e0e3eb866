/** main/secrets: the encrypted vault whose key lives in the OS keychain. */
export type { KeychainBackend, SecretStore } from './types';
export { osKeychain, KEYRING_ENTRY_OPTIONS } from './os-keychain';
export { Vault, DEFAULT_KEYCHAIN_ACCOUNT, DEFAULT_KEYCHAIN_SERVICE, VAULT_FILE_NAME, type VaultOptions } from './vault';
export { classifyKeychainError, keychainUnavailable, type DamageReason, type KeychainProblem, type SecretsErrorCode } from './errors';
