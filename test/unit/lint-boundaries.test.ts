/**
 * The architecture's import boundaries are enforced by eslint.config.mjs; these cases prove
 * the rules fire (and do not fire) where they should, so a config edit cannot quietly
 * disable them.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({
  cwd: resolve(__dirname, '../..'),
  // The snippets are not files on disk, so lint them without type information.
  overrideConfig: tseslint.configs.disableTypeChecked,
});

async function restrictedImportMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

const electronImport = "import { app } from 'electron';\nexport const a = app;\n";

describe('lint boundaries', () => {
  it('rejects an electron import in main/ssh', async () => {
    expect(await restrictedImportMessages('main/ssh/connection.ts', electronImport)).toEqual([expect.stringMatching(/Import electron only in main\/electron/)]);
  });

  it.each(['main/electron/window.ts', 'main/index.ts'])('allows electron in %s', async (file) => {
    expect(await restrictedImportMessages(file, electronImport)).toEqual([]);
  });

  it('rejects electron in the CLI, which must run under plain Node', async () => {
    expect(await restrictedImportMessages('main/cli.ts', electronImport)).toHaveLength(1);
  });

  it('rejects ipcRenderer outside preload/, as an import or a member access', async () => {
    expect(await restrictedImportMessages('main/electron/ipc.ts', "import { ipcRenderer } from 'electron';\nexport const r = ipcRenderer;\n")).toHaveLength(1);
    expect(await restrictedImportMessages('main/electron/ipc.ts', "import * as e from 'electron';\nexport const r = e.ipcRenderer;\n")).toContainEqual(
      expect.stringMatching(/ipcRenderer belongs to preload/),
    );
    expect(await restrictedImportMessages('preload/index.ts', "import { ipcRenderer } from 'electron';\nexport const r = ipcRenderer;\n")).toEqual([]);
  });

  it('lets the renderer import only types from the IPC contract', async () => {
    const file = 'renderer/src/App.tsx';
    expect(await restrictedImportMessages(file, "import type { AppInfo } from '../../main/ipc/contract';\nexport type A = AppInfo;\n")).toEqual([]);
    expect(await restrictedImportMessages(file, "import { commands } from '../../main/ipc/contract';\nexport const c = commands;\n")).toHaveLength(1);
    expect(await restrictedImportMessages(file, "import { sha256Fingerprint } from '../../main/shared/fingerprint';\nexport const f = sha256Fingerprint;\n")).toHaveLength(1);
    expect(await restrictedImportMessages(file, "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toHaveLength(1);
  });

  it('keeps main folders to the imports the architecture allows', async () => {
    expect(await restrictedImportMessages('main/secrets/vault.ts', "import { x } from '../ssh/connection';\nexport const y = x;\n")).toHaveLength(1);
    expect(await restrictedImportMessages('main/ssh/connection.ts', "import { x } from '../session/orchestrator';\nexport const y = x;\n")).toHaveLength(1);
    expect(await restrictedImportMessages('main/ssh/connection.ts', "import { x } from '../electron/window';\nexport const y = x;\n")).toHaveLength(1);
    expect(await restrictedImportMessages('main/tunnels/forward.ts', "import { x } from '../ssh/connection';\nexport const y = x;\n")).toEqual([]);
    expect(await restrictedImportMessages('main/ssh/auth/agent.ts', "import { x } from '../../keys/import';\nexport const y = x;\n")).toEqual([]);
  });
});
