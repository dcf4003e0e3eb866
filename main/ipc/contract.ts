/**
 * The IPC contract: every command the renderer may invoke and every event it may
 * subscribe to, declared once. The preload builds `window.porthole` from this table and
 * main registers handlers from it, so neither side has hand-written per-channel code that
 * could drift. Renderer code may import this module for types only (lint enforces it).
 *
 * Secrets travel renderer -> main only: no command here returns key material, a stored
 * password or a Jupyter token. The schemas check the shape of what arrives; main/app then
 * checks the meaning (a host name that is not a host, say) and answers field by field.
 */
import { z } from 'zod';
import type { PortholeErrorInfo } from '../shared/errors';
import type { CommandName, EventName } from './channels';
import type * as V from './views';

export { apiPathOf, commandNames, eventNames, type CommandName, type EventName } from './channels';
export type * from './views';

/** A command: its argument schema, and its result type (a phantom, never read at run time). */
export interface CommandSpec<Args extends z.ZodType, Result> {
  readonly args: Args;
  readonly result?: Result;
}

function command<Result>() {
  return <Args extends z.ZodType>(args: Args): CommandSpec<Args, Result> => ({ args });
}

const none = z.object({}).strict();
const text = (max: number) => z.string().max(max);
const port = z.number().int().min(0).max(65_535);
const hostName = z.object({ host: text(100) }).strict();

const keyRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('vault'), name: text(200) }).strict(),
  z.object({ kind: z.literal('path'), path: text(4096) }).strict(),
  z.object({ kind: z.literal('agent') }).strict(),
]);

const forward = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), bindHost: text(300), bindPort: port, remoteHost: text(300), remotePort: port }).strict(),
  z.object({ kind: z.literal('remote'), bindHost: text(300), bindPort: port, localHost: text(300), localPort: port }).strict(),
  z.object({ kind: z.literal('dynamic'), bindHost: text(300), bindPort: port }).strict(),
]);

const jupyterEnv = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('auto') }).strict(),
  z.object({ kind: z.literal('conda'), name: text(200) }).strict(),
  z.object({ kind: z.literal('python'), path: text(4096) }).strict(),
]);

const cloudSafety = { stopVmOnDisconnect: z.boolean().optional(), idleStopMinutes: z.number().int().min(0).max(100_000).nullable().optional() };
const cloudLink = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('aws'), instanceId: text(100), region: text(100), profile: text(200).optional(), vaultCredential: text(200).optional(), ...cloudSafety }).strict(),
  z.object({ provider: z.literal('azure'), subscriptionId: text(100), resourceGroup: text(200), vmName: text(200), tenantId: text(100).optional(), ...cloudSafety }).strict(),
]);

const hostInput = z
  .object({
    name: text(200),
    host: text(300),
    port: port.optional(),
    user: text(300).optional(),
    key: keyRef.optional(),
    jumpHosts: z.array(z.object({ host: text(300), port: port.optional(), user: text(300).optional() }).strict()).max(16).optional(),
    forwards: z.array(forward).max(256).optional(),
    jupyter: z
      .object({
        flavour: z.enum(['lab', 'notebook', 'server', 'auto']).optional(),
        env: jupyterEnv.optional(),
        rootDir: text(4096).optional(),
        auth: z.enum(['token', 'password']).optional(),
        localPort: port.optional(),
        stopOnDisconnect: z.boolean().optional(),
        hub: z.object({ port: port.min(1), scheme: z.enum(['http', 'https']) }).strict().nullable().optional(),
      })
      .strict()
      .optional(),
    cloud: cloudLink.nullable().optional(),
  })
  .strict();

const keySource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('path'), path: text(4096) }).strict(),
  z.object({ kind: z.literal('text'), text: text(1024 * 1024) }).strict(),
  // 1 MiB of key file, base64 (4/3): the engine refuses anything larger as "not a key".
  z.object({ kind: z.literal('bytes'), base64: text(1_400_000), fileName: text(255) }).strict(),
]);

const importSource = z.enum(['ssh-config', 'putty']);

const promptAnswer = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('host-key'), trust: z.enum(['once', 'always']) }).strict(),
  z.object({ kind: z.literal('secret'), value: text(4096), remember: z.boolean() }).strict(),
  z.object({ kind: z.literal('keyboard-interactive'), answers: z.array(text(4096)).max(32) }).strict(),
]);

const cloudAccount = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('aws'), profile: text(200).nullable(), vaultCredential: text(200).nullable(), region: text(100) }).strict(),
  z.object({ provider: z.literal('azure'), subscriptionId: text(100), tenantId: text(100).nullable() }).strict(),
]);
const cloudMachine = z.object({ account: cloudAccount, id: text(300) }).strict();

const settingsPatch = z
  .object({
    keepaliveSeconds: z.number().int().min(0).max(3600).optional(),
    browser: z.discriminatedUnion('kind', [z.object({ kind: z.literal('default') }).strict(), z.object({ kind: z.literal('custom'), path: text(4096) }).strict()]).optional(),
    launchAtLogin: z.boolean().optional(),
    notifications: z.boolean().optional(),
    promptTimeoutSeconds: z.number().int().min(10).max(3600).optional(),
  })
  .strict();

// `satisfies` makes the compiler reject a command missing here or not listed in channels.ts.
export const commands = {
  'app:get-info': command<V.AppInfo>()(none),

  'hosts:list': command<V.HostView[]>()(none),
  /** Adds (originalName null) or updates a host. `notebookPassword` is kept in the vault, never returned. */
  'hosts:save': command<V.HostView>()(z.object({ originalName: text(200).nullable(), host: hostInput, notebookPassword: text(4096).optional() }).strict()),
  'hosts:remove': command<null>()(z.object({ name: text(200) }).strict()),
  /** Connects once (asking what it must) and reports the remote's conda envs and Jupyter flavours. */
  'hosts:probe': command<V.HostProbeView>()(z.object({ host: hostInput }).strict()),
  /** What an import would add; `path` null means the usual place (~/.ssh/config, PuTTY's registry). */
  'hosts:preview-import': command<V.ImportPreviewView>()(z.object({ source: importSource, path: text(4096).nullable() }).strict()),
  'hosts:import': command<{ added: string[]; existing: string[] }>()(z.object({ source: importSource, path: text(4096).nullable(), names: z.array(text(200)).max(1000) }).strict()),

  'keys:list': command<V.KeyView[]>()(none),
  /** The OS file picker, opened by main; null when the user closed it. */
  'keys:pick-file': command<{ path: string | null }>()(none),
  'keys:inspect': command<V.KeyInspectionView>()(z.object({ source: keySource }).strict()),
  /** `keepPath`: keep only the file's path (for `path` sources) instead of a converted copy in the vault. */
  'keys:import': command<V.KeyView>()(z.object({ source: keySource, name: text(200), passphrase: text(4096).optional(), keepPath: z.boolean().optional() }).strict()),
  'keys:generate': command<V.KeyView>()(z.object({ name: text(200), type: z.enum(['ed25519', 'rsa']), passphrase: text(4096).optional() }).strict()),
  /** Puts the public key line on the clipboard (main owns the clipboard). */
  'keys:copy-public': command<null>()(z.object({ name: text(200) }).strict()),
  'keys:remove': command<null>()(z.object({ name: text(200) }).strict()),
  /** Logs in with the password given (used once, never kept) and appends the key to ~/.ssh/authorized_keys. */
  'keys:install': command<{ added: boolean }>()(z.object({ name: text(200), host: text(300), port: port, user: text(300), password: text(4096) }).strict()),

  'sessions:list': command<V.SessionView[]>()(none),
  /** One click: connect, find or start Jupyter, forward, check it answers, open the browser. */
  'sessions:launch': command<null>()(z.object({ host: text(200), openBrowser: z.boolean().optional() }).strict()),
  /** Connect with the host's saved forwards only, no Jupyter. */
  'sessions:connect': command<null>()(hostName),
  /** Opens the ready notebook in the browser through a one-time handoff (the token never leaves main). */
  'sessions:open': command<null>()(hostName),
  /** Copies a one-time handoff address that logs the browser in, valid for a minute. */
  'sessions:copy-url': command<null>()(hostName),
  /** Closes the forwards and the connection; Jupyter keeps running unless the host says otherwise. */
  'sessions:disconnect': command<null>()(hostName),
  /** Stops the session's Jupyter server, then disconnects. */
  'sessions:stop-server': command<null>()(hostName),
  'sessions:retry': command<null>()(hostName),
  /** Jupyter servers running on a connected host. */
  'sessions:list-servers': command<V.RemoteServerView[]>()(hostName),

  'prompts:list': command<V.PromptView[]>()(none),
  'prompts:answer': command<null>()(z.object({ id: text(100), answer: promptAnswer }).strict()),
  'prompts:cancel': command<null>()(z.object({ id: text(100) }).strict()),

  'settings:get': command<V.SettingsView>()(none),
  'settings:update': command<V.SettingsView>()(z.object({ patch: settingsPatch }).strict()),

  'logs:recent': command<V.LogLineView[]>()(z.object({ limit: z.number().int().min(1).max(5000).optional() }).strict()),

  /** AWS profiles, regions and vault credentials (names only), and whether the Azure CLI is there. */
  'cloud:accounts': command<V.CloudAccountsView>()(none),
  /** Signs in to Azure if needed (`interactive`: may open the browser or show a device code as a prompt) and lists subscriptions. */
  'cloud:azure-subscriptions': command<V.AzureSubscriptionView[]>()(z.object({ interactive: z.boolean() }).strict()),
  /** Every machine of the account (all pages), with price estimates and the saved hosts linked to each. */
  'cloud:list-machines': command<V.CloudMachineView[]>()(z.object({ account: cloudAccount }).strict()),
  /** Starts the machine and resolves once it runs; progress comes as cloud:machine-changed. */
  'cloud:start-machine': command<V.CloudMachineView>()(cloudMachine),
  /** Stops (AWS) or deallocates (Azure) the machine and resolves once it has. */
  'cloud:stop-machine': command<V.CloudMachineView>()(cloudMachine),
  /** Saves a cloud-linked host for the machine: user, key (the vault key named like the key pair), Jupyter defaults, known images. */
  'cloud:add-as-host': command<V.HostView>()(z.object({ account: cloudAccount, id: text(300), name: text(200).optional() }).strict()),
  /** VMs Porthole started that still run, with their cost so far (for the tray and Quit). */
  'cloud:started-machines': command<V.StartedMachineView[]>()(none),
  /** Keeps AWS access keys in the vault (renderer -> main only; never returned). */
  'cloud:save-aws-credential': command<{ name: string; accessKeyId: string }>()(
    z.object({ name: text(100), accessKeyId: text(128), secretAccessKey: text(256), sessionToken: text(4096).optional(), replace: z.boolean().optional() }).strict(),
  ),
  'cloud:remove-aws-credential': command<null>()(z.object({ name: text(100) }).strict()),
} as const satisfies Record<CommandName, CommandSpec<z.ZodType, unknown>>;

/** Events main pushes to the renderer. Main builds these payloads itself, so they are typed, not parsed. */
const payload = <T>() => z.custom<T>(() => true);

export const events = {
  /** The machine woke from sleep or the network came back: views may refresh. */
  'app:resumed': z.object({ at: z.number() }).strict(),
  'app:notice': payload<{ notice: V.NoticeView }>(),
  'hosts:changed': payload<{ hosts: V.HostView[] }>(),
  'keys:changed': payload<{ keys: V.KeyView[] }>(),
  'sessions:changed': payload<{ sessions: V.SessionView[] }>(),
  'prompts:changed': payload<{ prompts: V.PromptView[] }>(),
  'settings:changed': payload<{ settings: V.SettingsView }>(),
  'logs:appended': payload<{ lines: V.LogLineView[] }>(),
  /** A machine's state as a start or stop goes on (and after every list). */
  'cloud:machine-changed': payload<{ account: V.CloudAccountView; machine: V.CloudMachineView }>(),
  'cloud:started-changed': payload<{ machines: V.StartedMachineView[] }>(),
} as const satisfies Record<EventName, z.ZodType>;

export type CommandArgs<N extends CommandName> = z.input<(typeof commands)[N]['args']>;
export type CommandResult<N extends CommandName> = NonNullable<(typeof commands)[N]['result']> extends never ? null : Exclude<(typeof commands)[N]['result'], undefined>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What every command resolves to: nothing throws across IPC. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: PortholeErrorInfo };

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;
type DomainOf<N extends string> = N extends `${infer D}:${string}` ? D : never;

/** `window.porthole`: `'app:get-info'` becomes `porthole.app.getInfo(args)`. */
export type PortholeApi = {
  readonly [D in DomainOf<CommandName>]: {
    readonly [N in CommandName as N extends `${D}:${infer Verb}` ? CamelCase<Verb> : never]: (
      args: CommandArgs<N>,
    ) => Promise<Result<CommandResult<N>>>;
  };
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
