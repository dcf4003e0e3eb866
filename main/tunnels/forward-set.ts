/** All the forwards of one connection, opened together and closed together. */
import type { PortholeError } from '../shared/errors';
import type { SshConnection } from '../ssh/connection';
import { DynamicForward } from './dynamic-forward';
import type { ForwardSpec } from './forward-spec';
import { LocalForward, type ForwardOptions } from './local-forward';
import { RemoteForward } from './remote-forward';

/**
 * Opens (and at once closes) one channel to the target, so a server that forbids forwarding
 * is reported when the forward is set up rather than on the browser's first request.
 * Nothing listening there yet is fine: the service (Jupyter) may start later.
 */
async function probeForwarding(connection: SshConnection, target: { host: string; port: number }): Promise<void> {
  try {
    const channel = await connection.openChannel(target);
    // Drain it, so ssh2 can finish the channel and emit 'close'.
    channel.resume();
    channel.destroy();
  } catch (error) {
    if ((error as PortholeError).code === 'tunnel.forwarding-refused') throw error;
  }
}

/** `bindHost` is where the listener really is: the user's address, not an assumed 127.0.0.1. */
export type ForwardInfo =
  | { readonly kind: 'local'; readonly bindHost: string; readonly localPort: number; readonly remoteHost: string; readonly remotePort: number }
  | { readonly kind: 'remote'; readonly bindHost: string; readonly remotePort: number; readonly localHost: string; readonly localPort: number }
  | { readonly kind: 'dynamic'; readonly bindHost: string; readonly localPort: number };

type AnyForward = LocalForward | RemoteForward | DynamicForward;

export class ForwardSet {
  private closing: Promise<void> | null = null;

  private constructor(private readonly forwards: readonly AnyForward[]) {}

  /** Opens every forward or none: if one fails, those already open are closed again. */
  static async open(specs: readonly ForwardSpec[], connection: SshConnection, options: ForwardOptions & { onRemoteError?: (error: PortholeError) => void } = {}): Promise<ForwardSet> {
    const opened: AnyForward[] = [];
    try {
      for (const spec of specs) {
        switch (spec.kind) {
          case 'local':
            await probeForwarding(connection, { host: spec.remoteHost, port: spec.remotePort });
            opened.push(await LocalForward.open(spec, connection, options));
            break;
          case 'remote':
            opened.push(await RemoteForward.open(spec, connection, options.onRemoteError));
            break;
          case 'dynamic':
            opened.push(await DynamicForward.open(spec, connection, options));
            break;
        }
      }
    } catch (error) {
      await Promise.all(opened.map((forward) => forward.close()));
      throw error;
    }
    return new ForwardSet(opened);
  }

  describe(): ForwardInfo[] {
    return this.forwards.map((forward): ForwardInfo => {
      if (forward instanceof LocalForward) {
        return { kind: 'local', bindHost: forward.spec.bindHost, localPort: forward.localPort, remoteHost: forward.spec.remoteHost, remotePort: forward.spec.remotePort };
      }
      if (forward instanceof RemoteForward) {
        return { kind: 'remote', bindHost: forward.spec.bindHost, remotePort: forward.remotePort ?? forward.spec.bindPort, localHost: forward.spec.localHost, localPort: forward.spec.localPort };
      }
      return { kind: 'dynamic', bindHost: forward.spec.bindHost, localPort: forward.localPort };
    });
  }

  close(): Promise<void> {
    this.closing ??= Promise.all(this.forwards.map((forward) => forward.close())).then(() => undefined);
    return this.closing;
  }
}
