/**
 * The app's settings, `settings.json` in the data folder. Missing or unreadable settings
 * never stop Porthole: a damaged file is kept aside (settings.json.corrupt-<time>) and the
 * defaults apply; every change is written atomically.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SettingsView } from '../ipc/contract';
import { PortholeError } from '../shared/errors';
import { fileTimestamp, keepCopy } from '../profiles/atomic-file';
import { writeFileAtomic } from '../shared/atomic-write';

export const SETTINGS_FILE = 'settings.json';

export const DEFAULT_SETTINGS: SettingsView = {
  keepaliveSeconds: 10,
  browser: { kind: 'default' },
  launchAtLogin: false,
  notifications: true,
  promptTimeoutSeconds: 120,
};

const settingsSchema = z.object({
  keepaliveSeconds: z.number().int().min(0).max(3600).catch(DEFAULT_SETTINGS.keepaliveSeconds),
  browser: z
    .discriminatedUnion('kind', [z.object({ kind: z.literal('default') }), z.object({ kind: z.literal('custom'), path: z.string().min(1).max(4096) })])
    .catch(DEFAULT_SETTINGS.browser),
  launchAtLogin: z.boolean().catch(false),
  notifications: z.boolean().catch(true),
  promptTimeoutSeconds: z.number().int().min(10).max(3600).catch(DEFAULT_SETTINGS.promptTimeoutSeconds),
});

export class SettingsStore {
  private constructor(
    private readonly path: string,
    private current: SettingsView,
  ) {}

  static async open(dir: string): Promise<SettingsStore> {
    const path = join(dir, SETTINGS_FILE);
    let text: string | null = null;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unusable(path, error);
    }
    if (text === null) return new SettingsStore(path, DEFAULT_SETTINGS);
    try {
      // Unknown or out-of-range fields fall back to their defaults one by one.
      return new SettingsStore(path, settingsSchema.parse({ ...DEFAULT_SETTINGS, ...(JSON.parse(text) as object) }));
    } catch {
      await keepCopy(path, `${path}.corrupt-${fileTimestamp(new Date())}`, { remove: true });
      return new SettingsStore(path, DEFAULT_SETTINGS);
    }
  }

  get(): SettingsView {
    return this.current;
  }

  async update(patch: Partial<SettingsView>): Promise<SettingsView> {
    const updated = settingsSchema.parse({ ...this.current, ...patch });
    await mkdir(join(this.path, '..'), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path, `${JSON.stringify(updated, null, 2)}\n`);
    this.current = updated;
    return updated;
  }
}

function unusable(path: string, error: unknown): PortholeError {
  return new PortholeError(
    { code: 'app.settings-unreadable', message: `Porthole cannot read its settings file ${path}: ${(error as Error).message}.`, hint: 'Check the permissions of Porthole\'s data folder.', retryable: false },
    { cause: error },
  );
}
