/** What an import (ssh_config, PuTTY) hands back: valid profiles, plus what it left out and why. */
import { PortholeError } from '../shared/errors';
import { foldName, validateProfile, type Profile, type ProfileInput } from './schema';

/** A host (or a block, or a session) that was not imported. */
export interface ImportSkip {
  readonly host: string;
  readonly reason: string;
}

/** Imported, but with something left out or changed on the way. */
export interface ImportWarning {
  readonly host: string;
  readonly message: string;
}

export interface ImportResult {
  readonly profiles: Profile[];
  readonly skipped: ImportSkip[];
  readonly warnings: ImportWarning[];
}

/** Hostile files make thousands of entries: each check is a set lookup, never a scan of the list. */
export class ImportCollector {
  readonly #profiles: Profile[] = [];
  readonly #skipped: ImportSkip[] = [];
  readonly #warnings: ImportWarning[] = [];
  readonly #seen = new Set<string>();
  /** Profile names folded as sameName folds them. */
  readonly #names = new Set<string>();

  skip(host: string, reason: string): void {
    if (this.#first(`skip\u0000${host}\u0000${reason}`)) this.#skipped.push({ host, reason });
  }

  warn(host: string, message: string): void {
    if (this.#first(`warn\u0000${host}\u0000${message}`)) this.#warnings.push({ host, message });
  }

  /** Adds the profile if it is valid and its name is new; otherwise records why not. */
  add(input: ProfileInput): boolean {
    const folded = typeof input.name === 'string' ? foldName(input.name) : null;
    if (folded !== null && this.#names.has(folded)) {
      this.skip(input.name, `another entry already has this name (names are compared regardless of case)`);
      return false;
    }
    try {
      const profile = validateProfile(input);
      this.#profiles.push(profile);
      this.#names.add(foldName(profile.name));
      return true;
    } catch (error) {
      if (!(error instanceof PortholeError)) throw error;
      this.skip(input.name, error.message);
      return false;
    }
  }

  result(): ImportResult {
    return { profiles: [...this.#profiles], skipped: [...this.#skipped], warnings: [...this.#warnings] };
  }

  #first(key: string): boolean {
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }
}
