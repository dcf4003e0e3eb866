/**
 * The "does its SSH server greet yet?" check of a cloud VM reached through jump hosts. The
 * VM's address is often a private one only the last jump host can reach, so a probe from
 * this computer would wait in vain: this one logs in to the jump chain once (asking what
 * that takes, as the connection later would) and reads the VM's greeting through a channel
 * from the last hop, as often as the bring-up asks. Nothing is sent to the VM.
 */
import type { Profile } from '../profiles';
import { PortholeError } from '../shared/errors';
import { sshBannerOn } from '../ssh/banner-probe';
import type { SshConnection } from '../ssh/connection';

/**
 * The profile of the jump chain alone: the last jump host as the target, the ones before it
 * as its jumps, with the host's login and key (as the connection to the VM uses for every hop).
 */
export function jumpChainProfile(profile: Profile): Profile {
  const last = profile.jumpHosts.at(-1);
  if (last === undefined) throw new PortholeError({ code: 'internal.no-jump-hosts', message: `"${profile.name}" has no jump hosts.`, retryable: false });
  const { cloud: _cloud, ...rest } = profile;
  return { ...rest, host: last.host, port: last.port, user: last.user ?? profile.user, jumpHosts: profile.jumpHosts.slice(0, -1), forwards: [] };
}

export class JumpProbe {
  private connection: Promise<SshConnection> | null = null;
  private disposed = false;

  /** `open`: builds (not starts) the connection to the jump chain. */
  constructor(private readonly open: () => Promise<SshConnection>) {}

  /**
   * Whether the VM's SSH server greets at host:port as seen from the last jump host. A jump
   * host that cannot be logged in to is an error (the VM could not be reached through it
   * either); a VM not answering yet is false.
   */
  async answers(host: string, port: number, signal: AbortSignal): Promise<boolean> {
    const connection = await this.jump();
    if (signal.aborted) return false;
    let channel;
    try {
      channel = await connection.openChannel({ host, port });
    } catch {
      // Refused or unreachable from the jump host: not up yet.
      return false;
    }
    return sshBannerOn(channel, { signal });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const connection = this.connection;
    this.connection = null;
    await connection?.then((c) => c.dispose()).catch(() => undefined);
  }

  private jump(): Promise<SshConnection> {
    if (this.disposed) return Promise.reject(new PortholeError({ code: 'cloud.cancelled', message: 'The SSH check through the jump hosts was stopped.', retryable: true }));
    this.connection ??= (async () => {
      const connection = await this.open();
      try {
        await connection.start();
      } catch (error) {
        await connection.dispose();
        throw error;
      }
      return connection;
    })();
    const connecting = this.connection;
    // A failed login is tried afresh by the next probe (the user may fix it meanwhile).
    connecting.catch(() => {
      if (this.connection === connecting) this.connection = null;
    });
    return connecting;
  }
}
