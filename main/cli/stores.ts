/** The on-disk stores the CLI works with, all under the data folder (PORTHOLE_HOME). */
import { dataDir } from '../shared/data-dir';
import { KeyStore } from '../keys';
import { openDefaultProfileStore, type ProfileStore } from '../profiles';
import { Vault } from '../secrets';

export async function openVault(): Promise<Vault> {
  return Vault.open({ dir: dataDir() });
}

export async function openKeyStore(): Promise<KeyStore> {
  return new KeyStore(await openVault());
}

export function openProfileStore(): Promise<ProfileStore> {
  return openDefaultProfileStore();
}
