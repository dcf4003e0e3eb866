/**
 * What the renderer sees: plain data, built by main/app from the engine's own types, and
 * never a secret. No key material, no stored password, no Jupyter token appears in any of
 * these shapes; a notebook URL here is always the bare local address.
 *
 * Kept free of imports from the engine folders so the renderer (which may import this
 * module's types only) depends on the contract, not on how the engine is built.
 */
import type { PortholeErrorInfo } from '../shared/errors';

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly platform: string;
}

// ---------------------------------------------------------------------------------------
// Hosts

export type KeyRefView = { readonly kind: 'vault'; readonly name: string } | { readonly kind: 'path'; readonly path: string } | { readonly kind: 'agent' };

export interface JumpHostView {
  readonly host: string;
  readonly port: number;
  readonly user: string | null;
}

export type ForwardView =
  | { readonly kind: 'local'; readonly bindHost: string; readonly bindPort: number; readonly remoteHost: string; readonly remotePort: number }
  | { readonly kind: 'remote'; readonly bindHost: string; readonly bindPort: number; readonly localHost: string; readonly localPort: number }
  | { readonly kind: 'dynamic'; readonly bindHost: string; readonly bindPort: number };

export type JupyterEnvView = { readonly kind: 'auto' } | { readonly kind: 'conda'; readonly name: string } | { readonly kind: 'python'; readonly path: string };

export interface JupyterOptionsView {
  readonly flavour: 'lab' | 'notebook' | 'server' | 'auto';
  readonly env: JupyterEnvView;
  readonly rootDir: string | null;
  readonly auth: 'token' | 'password';
  readonly localPort: number | null;
  readonly stopOnDisconnect: boolean;
  /** Password mode: whether a notebook password is kept in the vault for this host. */
  readonly passwordSaved: boolean;
  /**
   * Use the JupyterHub already running on the VM (Azure's Data Science VM, The Littlest
   * JupyterHub) instead of starting Jupyter: Porthole forwards this port and opens the hub's
   * page; the hub asks for its own login. null: find or start Jupyter as usual.
   */
  readonly hub: JupyterHubView | null;
}

/** A JupyterHub on the VM: where it listens (on the VM's loopback or any address) and how it speaks. */
export interface JupyterHubView {
  readonly port: number;
  /** `https` for the Data Science VM (a self-signed certificate), `http` for The Littlest JupyterHub. */
  readonly scheme: 'http' | 'https';
}

/** Cost-safety settings of a cloud-linked host. */
export interface CloudSafetyView {
  /** Stop (AWS) or deallocate (Azure) the VM when Porthole disconnects. */
  readonly stopVmOnDisconnect: boolean;
  /** Stop the VM after this many idle minutes (no kernel busy, no connection); null: never. */
  readonly idleStopMinutes: number | null;
}

/** Which cloud machine a host is; its address comes from the cloud at every connect. */
export type CloudLinkView =
  | (CloudSafetyView & {
      readonly provider: 'aws';
      readonly instanceId: string;
      readonly region: string;
      /** An AWS CLI profile, or null for the default chain (environment, then `default`). */
      readonly profile: string | null;
      /** Access keys kept in Porthole's vault under this name, instead of a profile. */
      readonly vaultCredential: string | null;
    })
  | (CloudSafetyView & {
      readonly provider: 'azure';
      readonly subscriptionId: string;
      readonly resourceGroup: string;
      readonly vmName: string;
      readonly tenantId: string | null;
    });

/** What the editor sends for a cloud link (the same fields; optional ones may be left out). */
export type CloudLinkInputView =
  | {
      readonly provider: 'aws';
      readonly instanceId: string;
      readonly region: string;
      readonly profile?: string;
      readonly vaultCredential?: string;
      readonly stopVmOnDisconnect?: boolean;
      readonly idleStopMinutes?: number | null;
    }
  | {
      readonly provider: 'azure';
      readonly subscriptionId: string;
      readonly resourceGroup: string;
      readonly vmName: string;
      readonly tenantId?: string;
      readonly stopVmOnDisconnect?: boolean;
      readonly idleStopMinutes?: number | null;
    };

export interface HostView {
  readonly name: string;
  /** The address to show: the host's own, or for a cloud host the one it had when last reached ('' before that). */
  readonly host: string;
  readonly port: number;
  readonly user: string | null;
  readonly key: KeyRefView | null;
  readonly jumpHosts: readonly JumpHostView[];
  readonly forwards: readonly ForwardView[];
  readonly jupyter: JupyterOptionsView;
  /** Set for a host that is a cloud machine. */
  readonly cloud: CloudLinkView | null;
}

/** What the host editor sends: the same fields, defaults left out where the user left them. */
export interface HostInput {
  readonly name: string;
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  readonly key?: KeyRefView;
  readonly jumpHosts?: readonly { readonly host: string; readonly port?: number; readonly user?: string }[];
  readonly forwards?: readonly ForwardView[];
  readonly jupyter?: {
    readonly flavour?: JupyterOptionsView['flavour'];
    readonly env?: JupyterEnvView;
    readonly rootDir?: string;
    readonly auth?: 'token' | 'password';
    readonly localPort?: number;
    readonly stopOnDisconnect?: boolean;
    /** The hub on the VM to open; null: none (start Jupyter); left out: an existing host keeps its own. */
    readonly hub?: JupyterHubView | null;
  };
  /**
   * The cloud link: a link saves the host as that cloud machine (`host` is then ignored);
   * null makes it a plain host at `host`; left out, an existing host keeps the link it has.
   */
  readonly cloud?: CloudLinkInputView | null;
}

/** One entry an import (~/.ssh/config, PuTTY) would add, as the preview shows it. */
export interface ImportCandidateView {
  readonly host: HostView;
  /** A saved host already has this name: importing leaves the saved one as it is. */
  readonly exists: boolean;
}

export interface ImportPreviewView {
  readonly source: 'ssh-config' | 'putty';
  /** The file read (ssh_config or .reg), or null for PuTTY's live registry on Windows. */
  readonly path: string | null;
  readonly candidates: readonly ImportCandidateView[];
  readonly skipped: readonly { readonly host: string; readonly reason: string }[];
  readonly warnings: readonly { readonly host: string; readonly message: string }[];
}

/** What the remote reports about its Jupyter installs, for the host editor's pickers. */
export interface HostProbeView {
  readonly condaEnvs: readonly string[];
  readonly flavours: readonly ('lab' | 'notebook' | 'server')[];
  readonly versions: { readonly jupyterlab: string | null; readonly notebook: string | null; readonly jupyterServer: string | null };
}

// ---------------------------------------------------------------------------------------
// Keys

export type KeyFormatView = 'openssh' | 'pem' | 'pkcs8' | 'der' | 'ppk-v2' | 'ppk-v3' | 'generated';

export interface KeyView {
  readonly name: string;
  readonly type: string;
  readonly bits: number;
  readonly fingerprint: string;
  readonly comment: string;
  /** The OpenSSH public key line (public, safe to show and copy). */
  readonly publicKey: string;
  /** `vault`: a converted copy is in the encrypted vault; `path`: only the file's path is kept. */
  readonly source: 'vault' | 'path';
  readonly path: string | null;
  readonly format: KeyFormatView;
  readonly needsPassphrase: boolean;
  readonly addedAt: string;
}

/** Where the key import wizard reads a key from. Dropped files arrive as bytes. */
export type KeySourceView =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'bytes'; readonly base64: string; readonly fileName: string };

/** What a file or pasted text is, before any passphrase is asked. */
export type KeyInspectionView =
  | {
      readonly kind: 'private';
      readonly format: Exclude<KeyFormatView, 'generated'>;
      /** Null when the format hides it until decrypted (encrypted PKCS#8, for example). */
      readonly type: string | null;
      readonly encrypted: boolean;
      /** Known without the passphrase for OpenSSH and .ppk files (their public half is in the clear). */
      readonly fingerprint: string | null;
      readonly comment: string;
      readonly suggestedName: string;
    }
  | { readonly kind: 'public'; readonly type: string; readonly fingerprint: string | null; readonly comment: string }
  | { readonly kind: 'invalid'; readonly error: PortholeErrorInfo };

// ---------------------------------------------------------------------------------------
// Sessions

export interface NotebookView {
  /** The bare local URL (http://127.0.0.1:PORT/lab): no token. */
  readonly url: string;
  readonly localPort: number;
  readonly remotePort: number;
  readonly serverPid: number;
  readonly reused: boolean;
  readonly flavour: 'lab' | 'notebook' | 'server';
  readonly version: string | null;
  readonly rootDir: string;
  /**
   * Set when this is the VM's own JupyterHub (no server Porthole started or found; serverPid
   * is 0): the scheme of `url`, and, for a hub with a self-signed certificate, the words that
   * explain the browser's warning about it. Absent or null: a Jupyter server.
   */
  readonly hub?: { readonly scheme: 'http' | 'https'; readonly certificateNote: string | null } | null;
}

export interface ForwardStatusView {
  readonly spec: ForwardView;
  /** The port actually listening (local and dynamic forwards), or the server's port (remote). */
  readonly boundPort: number;
}

/** A question the engine waits on, as the prompt itself describes it. */
export type PromptDetailView =
  | { readonly kind: 'host-key'; readonly server: string; readonly keyType: string; readonly fingerprint: string }
  | { readonly kind: 'passphrase'; readonly keyLabel: string; readonly retry: boolean; readonly canRemember: boolean }
  | { readonly kind: 'password'; readonly server: string; readonly retry: boolean; readonly canRemember: boolean }
  | {
      readonly kind: 'keyboard-interactive';
      readonly server: string;
      readonly instructions: string;
      readonly prompts: readonly { readonly prompt: string; readonly echo: boolean }[];
    }
  /**
   * Porthole signs in to a cloud on the user's behalf (no `az login` was done): nothing to
   * type here. `browser`: the system browser opened Microsoft's sign-in page; `device-code`:
   * open `url` on any device and enter `code`. Main closes the prompt when the sign-in ends;
   * the only answer is prompts:cancel.
   */
  | {
      readonly kind: 'cloud-sign-in';
      readonly provider: 'azure';
      readonly method: 'browser' | 'device-code';
      readonly url: string | null;
      readonly code: string | null;
      readonly message: string;
    };

export interface PromptView {
  readonly id: string;
  /** The saved host the question is for. */
  readonly host: string;
  readonly createdAt: number;
  /** When an unanswered prompt gives up (epoch ms). */
  readonly expiresAt: number;
  readonly detail: PromptDetailView;
}

export type PromptAnswer =
  | { readonly kind: 'host-key'; readonly trust: 'once' | 'always' }
  | { readonly kind: 'secret'; readonly value: string; readonly remember: boolean }
  | { readonly kind: 'keyboard-interactive'; readonly answers: readonly string[] };

/** A host key that changed: shown as a blocking warning, with nothing to accept. */
export type HostKeyChangedView = NonNullable<NonNullable<PortholeErrorInfo['details']>['hostKeyChanged']>;

/** A failure as the user sees it: the engine's message and hint, plus `details.hostKeyChanged` where it applies. */
export type ErrorView = PortholeErrorInfo;

export type SessionPhaseView = 'locating' | 'starting' | 'forwarding' | 'probing';

/** A cloud machine's power state, in words both clouds share (see main/cloud/provider.ts). */
export type MachineStateView = 'pending' | 'running' | 'stopping' | 'stopped' | 'deallocating' | 'deallocated' | 'terminating' | 'terminated' | 'unknown';

export type SessionStateView =
  /**
   * A cloud host's VM on its way up: `machineState` as the cloud last said (null before the
   * first answer; `stopping`/`deallocating` while Porthole waits for it to stop before
   * starting it; `pending` once starting). `startedByPorthole`: Porthole asked it to start.
   */
  | { readonly kind: 'starting-vm'; readonly machineState: MachineStateView | null; readonly startedByPorthole: boolean }
  /** The VM runs; Porthole waits until its SSH server greets at `address` (probe `attempt`, from 0). */
  | { readonly kind: 'waiting-for-ssh'; readonly address: string; readonly attempt: number }
  | { readonly kind: 'connecting'; readonly attempt: number }
  | { readonly kind: 'awaiting-user'; readonly promptId: string | null }
  | { readonly kind: 'starting-jupyter'; readonly phase: SessionPhaseView; readonly reusing: boolean }
  | { readonly kind: 'ready'; readonly notebook: NotebookView | null; readonly forwards: readonly ForwardStatusView[]; readonly reconnected: boolean }
  | { readonly kind: 'reconnecting'; readonly attempt: number; readonly retryAt: number; readonly error: ErrorView; readonly notebook: NotebookView | null }
  | { readonly kind: 'server-stopped'; readonly notebook: NotebookView }
  | { readonly kind: 'stopping' }
  | { readonly kind: 'closed'; readonly leftRunning: LeftRunningView | null }
  | { readonly kind: 'failed'; readonly error: ErrorView };

/** A Jupyter server left running on the remote when a session ended (so the user knows where). */
export interface LeftRunningView {
  readonly server: string;
  readonly pid: number;
  readonly remotePort: number;
  readonly rootDir: string;
  readonly reason: 'kept' | 'unreachable';
}

/** The hourly price estimate from Porthole's bundled table (main/cloud/prices.ts). */
export interface PriceView {
  readonly usdPerHour: number;
  /** The date of the list prices: show it with the figure ("estimate, prices of ..."). */
  readonly asOf: string;
}

/**
 * The cloud side of a cloud host's session: the machine as last seen, whether Porthole
 * started it (for the quit and tray warnings), what it costs, and the cost-safety state.
 */
export interface CloudSessionView {
  readonly provider: 'aws' | 'azure';
  /** AWS `i-…`; Azure `resourceGroup/vmName`. */
  readonly machineId: string;
  /** Null until the cloud answered. */
  readonly machine: {
    readonly name: string;
    readonly state: MachineStateView;
    readonly instanceType: string;
    readonly region: string;
  } | null;
  /** Where SSH went (or goes): the address the bring-up found. */
  readonly address: string | null;
  /** Porthole asked the cloud to start this VM in this session (it was stopped before). */
  readonly startedByPorthole: boolean;
  /** Since when the VM runs (the cloud's launch time, else when Porthole started it), epoch ms. */
  readonly runningSince: number | null;
  readonly price: PriceView | null;
  /** Estimated USD since runningSince at `price`, as of this snapshot; null without both. */
  readonly costSoFar: number | null;
  /** Idle auto-stop, when the host has it and the notebook is ready. */
  readonly idle: {
    readonly afterMinutes: number;
    /** Since when Jupyter reports no activity (null before the first answer). */
    readonly idleSince: number | null;
    /** Set while a warning is out: the VM stops then unless activity comes back. */
    readonly stopAt: number | null;
  } | null;
  /** What became of Porthole stopping the VM (on disconnect, or idle). */
  readonly vmStop:
    | { readonly kind: 'none' }
    | { readonly kind: 'stopping'; readonly reason: 'disconnect' | 'idle' }
    | { readonly kind: 'stopped'; readonly reason: 'disconnect' | 'idle' }
    | { readonly kind: 'failed'; readonly reason: 'disconnect' | 'idle'; readonly error: ErrorView };
}

export interface SessionView {
  /** The saved host's name: one session per host. */
  readonly host: string;
  /** `notebook`: Jupyter through a forward; `forwards`: only the host's saved forwards. */
  readonly mode: 'notebook' | 'forwards';
  readonly state: SessionStateView;
  readonly startedAt: number;
  /** Whether Porthole started (rather than reused) the Jupyter server of this session. */
  readonly startedServer: boolean;
  /** Set for a cloud host. */
  readonly cloud: CloudSessionView | null;
}

/** A Jupyter server running on a connected host, for the Notebooks screen. */
export interface RemoteServerView {
  readonly pid: number;
  readonly port: number;
  readonly rootDir: string;
  readonly version: string | null;
  readonly kind: string;
  /** The one this host's session is forwarding. */
  readonly current: boolean;
}

// ---------------------------------------------------------------------------------------
// Settings, logs, notices

export type BrowserChoiceView = { readonly kind: 'default' } | { readonly kind: 'custom'; readonly path: string };

export interface SettingsView {
  readonly keepaliveSeconds: number;
  readonly browser: BrowserChoiceView;
  /** Start in the tray when the user logs in (the shell registers it with the OS: main/electron/login-item.ts). */
  readonly launchAtLogin: boolean;
  readonly notifications: boolean;
  /** How long a question waits for an answer before the step fails. */
  readonly promptTimeoutSeconds: number;
}

export interface LogLineView {
  readonly seq: number;
  readonly at: number;
  readonly level: 'info' | 'warn' | 'error';
  /** A host name, or `app`. */
  readonly scope: string;
  /** Already redacted: no token, password or key material. */
  readonly message: string;
}

/** Something worth a toast or an OS notification. */
export interface NoticeView {
  readonly id: string;
  readonly level: 'info' | 'warning' | 'error';
  readonly title: string;
  readonly body: string;
  readonly host: string | null;
}

// ---------------------------------------------------------------------------------------
// Cloud: accounts, machines, and the VMs Porthole started (main/cloud via main/app)

/** Which account the Cloud screen looks at; never a credential, only where to find one. */
export type CloudAccountView =
  | {
      readonly provider: 'aws';
      /** An AWS CLI profile, or null for the default chain (environment, then `default`). */
      readonly profile: string | null;
      /** Access keys kept in Porthole's vault under this name (instead of a profile). */
      readonly vaultCredential: string | null;
      readonly region: string;
    }
  | { readonly provider: 'azure'; readonly subscriptionId: string; readonly tenantId: string | null };

export interface AwsProfileView {
  readonly name: string;
  /** How it signs in: static keys, SSO, an assumed role, a credential process... */
  readonly kind: string;
  readonly region: string | null;
}

export interface CloudAccountsView {
  readonly aws: {
    /** Profiles of ~/.aws/config and ~/.aws/credentials (default first). */
    readonly profiles: readonly AwsProfileView[];
    /** What the default chain reads when no profile is chosen (AWS_PROFILE, else `default`); null when none exists. */
    readonly defaultProfile: string | null;
    /** Whether AWS_ACCESS_KEY_ID is set in Porthole's environment (the default chain uses it first). */
    readonly environmentCredentials: boolean;
    /** Access keys saved in Porthole's vault: the name and the masked key id only. */
    readonly vaultCredentials: readonly { readonly name: string; readonly accessKeyId: string }[];
    readonly regions: readonly { readonly id: string; readonly name: string }[];
    /** AWS_REGION, else the default profile's region; null when nothing says. */
    readonly defaultRegion: string | null;
  };
  readonly azure: {
    /** Whether the Azure CLI (`az`) is installed, so its login can be used. */
    readonly cliInstalled: boolean;
  };
}

export interface AzureSubscriptionView {
  readonly id: string;
  readonly name: string;
  readonly tenantId: string | null;
  /** Enabled, Disabled, Warned, PastDue...: only Enabled ones can start VMs. */
  readonly state: string;
}

/** A machine of a cloud account, as the Cloud screen lists it. */
export interface CloudMachineView {
  readonly provider: 'aws' | 'azure';
  /** AWS `i-…`; Azure `resourceGroup/vmName`: what cloud:start-machine etc. take. */
  readonly id: string;
  readonly name: string;
  readonly state: MachineStateView;
  /** The cloud's own word for the state ("stopped", "PowerState/deallocated"). */
  readonly rawState: string;
  /** Whether compute bills in this state (Azure's "stopped" does; "deallocated" does not). */
  readonly billsCompute: boolean;
  readonly instanceType: string;
  readonly region: string;
  readonly publicIp: string | null;
  readonly publicDns: string | null;
  readonly privateIp: string | null;
  readonly keyName: string | null;
  readonly defaultUser: string | null;
  readonly image: string | null;
  readonly knownImage: 'aws-deep-learning' | 'azure-dsvm' | 'tljh' | null;
  readonly platform: 'linux' | 'windows';
  readonly launchedAt: number | null;
  readonly price: PriceView | null;
  /** Saved hosts linked to this machine. */
  readonly hosts: readonly string[];
  /** Porthole started it and it has not been stopped since (this run of Porthole). */
  readonly startedByPorthole: boolean;
  /** A start or stop Porthole is carrying out right now. */
  readonly busy: 'starting' | 'stopping' | null;
}

/** A VM Porthole started that still runs: what the tray and the Quit question warn about. */
export interface StartedMachineView {
  readonly provider: 'aws' | 'azure';
  readonly id: string;
  readonly name: string;
  readonly account: CloudAccountView;
  /** The saved host it belongs to, if any. */
  readonly host: string | null;
  readonly runningSince: number;
  readonly price: PriceView | null;
  /** Estimated USD since runningSince, as of this snapshot; null without a price. */
  readonly costSoFar: number | null;
}
