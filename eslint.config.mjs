// @ts-check
/**
 * Lint enforces the architecture (../shared/design/architecture.md, "Folders"):
 *  - `electron` is imported only in main/electron/**, main/index.ts and preload/;
 *  - ipcRenderer is touched only in preload/;
 *  - renderer/ imports nothing from main/ except type-only imports of the IPC contract;
 *  - each main/ folder imports only the folders the architecture allows it.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** main/<folder> -> the sibling folders it may import (main/shared and main/ipc are open to all). */
const MAIN_FOLDER_IMPORTS = {
  ssh: ['secrets', 'keys'],
  tunnels: ['ssh'],
  jupyter: ['ssh'],
  session: ['ssh', 'tunnels', 'jupyter', 'cloud', 'secrets', 'keys', 'profiles'],
  secrets: [],
  keys: ['secrets'],
  profiles: [],
  cloud: ['secrets'],
  cli: ['ssh', 'tunnels', 'jupyter', 'session', 'cloud', 'secrets', 'keys', 'profiles'],
  // The desktop service layer: everything the window, tray and browser tests drive, without electron.
  app: ['ssh', 'tunnels', 'jupyter', 'session', 'cloud', 'secrets', 'keys', 'profiles'],
  ipc: [],
  shared: [],
};
const MAIN_FOLDERS = Object.keys(MAIN_FOLDER_IMPORTS);

const ELECTRON_ONLY_HERE = 'Import electron only in main/electron/** or main/index.ts; everything else must run under plain Node (CLI, tests).';
const IPC_RENDERER_ONLY_IN_PRELOAD = 'ipcRenderer belongs to preload/ alone; expose commands through the IPC contract.';

/** A relative import that climbs out of the current folder into main/<folder>. */
const intoFolder = (folder) => `^(\\.\\./)+(main/)?${folder}(/|$)`;

const noElectron = { name: 'electron', message: ELECTRON_ONLY_HERE };
const noIpcRenderer = { name: 'electron', importNames: ['ipcRenderer'], message: IPC_RENDERER_ONLY_IN_PRELOAD };
const noIpcRendererMember = {
  selector: "MemberExpression[property.name='ipcRenderer']",
  message: IPC_RENDERER_ONLY_IN_PRELOAD,
};

function restrictedImports({ paths = [], patterns = [] }) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] };
}

function mainFolderConfig(folder) {
  const allowed = new Set([folder, 'shared', 'ipc', ...MAIN_FOLDER_IMPORTS[folder]]);
  const forbidden = [...MAIN_FOLDERS.filter((other) => !allowed.has(other)), 'electron', 'renderer', 'preload'];
  return {
    files: [`main/${folder}/**/*.ts`],
    rules: restrictedImports({
      paths: [noElectron],
      patterns: forbidden.map((other) => ({
        regex: intoFolder(other),
        message: `main/${folder} may not import ${other === 'electron' ? 'main/electron' : other} (see the architecture's folder table).`,
      })),
    }),
  };
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', noIpcRendererMember],
      ...restrictedImports({ paths: [noElectron] }),
    },
  },
  // Plain JS (this file, scripts): no type information.
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  // bin/ and the packaging hooks (which electron-builder require()s) are plain CommonJS run by node directly.
  { files: ['bin/**/*.js', 'scripts/**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },

  ...MAIN_FOLDERS.map(mainFolderConfig),
  {
    files: ['main/electron/**/*.ts', 'main/index.ts'],
    rules: restrictedImports({ paths: [noIpcRenderer], patterns: [{ regex: '^(\\.\\./)+(renderer|preload)(/|$)', message: 'main may not import renderer or preload code.' }] }),
  },
  {
    files: ['main/cli.ts'],
    rules: restrictedImports({ paths: [noElectron], patterns: [{ regex: '^\\./electron(/|$)', message: ELECTRON_ONLY_HERE }] }),
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-syntax': 'off',
      ...restrictedImports({
        patterns: [{ regex: '(^|/)main/(?!ipc/(channels|contract)$)', message: 'The preload may import only the IPC contract from main.' }],
      }),
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrictedImports({
        paths: [{ name: 'electron', message: 'The renderer has no Electron access; use window.porthole.' }],
        patterns: [
          { regex: '(^|/)main/(?!ipc/contract$)', message: 'The renderer may import only types from main/ipc/contract.' },
          { regex: '(^|/)main/ipc/contract$', allowTypeImports: true, message: 'The renderer may import only types from main/ipc/contract.' },
          { regex: '^node:', message: 'The renderer runs in a sandbox without Node.' },
        ],
      }),
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests drive the real services directly and may reach into any main/ module.
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
