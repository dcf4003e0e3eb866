/**
 * The saved host profiles: `<dir>/profiles.json`, versioned, written atomically, with the
 * previous good file kept as `profiles.json.bak`.
 *
 * What must stay true:
 *  - Nothing is lost or silently overwritten. A file that cannot be read (bad JSON, wrong
 *    shape, unknown version) is moved aside to `profiles.json.corrupt-<time>` and reported
 *    in `notices` with where it is; the store then starts from the backup when that is good,
 *    else empty, and keeps working. A file written by a newer Porthole is never changed:
 *    the store opens read-only.
 *  - Writes are serialized: concurrent `add()` calls each see the result of the one before.
 *  - Each change (re-read if changed on disk, apply, write) runs holding `profiles.json.lock`,
 *    the cross-process lock the vault uses too (main/shared/file-lock.ts), so a change that
 *    another Porthole process (the CLI next to the app) makes at the same moment is kept,
 *    not overwritten with this process's older copy.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { dataDir } from '../shared/data-dir';
import { PortholeError, type PortholeErrorInfo } from '../shared/errors';
import { writeFileAtomic } from '../shared/atomic-write';
import { withFileLock } from '../shared/file-lock';
import { fileTimestamp, keepCopy } from './atomic-file';
import { readProfilesText, serializeProfiles, type FileReading } from './migrations';
import { CURRENT_VERSION, sameName, validateProfile, type JupyterOptions, type Profile, type ProfileInput } from './schema';

export const PROFILES_FILE = 'profiles.json';

/** Something the user should know about the profiles file (shown as a warning, never fatal). */
export interface ProfileStoreNotice extends PortholeErrorInfo {
  /** Where a file that could not be used was kept. */
  readonly keptAt?: string;
}

/** A change to a profile: the fields given replace the old ones; `jupyter` is merged field by field. */
export type ProfilePatch = Partial<Omit<ProfileInput, 'jupyter'>> & { readonly jupyter?: Partial<JupyterOptions> };

export interface ProfileStoreOptions {
  /** The clock used to name kept files (tests pin it). */
  readonly now?: () => Date;
}

interface Stamp {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

type DiskState = { readonly kind: 'missing' } | { readonly kind: 'present'; readonly text: string | null; readonly stamp: Stamp };

export class ProfileStore {
  readonly dir: string;
  readonly path: string;
  readonly backupPath: string;
  readonly #now: () => Date;
  #profiles: Profile[] = [];
  /** The text of the last file known to be good; it becomes the backup on the next write. */
  #lastGoodText: string | null = null;
  #stamp: Stamp | null = null;
  #newerVersion: number | null = null;
  readonly #notices: ProfileStoreNotice[] = [];
  #queue: Promise<void> = Promise.resolve();

  private constructor(dir: string, options: ProfileStoreOptions) {
    this.dir = dir;
    this.path = join(dir, PROFILES_FILE);
    this.backupPath = `${this.path}.bak`;
    this.#now = options.now ?? (() => new Date());
  }

  /** Opens (and if needed repairs) the profiles in `dir`; throws only when the folder itself is unusable. */
  static async open(dir: string, options: ProfileStoreOptions = {}): Promise<ProfileStore> {
    const store = new ProfileStore(dir, options);
    await store.#load();
    return store;
  }

  /** True when the file comes from a newer Porthole: profiles can be read but not changed. */
  get readOnly(): boolean {
    return this.#newerVersion !== null;
  }

  /** Warnings gathered since the store was opened: damaged files kept aside, upgrades, read-only mode. */
  get notices(): readonly ProfileStoreNotice[] {
    return [...this.#notices];
  }

  list(): Profile[] {
    return this.#profiles.map((profile) => structuredClone(profile));
  }

  /** The profile with this name (names match regardless of case). */
  get(name: string): Profile | undefined {
    const profile = this.#profiles.find((p) => sameName(p.name, name));
    return profile === undefined ? undefined : structuredClone(profile);
  }

  /** Saves a new profile; `profiles.name-taken` if the name is in use, `profiles.invalid` if a field is wrong. */
  async add(input: ProfileInput): Promise<Profile> {
    const profile = validateProfile(input);
    return this.#change((profiles) => {
      if (profiles.some((p) => sameName(p.name, profile.name))) throw nameTaken(profile.name);
      return { profiles: [...profiles, profile], result: structuredClone(profile) };
    });
  }

  /**
   * Saves many new profiles in one write (an import): those whose names are free are added,
   * the others are left alone and returned in `existing`.
   */
  async addMany(inputs: readonly ProfileInput[]): Promise<{ added: Profile[]; existing: string[] }> {
    const candidates = inputs.map((input) => validateProfile(input));
    return this.#change((profiles) => {
      const added: Profile[] = [];
      const existing: string[] = [];
      for (const profile of candidates) {
        if ([...profiles, ...added].some((p) => sameName(p.name, profile.name))) existing.push(profile.name);
        else added.push(profile);
      }
      return { profiles: [...profiles, ...added], result: { added: structuredClone(added), existing } };
    });
  }

  /** Changes a saved profile (including its name); returns the profile as saved. */
  async update(name: string, patch: ProfilePatch): Promise<Profile> {
    return this.#change((profiles) => {
      const index = profiles.findIndex((p) => sameName(p.name, name));
      const current = profiles[index];
      if (current === undefined) throw notFound(name);
      const updated = validateProfile({ ...current, ...patch, jupyter: { ...current.jupyter, ...patch.jupyter } });
      if (profiles.some((p, i) => i !== index && sameName(p.name, updated.name))) throw nameTaken(updated.name);
      const next = [...profiles];
      next[index] = updated;
      return { profiles: next, result: structuredClone(updated) };
    });
  }

  /** Deletes a saved profile; returns what was deleted. */
  async remove(name: string): Promise<Profile> {
    return this.#change((profiles) => {
      const removed = profiles.find((p) => sameName(p.name, name));
      if (removed === undefined) throw notFound(name);
      return { profiles: profiles.filter((p) => p !== removed), result: structuredClone(removed) };
    });
  }

  // -------------------------------------------------------------------------------------
  // Changes

  /** Runs one change after all earlier ones: re-read if changed on disk, apply, write. */
  #change<T>(apply: (profiles: Profile[]) => { profiles: Profile[]; result: T }): Promise<T> {
    const run = this.#queue.then(() =>
      this.#locked(async () => {
        this.#assertWritable();
        await this.#refresh();
        this.#assertWritable();
        const { profiles, result } = apply([...this.#profiles]);
        await this.#persist(profiles);
        return result;
      }),
    );
    this.#queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Holds profiles.json.lock across processes while `task` runs. */
  #locked<T>(task: () => Promise<T>): Promise<T> {
    return withFileLock(this.path, task, { busy: () => busy(this.path), io: (cause) => unusable(this.dir, cause) });
  }

  #assertWritable(): void {
    if (this.#newerVersion !== null) throw newerVersionError(this.#newerVersion, this.path);
  }

  /** Picks up what another process saved since we last looked. */
  async #refresh(): Promise<void> {
    const disk = await this.#read(this.path);
    if (disk.kind === 'missing' || sameStamp(disk.stamp, this.#stamp)) return;
    const reading = disk.text === null ? undecodable() : readProfilesText(disk.text);
    switch (reading.kind) {
      case 'ok':
        this.#profiles = reading.file.profiles;
        this.#lastGoodText = disk.text;
        this.#stamp = disk.stamp;
        return;
      case 'newer':
        this.#enterReadOnly(reading.version, reading.readable);
        return;
      case 'damaged': {
        // Someone damaged the file after we read it: keep it, and carry on from what we had.
        const keptAt = await this.#keepAside(this.path, `${this.path}.corrupt-${fileTimestamp(this.#now())}`);
        this.#notices.push(damagedNotice(reading.reason, keptAt, 'Porthole kept the hosts it had already read.'));
        this.#stamp = null;
        return;
      }
    }
  }

  async #persist(profiles: Profile[]): Promise<void> {
    const text = serializeProfiles(profiles);
    try {
      if (this.#lastGoodText !== null && this.#lastGoodText !== text) await writeFileAtomic(this.backupPath, this.#lastGoodText);
      await writeFileAtomic(this.path, text);
      this.#stamp = stampOf(await stat(this.path));
    } catch (error) {
      throw new PortholeError(
        {
          code: 'profiles.write-failed',
          message: `Porthole could not save your host profiles to ${this.path}: ${(error as Error).message}.`,
          hint: 'Check that the disk is not full and that you may write to that folder, then try again.',
          retryable: true,
        },
        { cause: error },
      );
    }
    this.#profiles = profiles;
    this.#lastGoodText = text;
  }

  // -------------------------------------------------------------------------------------
  // Opening

  async #load(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw unusable(this.dir, error);
    }
    // Locked: repairing or upgrading the file on open writes it, like any change.
    await this.#locked(() => this.#loadLocked());
  }

  async #loadLocked(): Promise<void> {
    const disk = await this.#read(this.path);
    if (disk.kind === 'missing') {
      await this.#startFromBackup(null);
      return;
    }
    const reading = disk.text === null ? undecodable() : readProfilesText(disk.text);
    switch (reading.kind) {
      case 'ok':
        this.#profiles = reading.file.profiles;
        this.#lastGoodText = disk.text;
        this.#stamp = disk.stamp;
        if (reading.migratedFrom !== undefined) await this.#finishMigration(reading.migratedFrom);
        return;
      case 'newer':
        this.#enterReadOnly(reading.version, reading.readable);
        return;
      case 'damaged': {
        const keptAt = await this.#keepAside(this.path, `${this.path}.corrupt-${fileTimestamp(this.#now())}`);
        await this.#startFromBackup({ reason: reading.reason, keptAt });
        return;
      }
    }
  }

  /**
   * profiles.json is gone (never written, deleted, or just moved aside as `damaged`):
   * start from the backup when it is good, else empty. An unusable backup is kept aside
   * too, so the next write (which refreshes the backup) cannot overwrite it.
   */
  async #startFromBackup(damaged: { reason: string; keptAt: string } | null): Promise<void> {
    const backup = await this.#read(this.backupPath);
    const reading: FileReading | null = backup.kind === 'missing' ? null : backup.text === null ? undecodable() : readProfilesText(backup.text);
    let outcome: string;
    if (reading?.kind === 'ok') {
      this.#profiles = reading.file.profiles;
      this.#lastGoodText = backup.kind === 'present' ? backup.text : null;
      outcome = 'Porthole started from the backup made before the last change, so at most that change is missing.';
    } else {
      this.#profiles = [];
      if (reading !== null) {
        const label = reading.kind === 'newer' ? `v${reading.version}` : 'corrupt';
        const keptBackup = await this.#keepAside(this.backupPath, `${this.backupPath}.${label}-${fileTimestamp(this.#now())}`);
        this.#notices.push(
          reading.kind === 'newer'
            ? { code: 'profiles.newer-version', message: `The backup of your host profiles comes from a newer Porthole (format ${reading.version}); it was kept at ${keptBackup}.`, hint: 'Update Porthole to use it.', retryable: false, keptAt: keptBackup }
            : damagedNotice(reading.reason, keptBackup, 'It was the backup, so there was nothing older to start from.'),
        );
      }
      if (damaged === null) return; // a first start: nothing to write yet
      outcome = 'No usable backup was found, so Porthole started with no hosts.';
    }
    if (damaged === null) {
      this.#notices.push({
        code: 'profiles.restored-from-backup',
        message: `Your host profiles file ${this.path} was missing; Porthole restored it from the backup ${this.backupPath}.`,
        hint: 'If you deleted it on purpose, remove the hosts again or delete the backup too.',
        retryable: false,
      });
    } else {
      this.#notices.push(damagedNotice(damaged.reason, damaged.keptAt, outcome));
    }
    // Write the state we start from, so the next start sees a good file and says nothing.
    await this.#persist(this.#profiles);
  }

  /** Keeps the old-format file for good (the .bak rotates away) and writes the upgraded one. */
  async #finishMigration(from: number): Promise<void> {
    const keptAt = await this.#keepAside(this.path, `${this.path}.v${from}-${fileTimestamp(this.#now())}`, false);
    await this.#persist(this.#profiles);
    this.#notices.push({
      code: 'profiles.migrated',
      message: `Your host profiles were upgraded from format ${from} to ${CURRENT_VERSION}; the old file was kept at ${keptAt}.`,
      hint: 'Nothing to do; older Porthole versions can use the kept copy.',
      retryable: false,
      keptAt,
    });
  }

  #enterReadOnly(version: number, readable: Profile[]): void {
    this.#newerVersion = version;
    this.#profiles = readable;
    this.#lastGoodText = null;
    this.#notices.push({ ...newerVersionError(version, this.path).toInfo(), keptAt: this.path });
  }

  async #keepAside(source: string, target: string, remove = true): Promise<string> {
    try {
      return await keepCopy(source, target, { remove });
    } catch (error) {
      throw unusable(this.dir, error);
    }
  }

  /** Reads a file; `text` is null when it is not valid UTF-8 (a damaged file, not an error). */
  async #read(path: string): Promise<DiskState> {
    try {
      const stats = await stat(path);
      const bytes = await readFile(path);
      let text: string | null;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        text = null;
      }
      return { kind: 'present', text, stamp: stampOf(stats) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw unusable(this.dir, error);
    }
  }
}

/** The store in Porthole's data folder (PORTHOLE_HOME or the per-user app data folder). */
export function openDefaultProfileStore(): Promise<ProfileStore> {
  return ProfileStore.open(dataDir());
}

function stampOf(stats: { ino: number; size: number; mtimeMs: number; ctimeMs: number }): Stamp {
  return { ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs };
}

function sameStamp(a: Stamp, b: Stamp | null): boolean {
  return b !== null && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

function undecodable(): FileReading {
  return { kind: 'damaged', reason: 'it is not UTF-8 text' };
}

function damagedNotice(reason: string, keptAt: string, outcome: string): ProfileStoreNotice {
  return {
    code: 'profiles.file-damaged',
    message: `Your host profiles file could not be read because ${reason}. It was kept at ${keptAt}. ${outcome}`,
    hint: `Nothing was deleted: the kept file can be repaired by hand (it is JSON) and copied back over ${PROFILES_FILE} while Porthole is closed.`,
    retryable: false,
    keptAt,
  };
}

function newerVersionError(version: number, path: string): PortholeError {
  return new PortholeError({
    code: 'profiles.newer-version',
    message: `Your host profiles in ${path} were saved by a newer Porthole (format ${version}; this one knows up to ${CURRENT_VERSION}). They are open read-only and will not be changed.`,
    hint: 'Update Porthole to add, change or remove hosts.',
    retryable: false,
  });
}

function nameTaken(name: string): PortholeError {
  return new PortholeError({
    code: 'profiles.name-taken',
    message: `A host profile named "${name}" already exists.`,
    hint: 'Choose another name, or remove or rename the existing profile first.',
    retryable: false,
  });
}

function notFound(name: string): PortholeError {
  return new PortholeError({
    code: 'profiles.not-found',
    message: `There is no host profile named "${name}".`,
    hint: 'List the saved hosts with: porthole hosts list',
    retryable: false,
  });
}

function busy(path: string): PortholeError {
  return new PortholeError({
    code: 'profiles.busy',
    message: `Another Porthole process kept your host profiles ${path} locked.`,
    hint: 'Wait for the other Porthole (the app or a porthole command) to finish, then try again.',
    retryable: true,
  });
}

function unusable(dir: string, error: unknown): PortholeError {
  return new PortholeError(
    {
      code: 'profiles.folder-unusable',
      message: `Porthole cannot use its profiles folder ${dir}: ${(error as Error).message}.`,
      hint: 'Check that the folder exists and that you may read and write it (PORTHOLE_HOME moves it elsewhere).',
      retryable: true,
    },
    { cause: error },
  );
}
