/** Host profiles: the schema, the store, and the importers (ssh_config, PuTTY). */
export {
  CURRENT_VERSION,
  hostProblem,
  userProblem,
  validateProfile,
  type AwsLink,
  type AzureLink,
  type CloudLink,
  type CloudLinkInput,
  type JumpHost,
  type JupyterEnv,
  type JupyterHub,
  type JupyterOptions,
  type KeyRef,
  type Profile,
  type ProfileForward,
  type ProfileInput,
} from './schema';
export { openDefaultProfileStore, ProfileStore, PROFILES_FILE, type ProfilePatch, type ProfileStoreNotice, type ProfileStoreOptions } from './store';
export { importSshConfig, type SshConfigImportOptions } from './ssh-config-import';
export { parsePuttyReg, readPuttySessionsLive, PUTTY_SESSIONS_KEY, type PuttyLiveOptions } from './putty-import';
export { parseHop } from './endpoints';
export type { ImportResult, ImportSkip, ImportWarning } from './import-result';
