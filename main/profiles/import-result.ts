/** What an import (ssh_config, PuTTY) hands back: valid profiles, plus what it left out and why. */
import { PortholeError } from '../shared/errors';
import { sameName, validateProfile, type Profile, type ProfileInput } from './schema';

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

export class ImportCollector {
  readonly #profiles: Profile[] = [];
  readonly #skipped: ImportSkip[] = [];
  readonly #warnings: ImportWarning[] = [];

  skip(host: string, reason: string): void {
    if (!this.#skipped.some((s) => s.host === host && s.reason === reason)) this.#skipped.push({ host, reason });
  }

  warn(host: string, message: string): void {
    if (!this.#warnings.some((w) => w.host === host && w.message === message)) this.#warnings.push({ host, message });
  }

  /** Adds the profile if it is valid and its name is new; otherwise records why not. */
  add(input: ProfileInput): boolean {
    if (this.#profiles.some((p) => sameName(p.name, input.name))) {
      this.skip(input.name, `another entry already has this name (names are compared regardless of case)`);
      return false;
    }
    try {
      this.#profiles.push(validateProfile(input));
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
}
