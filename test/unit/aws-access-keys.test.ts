/** Access keys as people paste them, and their records in a secret store. */
import { describe, expect, it } from 'vitest';
import { parseAccessKeyText } from '../../main/cloud/aws/access-key-text';
import { listAwsAccessKeys, maskKeyId, readAwsAccessKey, removeAwsAccessKey, saveAwsAccessKey } from '../../main/cloud/aws/vault-credentials';
import type { SecretStore } from '../../main/secrets';

const ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** The SecretStore contract in memory; the real vault is exercised by the CLI integration test. */
function memoryStore(): SecretStore & { raw: Map<string, Buffer> } {
  const raw = new Map<string, Buffer>();
  return {
    raw,
    get: async (id) => raw.get(id) ?? null,
    set: async (id, value) => void raw.set(id, Buffer.from(value)),
    delete: async (id) => raw.delete(id),
    list: async (prefix = '') => [...raw.keys()].filter((id) => id.startsWith(prefix)).sort(),
  };
}

describe('parseAccessKeyText', () => {
  it('reads the CSV the AWS console offers for download (with its byte-order mark)', () => {
    expect(parseAccessKeyText(`\uFEFFAccess key ID,Secret access key\r\n${ID},${SECRET}\r\n`)).toEqual({ accessKeyId: ID, secretAccessKey: SECRET });
    expect(parseAccessKeyText(`User name,Password,Access key ID,Secret access key,Console login link\nstudent,,${ID},${SECRET},https://x\n`)).toEqual({ accessKeyId: ID, secretAccessKey: SECRET });
  });

  it('reads credentials-file and export lines', () => {
    expect(parseAccessKeyText(`[default]\naws_access_key_id = ${ID}\naws_secret_access_key = ${SECRET}\n`)).toEqual({ accessKeyId: ID, secretAccessKey: SECRET });
    expect(parseAccessKeyText(`export AWS_ACCESS_KEY_ID="${ID.replace('AKIA', 'ASIA')}"\nexport AWS_SECRET_ACCESS_KEY='${SECRET}'\nexport AWS_SESSION_TOKEN=FwoGZXIvYXdzEBY\n`)).toEqual({
      accessKeyId: ID.replace('AKIA', 'ASIA'),
      secretAccessKey: SECRET,
      sessionToken: 'FwoGZXIvYXdzEBY',
    });
  });

  it('reads the id and the secret on two lines', () => {
    expect(parseAccessKeyText(`${ID}\n${SECRET}\n`)).toEqual({ accessKeyId: ID, secretAccessKey: SECRET });
  });

  it('says what is wrong without repeating the secret', () => {
    expect(() => parseAccessKeyText('')).toThrow(/No access key arrived/);
    expect(() => parseAccessKeyText(`${ID}\n`)).toThrow(/secret access key is missing/);
    expect(() => parseAccessKeyText(`not-a-key\n${SECRET}`)).toThrow(/access key id/);
    expect(() => parseAccessKeyText(`ASIAIOSFODNN7EXAMPLE\n${SECRET}`)).toThrow(/needs its session token/);
    try {
      parseAccessKeyText(`bad id\n${SECRET}`);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(SECRET);
    }
  });
});

describe('access keys in a secret store', () => {
  it('saves under cloud/aws/<name>, lists masked ids, reads back, refuses to overwrite unless asked, removes', async () => {
    const store = memoryStore();
    expect(await saveAwsAccessKey(store, 'course-2025', { accessKeyId: ID, secretAccessKey: SECRET })).toEqual({ name: 'course-2025', accessKeyId: 'AKIA…MPLE', temporary: false });
    expect([...store.raw.keys()]).toEqual(['cloud/aws/course-2025']);
    expect(await listAwsAccessKeys(store)).toEqual([{ name: 'course-2025', accessKeyId: 'AKIA…MPLE', temporary: false }]);
    expect(await readAwsAccessKey(store, 'course-2025')).toEqual({ accessKeyId: ID, secretAccessKey: SECRET });
    await expect(saveAwsAccessKey(store, 'course-2025', { accessKeyId: ID, secretAccessKey: SECRET })).rejects.toMatchObject({ code: 'aws.credential-exists' });
    await saveAwsAccessKey(store, 'course-2025', { accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: SECRET }, { replace: true });
    expect((await readAwsAccessKey(store, 'course-2025')).accessKeyId).toBe('AKIAI44QH8DHBEXAMPLE');
    await removeAwsAccessKey(store, 'course-2025');
    await expect(readAwsAccessKey(store, 'course-2025')).rejects.toMatchObject({ code: 'aws.credentials-missing' });
    await expect(removeAwsAccessKey(store, 'course-2025')).rejects.toMatchObject({ code: 'aws.credentials-missing' });
  });

  it('refuses names that are not names', async () => {
    await expect(saveAwsAccessKey(memoryStore(), '../x', { accessKeyId: ID, secretAccessKey: SECRET })).rejects.toMatchObject({ code: 'aws.invalid-credential-name' });
    await expect(saveAwsAccessKey(memoryStore(), '', { accessKeyId: ID, secretAccessKey: SECRET })).rejects.toMatchObject({ code: 'aws.invalid-credential-name' });
  });

  it('masks short and long key ids', () => {
    expect(maskKeyId('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA…MPLE');
    expect(maskKeyId('SHORT')).toBe('…');
  });
});
