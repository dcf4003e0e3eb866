/** What tunnel.ts and its Porthole child (forward-child.ts) exchange. */
import type { PortholeTuning } from './porthole-forward';

export const CHILD_CONFIG_ENV = 'PORTHOLE_BENCH_CHILD_CONFIG';

export interface ChildConfig {
  readonly ssh: {
    readonly host: string;
    readonly port: number;
    readonly username: string;
    readonly privateKeyPath: string;
    readonly hostFingerprints: readonly string[];
    /** OpenSSH known_hosts for the host, for Porthole's own host key check. */
    readonly knownHostsPath: string;
  };
  readonly cipher: string;
  /** Forced MAC (only for non-AEAD ciphers such as aes128-ctr). */
  readonly mac?: string | undefined;
  readonly targets: readonly { readonly host: string; readonly port: number }[];
  readonly tuning: PortholeTuning;
  /** Whether ssh2's native addon must (true) or must not (false) be in use. */
  readonly expectAddon: boolean;
  /** Experiment: ssh2-padding-pool.ts (a prototype of an upstream fix, not a tuning). */
  readonly paddingPool?: boolean | undefined;
  /**
   * Run the stand-in forwarder of porthole-forward.ts instead of Porthole's real
   * SshConnection + LocalForward: for the tuning experiments (untuned, explore levers),
   * which need knobs the product code does not have.
   */
  readonly standIn?: boolean | undefined;
  /** Reference: no SSH at all, each connection piped to a plain TCP connection to the target. */
  readonly plainProxy?: boolean | undefined;
}

/**
 * Lines the child reads on stdin: `profile-start <intervalUs>` starts the V8 CPU profiler,
 * `profile-stop <file>` writes the .cpuprofile and answers `{"type":"profiled"}` on stdout.
 * Closing stdin shuts the child down.
 */
export type ChildCommand = `profile-start ${number}` | `profile-stop ${string}`;

export interface ChildReady {
  readonly type: 'ready';
  readonly ports: number[];
  readonly bindingAvailable: boolean;
  readonly cipher: string;
  readonly node: string;
  readonly patched: string | null;
}
