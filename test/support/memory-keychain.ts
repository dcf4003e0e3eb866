/** A KeychainBackend in memory, for vault logic where the OS keychain itself is not the subject. */
import type { KeychainBackend } from '../../main/secrets';

export function memoryKeychain(): KeychainBackend {
  const entries = new Map<string, string>();
  return {
    getSecret: async (service, account) => entries.get(`${service}/${account}`) ?? null,
    setSecret: async (service, account, secret) => void entries.set(`${service}/${account}`, secret),
    deleteSecret: async (service, account) => entries.delete(`${service}/${account}`),
  };
}
