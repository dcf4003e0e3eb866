import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PortholeError } from '../../main/shared/errors';
import { ProfileStore } from '../../main/profiles/store';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-profiles-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = () => join(dir, 'profiles.json');
const backup = () => join(dir, 'profiles.json.bak');
const names = (store: ProfileStore) => store.list().map((p) => p.name);
const onDisk = async (path = file()) => (JSON.parse(await readFile(path, 'utf8')) as { version: number; profiles: { name: string }[] }).profiles.map((p) => p.name);
const keptFiles = async (kind: string) => (await readdir(dir)).filter((name) => name.startsWith(`profiles.json.${kind}`)).sort();

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('ProfileStore: saving', () => {
  it('removes temp files a crashed earlier write left next to profiles.json', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(join(dir, `profiles.json.tmp-${gone}-0123456789ab`), '{"half":');
    await writeFile(join(dir, `profiles.json.bak.tmp-${process.pid}-ba9876543210`), '{"half":');
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'a', host: 'a.example.com' });
    expect(await readdir(dir)).toEqual(['profiles.json']);
  });

  it('starts empty in a new folder and writes nothing until the first change', async () => {
    const store = await ProfileStore.open(join(dir, 'nested', 'Porthole'));
    expect(store.list()).toEqual([]);
    expect(store.notices).toEqual([]);
    expect(await readdir(join(dir, 'nested', 'Porthole'))).toEqual([]);
  });

  it('writes atomically: no temp file is left, and each write moves the previous good file to .bak', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'a', host: 'a.example.com' });
    expect(await readdir(dir)).toEqual(['profiles.json']);
    await store.add({ name: 'b', host: 'b.example.com' });
    expect((await readdir(dir)).sort()).toEqual(['profiles.json', 'profiles.json.bak']);
    expect(await onDisk()).toEqual(['a', 'b']);
    expect(await onDisk(backup())).toEqual(['a']);
    await store.remove('a');
    expect(await onDisk()).toEqual(['b']);
    expect(await onDisk(backup())).toEqual(['a', 'b']);
    expect((await readdir(dir)).sort()).toEqual(['profiles.json', 'profiles.json.bak']);
  });

  it('reads back what it saved, with defaults filled in', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'gpu', host: '203.0.113.7', user: 'ubuntu', key: { kind: 'path', path: '/keys/gpu.pem' } });
    const again = await ProfileStore.open(dir);
    expect(again.get('GPU')).toEqual({
      name: 'gpu',
      host: '203.0.113.7',
      port: 22,
      user: 'ubuntu',
      key: { kind: 'path', path: '/keys/gpu.pem' },
      jumpHosts: [],
      forwards: [],
      jupyter: { flavour: 'auto', env: { kind: 'auto' }, auth: 'token', stopOnDisconnect: false },
    });
    expect(again.notices).toEqual([]);
  });

  it('refuses a name already taken, in any case', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'gpu', host: 'a.example.com' });
    expect(await rejection(store.add({ name: 'GPU', host: 'b.example.com' }))).toMatchObject({ code: 'profiles.name-taken', message: 'A host profile named "GPU" already exists.' });
    expect(await onDisk()).toEqual(['gpu']);
  });

  it('refuses an invalid profile with profiles.invalid and writes nothing', async () => {
    const store = await ProfileStore.open(dir);
    expect(await rejection(store.add({ name: 'x', host: 'a.example.com', port: 0 }))).toMatchObject({ code: 'profiles.invalid' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('updates fields, merges Jupyter options, renames, and refuses a rename onto another profile', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'a', host: 'a.example.com', jupyter: { flavour: 'lab', env: { kind: 'conda', name: 'torch' } } });
    await store.add({ name: 'b', host: 'b.example.com' });
    const updated = await store.update('A', { name: 'a2', port: 2222, jupyter: { stopOnDisconnect: true } });
    expect(updated).toMatchObject({ name: 'a2', port: 2222, jupyter: { flavour: 'lab', env: { kind: 'conda', name: 'torch' }, stopOnDisconnect: true } });
    expect(await onDisk()).toEqual(['a2', 'b']);
    expect(await rejection(store.update('a2', { name: 'B' }))).toMatchObject({ code: 'profiles.name-taken' });
    expect(await rejection(store.update('nope', { port: 1 }))).toMatchObject({ code: 'profiles.not-found' });
    expect(await rejection(store.update('b', { host: 'bad host' }))).toMatchObject({ code: 'profiles.invalid' });
    expect((await ProfileStore.open(dir)).get('b')!.host).toBe('b.example.com');
  });

  it('removes, and says so when there is nothing to remove', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'a', host: 'a.example.com' });
    expect(await store.remove('a')).toMatchObject({ name: 'a' });
    expect(await rejection(store.remove('a'))).toMatchObject({ code: 'profiles.not-found', hint: expect.stringContaining('porthole hosts list') });
  });

  it('hands out copies: changing a returned profile does not change the store', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'a', host: 'a.example.com' });
    store.list()[0]!.host = 'changed.example.com';
    store.get('a')!.jumpHosts.push({ host: 'x', port: 22 });
    expect(store.get('a')).toMatchObject({ host: 'a.example.com', jumpHosts: [] });
  });

  it('does not lose profiles when many add() calls run at once', async () => {
    const store = await ProfileStore.open(dir);
    const count = 40;
    const results = await Promise.allSettled([
      ...Array.from({ length: count }, (_, i) => store.add({ name: `host-${i}`, host: `h${i}.example.com` })),
      store.add({ name: 'host-0', host: 'duplicate.example.com' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(count);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([expect.objectContaining({ code: 'profiles.name-taken' })]);
    expect(names(store)).toHaveLength(count);
    expect((await onDisk()).sort()).toEqual(Array.from({ length: count }, (_, i) => `host-${i}`).sort());
    expect((await readdir(dir)).sort()).toEqual(['profiles.json', 'profiles.json.bak']);
  });

  it('adds an import in one write, leaving names that exist alone', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'gpu', host: 'old.example.com' });
    const result = await store.addMany([
      { name: 'GPU', host: 'new.example.com' },
      { name: 'db', host: 'db.example.com' },
    ]);
    expect(result).toMatchObject({ added: [{ name: 'db' }], existing: ['GPU'] });
    expect(store.get('gpu')!.host).toBe('old.example.com');
    expect(await onDisk()).toEqual(['gpu', 'db']);
  });

  it("keeps another process's change instead of overwriting it with an old copy", async () => {
    const app = await ProfileStore.open(dir);
    const cli = await ProfileStore.open(dir);
    await app.add({ name: 'from-app', host: 'a.example.com' });
    await cli.add({ name: 'from-cli', host: 'b.example.com' });
    await app.add({ name: 'later', host: 'c.example.com' });
    expect(await onDisk()).toEqual(['from-app', 'from-cli', 'later']);
    expect(names(app)).toEqual(['from-app', 'from-cli', 'later']);
  });

  it('reports a failed write as profiles.write-failed, keeps its state, and leaves no temp file', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'a', host: 'a.example.com' });
    await mkdir(backup()); // renaming the new backup over a folder fails
    const error = await rejection(store.add({ name: 'b', host: 'b.example.com' }));
    expect(error).toBeInstanceOf(PortholeError);
    expect(error).toMatchObject({ code: 'profiles.write-failed', retryable: true });
    expect(names(store)).toEqual(['a']);
    expect(await onDisk()).toEqual(['a']);
    expect((await readdir(dir)).sort()).toEqual(['profiles.json', 'profiles.json.bak']);
  });
});

describe('ProfileStore: damaged, old and newer files', () => {
  it('moves a corrupt file aside, reports where, starts from the backup, and keeps working', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'a', host: 'a.example.com' });
    await store.add({ name: 'b', host: 'b.example.com' });
    const garbage = '{"version": 2, "profiles": [{"name": "a", "ho';
    await writeFile(file(), garbage);

    const reopened = await ProfileStore.open(dir, { now: () => new Date('2024-05-01T10:22:33.123Z') });
    expect(reopened.notices).toHaveLength(1);
    const notice = reopened.notices[0]!;
    expect(notice).toMatchObject({ code: 'profiles.file-damaged', keptAt: join(dir, 'profiles.json.corrupt-2024-05-01T10-22-33-123Z') });
    expect(notice.message).toContain('not valid JSON');
    expect(notice.message).toContain(notice.keptAt);
    expect(notice.message).toContain('backup');
    expect(await readFile(notice.keptAt!, 'utf8')).toBe(garbage);
    expect(names(reopened)).toEqual(['a']);
    expect(await onDisk()).toEqual(['a']);

    await reopened.add({ name: 'c', host: 'c.example.com' });
    expect(await onDisk()).toEqual(['a', 'c']);
    expect(await readFile(notice.keptAt!, 'utf8')).toBe(garbage);
    expect((await ProfileStore.open(dir)).notices).toEqual([]);
  });

  it('starts empty when there is no backup, and says so', async () => {
    await writeFile(file(), '{"version": 2, "profiles": [{"name": "x", "host": "not valid"}]}');
    const store = await ProfileStore.open(dir);
    expect(store.list()).toEqual([]);
    expect(store.notices).toEqual([expect.objectContaining({ code: 'profiles.file-damaged', message: expect.stringContaining('started with no hosts') })]);
    expect(await keptFiles('corrupt')).toHaveLength(1);
    await store.add({ name: 'fresh', host: 'fresh.example.com' });
    expect(await onDisk()).toEqual(['fresh']);
  });

  it('keeps a damaged backup aside too, so a later write cannot overwrite it', async () => {
    await writeFile(file(), 'not json');
    await writeFile(backup(), 'also not json');
    const store = await ProfileStore.open(dir);
    expect(store.notices.map((n) => n.code)).toEqual(['profiles.file-damaged', 'profiles.file-damaged']);
    await store.add({ name: 'a', host: 'a.example.com' });
    await store.add({ name: 'b', host: 'b.example.com' });
    const kept = await Promise.all((await readdir(dir)).filter((name) => name.includes('corrupt')).map((name) => readFile(join(dir, name), 'utf8')));
    expect(kept.sort()).toEqual(['also not json', 'not json']);
  });

  it('never overwrites an earlier corrupt copy, even with the same timestamp', async () => {
    const now = () => new Date('2024-05-01T00:00:00.000Z');
    await writeFile(file(), 'first damage');
    await ProfileStore.open(dir, { now });
    await writeFile(file(), 'second damage');
    await ProfileStore.open(dir, { now });
    const kept = await keptFiles('corrupt');
    expect(kept).toEqual(['profiles.json.corrupt-2024-05-01T00-00-00-000Z', 'profiles.json.corrupt-2024-05-01T00-00-00-000Z-1']);
    expect(await readFile(join(dir, kept[0]!), 'utf8')).toBe('first damage');
    expect(await readFile(join(dir, kept[1]!), 'utf8')).toBe('second damage');
  });

  it('treats bytes that are not UTF-8 as damage and keeps them exactly', async () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
    await writeFile(file(), bytes);
    const store = await ProfileStore.open(dir);
    expect(store.notices[0]).toMatchObject({ code: 'profiles.file-damaged', message: expect.stringContaining('not UTF-8') });
    expect(Buffer.compare(await readFile(store.notices[0]!.keptAt!), bytes)).toBe(0);
  });

  it('keeps a file damaged while open, before its next write', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'a', host: 'a.example.com' });
    await writeFile(file(), '{"version": 2, "profiles": 5}');
    await store.add({ name: 'b', host: 'b.example.com' });
    expect(await onDisk()).toEqual(['a', 'b']);
    expect(store.notices).toEqual([expect.objectContaining({ code: 'profiles.file-damaged', message: expect.stringContaining('kept the hosts it had already read') })]);
    expect(await readFile(store.notices[0]!.keptAt!, 'utf8')).toBe('{"version": 2, "profiles": 5}');
  });

  it('opens a file from a newer Porthole read-only and never changes it', async () => {
    const newer = JSON.stringify({ version: 9, profiles: [{ name: 'a', host: 'a.example.com', futureField: true }], somethingNew: {} });
    await writeFile(file(), newer);
    const store = await ProfileStore.open(dir);
    expect(store.readOnly).toBe(true);
    expect(store.notices).toEqual([expect.objectContaining({ code: 'profiles.newer-version', message: expect.stringContaining('format 9') })]);
    expect(names(store)).toEqual(['a']);
    expect(await rejection(store.add({ name: 'b', host: 'b.example.com' }))).toMatchObject({ code: 'profiles.newer-version' });
    expect(await rejection(store.remove('a'))).toMatchObject({ code: 'profiles.newer-version' });
    expect(await readFile(file(), 'utf8')).toBe(newer);
    expect(await readdir(dir)).toEqual(['profiles.json']);
  });

  it('turns read-only when a newer Porthole rewrites the file while open', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'a', host: 'a.example.com' });
    const newer = JSON.stringify({ version: 5, profiles: [] });
    await writeFile(file(), newer);
    expect(await rejection(store.add({ name: 'b', host: 'b.example.com' }))).toMatchObject({ code: 'profiles.newer-version' });
    expect(store.readOnly).toBe(true);
    expect(await readFile(file(), 'utf8')).toBe(newer);
  });

  it('upgrades a v1 file on open, keeps the old file for good, and says so', async () => {
    const v1 = JSON.stringify({ version: 1, profiles: [{ name: 'old', host: 'old.example.com', identityFile: '/k/old.pem' }] });
    await writeFile(file(), v1);
    const store = await ProfileStore.open(dir, { now: () => new Date('2024-01-02T03:04:05.006Z') });
    expect(store.get('old')!.key).toEqual({ kind: 'path', path: '/k/old.pem' });
    expect(store.notices).toEqual([expect.objectContaining({ code: 'profiles.migrated', keptAt: join(dir, 'profiles.json.v1-2024-01-02T03-04-05-006Z') })]);
    expect(await readFile(join(dir, 'profiles.json.v1-2024-01-02T03-04-05-006Z'), 'utf8')).toBe(v1);
    expect(JSON.parse(await readFile(file(), 'utf8'))).toMatchObject({ version: 4, profiles: [{ name: 'old', key: { kind: 'path', path: '/k/old.pem' } }] });
    expect((await ProfileStore.open(dir)).notices).toEqual([]);
  });

  it('restores a deleted profiles.json from the backup, and says so', async () => {
    const store = await ProfileStore.open(dir);
    await store.add({ name: 'a', host: 'a.example.com' });
    await store.add({ name: 'b', host: 'b.example.com' });
    await rm(file());
    const reopened = await ProfileStore.open(dir);
    expect(names(reopened)).toEqual(['a']);
    expect(reopened.notices).toEqual([expect.objectContaining({ code: 'profiles.restored-from-backup' })]);
    expect(await onDisk()).toEqual(['a']);
  });

  it('fails with a Porthole error when profiles.json is not a file at all', async () => {
    await mkdir(file());
    expect(await rejection(ProfileStore.open(dir))).toMatchObject({ code: 'profiles.folder-unusable' });
  });
});
