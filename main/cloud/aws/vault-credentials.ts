/**
 * AWS access keys kept in Porthole's vault, for people who were handed a key pair (a
 * course's IAM user) and have no AWS CLI. One vault record per key, id `cloud/aws/<name>`,
 * holding JSON {accessKeyId, secretAccessKey, sessionToken?}. The secret never leaves this
 * module except to the SDK's signer; listings show only the name and a masked key id.
 */
import { PortholeError } from '../../shared/errors';
import type { SecretStore } from '../../secrets';

export interface AwsAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Only for temporary credentials (key ids starting ASIA), which expire. */
  readonly sessionToken?: string;
}

export interface AwsAccessKeyEntry {
  readonly name: string;
  /** `AKIA…MPLE`: enough to tell keys apart, too little to matter. */
  readonly accessKeyId: string;
  readonly temporary: boolean;
}

const PREFIX = 'cloud/aws/';

export function awsCredentialSecretId(name: string): string {
  return `${PREFIX}${name}`;
}

/** Names as the CLI and the app accept them: a letter or digit, then letters, digits, . _ - @ +. */
export function checkCredentialName(name: string): string {
  const trimmed = name.trim();
  if (!/^[\p{L}\p{N}][\p{L}\p{N}._@+-]{0,63}$/u.test(trimmed)) {
    throw new PortholeError({
      code: 'aws.invalid-credential-name',
      message: `"${name}" cannot name an access key.`,
      hint: 'Use up to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit (e.g. course-2025).',
      retryable: false,
    });
  }
  return trimmed;
}

/** Checks the shape of a key pair before it is stored; says which part is wrong, never echoing the secret. */
export function checkAccessKey(input: { accessKeyId?: unknown; secretAccessKey?: unknown; sessionToken?: unknown }): AwsAccessKey {
  const invalid = (what: string, hint: string) => new PortholeError({ code: 'aws.invalid-access-key', message: `That is not a usable AWS access key: ${what}.`, hint, retryable: false });
  const id = typeof input.accessKeyId === 'string' ? input.accessKeyId.trim() : '';
  const secret = typeof input.secretAccessKey === 'string' ? input.secretAccessKey.trim() : '';
  const token = typeof input.sessionToken === 'string' ? input.sessionToken.trim() : '';
  if (!/^[A-Z0-9]{16,128}$/.test(id)) throw invalid('the access key id should be 16 or more capital letters and digits (like AKIAIOSFODNN7EXAMPLE)', 'Copy the "Access key ID" column of the key you were given.');
  if (secret.length < 16 || /\s/.test(secret)) throw invalid('the secret access key is missing or has spaces in it', 'Copy the "Secret access key" exactly; it is shown only once, when the key is created.');
  if (/^ASIA/.test(id) && token === '') throw invalid(`${maskKeyId(id)} is a temporary key and needs its session token`, 'Give the session token too (AWS_SESSION_TOKEN), or use a long-term key (AKIA…).');
  return { accessKeyId: id, secretAccessKey: secret, ...(token !== '' ? { sessionToken: token } : {}) };
}

export async function saveAwsAccessKey(store: SecretStore, name: string, key: AwsAccessKey, options: { replace?: boolean } = {}): Promise<AwsAccessKeyEntry> {
  const checkedName = checkCredentialName(name);
  const checked = checkAccessKey(key);
  const id = awsCredentialSecretId(checkedName);
  if (!options.replace && (await store.get(id)) !== null) {
    throw new PortholeError({
      code: 'aws.credential-exists',
      message: `An AWS access key named "${checkedName}" is already kept in Porthole.`,
      hint: 'Choose another name, or replace it (`porthole aws credentials add NAME --replace`).',
      retryable: false,
    });
  }
  await store.set(id, JSON.stringify(checked));
  return entryOf(checkedName, checked);
}

export async function listAwsAccessKeys(store: SecretStore): Promise<AwsAccessKeyEntry[]> {
  const ids = await store.list(PREFIX);
  const entries: AwsAccessKeyEntry[] = [];
  for (const id of ids) {
    const name = id.slice(PREFIX.length);
    const key = parseRecord(await store.get(id));
    if (key !== null) entries.push(entryOf(name, key));
  }
  return entries;
}

export async function removeAwsAccessKey(store: SecretStore, name: string): Promise<void> {
  if (!(await store.delete(awsCredentialSecretId(name)))) throw missing(name);
}

/** The key pair for the SDK's signer; `aws.credentials-missing` when there is none by that name. */
export async function readAwsAccessKey(store: SecretStore, name: string): Promise<AwsAccessKey> {
  const key = parseRecord(await store.get(awsCredentialSecretId(name)));
  if (key === null) throw missing(name);
  return key;
}

export function maskKeyId(accessKeyId: string): string {
  return accessKeyId.length <= 8 ? '…' : `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}`;
}

function entryOf(name: string, key: AwsAccessKey): AwsAccessKeyEntry {
  return { name, accessKeyId: maskKeyId(key.accessKeyId), temporary: key.sessionToken !== undefined };
}

function parseRecord(value: Buffer | null): AwsAccessKey | null {
  if (value === null) return null;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
    return checkAccessKey(parsed);
  } catch {
    return null;
  }
}

function missing(name: string): PortholeError {
  return new PortholeError({
    code: 'aws.credentials-missing',
    message: `No AWS access key named "${name}" is kept in Porthole.`,
    hint: 'See the ones there are with `porthole aws credentials list`, or add it with `porthole aws credentials add NAME`.',
    retryable: false,
  });
}
