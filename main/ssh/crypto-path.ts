/**
 * Which of ssh2's two cipher implementations this process runs, for the start-up log: its
 * native addon (lib/protocol/crypto/build/Release/sshcrypto.node: OpenSSL driven from C++,
 * one call per packet) or its JavaScript path over the runtime's crypto module (several
 * objects per packet; the tunnel benchmark measured 0.84x OpenSSH's throughput this way
 * against 0.92x with the addon). Under Node the addon npm built normally loads; in the
 * packaged app it loads only when the build could make one that links against the shipped
 * Electron (scripts/packaging/ssh2-crypto.cjs), so the log line is the proof of which path is
 * live.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type SshCryptoPath =
  | { readonly kind: 'native-addon'; readonly addon: string }
  | { readonly kind: 'javascript'; readonly reason: string };

/** How the answer is found; tests swap these for files of their own. */
export interface SshCryptoProbe {
  /** ssh2's own verdict, taken when it loaded: `bindingAvailable` in lib/protocol/crypto.js. */
  readonly addonInUse: () => boolean;
  /** The file ssh2 tries to load. */
  readonly addonPath: () => string;
  readonly load: (file: string) => unknown;
}

const requireHere = createRequire(__filename);

export const ssh2Probe: SshCryptoProbe = {
  addonInUse: () => (requireHere('ssh2/lib/protocol/crypto.js') as { bindingAvailable: boolean }).bindingAvailable,
  addonPath: () => join(dirname(requireHere.resolve('ssh2/package.json')), 'lib', 'protocol', 'crypto', 'build', 'Release', 'sshcrypto.node'),
  load: (file) => requireHere(file),
};

export function sshCryptoPath(probe: SshCryptoProbe = ssh2Probe): SshCryptoPath {
  const addon = probe.addonPath();
  if (probe.addonInUse()) return { kind: 'native-addon', addon };
  if (!existsSync(addon)) return { kind: 'javascript', reason: 'this build ships no native addon' };
  try {
    probe.load(addon);
  } catch (error) {
    // The loader's own first line: a wrong ABI ("compiled against a different Node.js
    // version"), a missing library, a file that is not a binary.
    const firstLine = String((error as Error).message ?? error).split('\n')[0]!.trim();
    return { kind: 'javascript', reason: `the native addon did not load: ${firstLine}` };
  }
  return { kind: 'javascript', reason: 'ssh2 did not take the native addon' };
}

/** The log line: which path, and why when it is the slower one. */
export function describeSshCryptoPath(path: SshCryptoPath, runtime: string = runtimeName()): string {
  return path.kind === 'native-addon'
    ? `SSH encryption runs in ssh2's native crypto addon on ${runtime} (${path.addon})`
    : `SSH encryption runs in ssh2's JavaScript path over ${runtime}'s crypto: ${path.reason}`;
}

function runtimeName(): string {
  const electron = process.versions['electron'];
  return electron ? `Electron ${electron}` : `Node ${process.versions.node}`;
}
