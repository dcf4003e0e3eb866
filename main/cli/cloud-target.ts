/**
 * A saved cloud host, from the command line: its provider (the account its link names),
 * the bring-up that finds (and for `porthole up`, starts) the machine, and the address it
 * ended up with, remembered in the profile for `hosts list` and the window.
 */
import { createProvider, type CloudProvider } from '../cloud';
import type { CloudLink, Profile } from '../profiles';
import { VmBringUp, type BringUpResult } from '../session/bring-up';
import type { BringUpState } from '../session/bring-up-state';
import { accountOf, machineIdOf, type ResolvedAddress } from '../session/cloud-link';
import { openProfileStore, openVault } from './stores';

export type CloudProfile = Profile & { readonly cloud: CloudLink };

export function isCloudProfile(profile: Profile | null): profile is CloudProfile {
  return profile?.cloud !== undefined;
}

export function providerFor(link: CloudLink): Promise<CloudProvider> {
  // As `porthole aws` does: the SDK's warning that its 2027 releases need Node 22 is nothing a user can act on.
  if (link.provider === 'aws') process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  return createProvider(accountOf(link), { vault: openVault });
}

export interface CloudBringUpOptions {
  /** False: a stopped machine is an error (`notebook`, `forward`); `up` starts it. */
  readonly allowStart: boolean;
  readonly signal?: AbortSignal;
  readonly onState?: (state: BringUpState, runner: VmBringUp) => void;
  /** Whether SSH greets at host:port (behind jump hosts: looked for from them); default a direct probe. */
  readonly probe?: (host: string, port: number, signal: AbortSignal) => Promise<boolean>;
}

/** Runs the bring-up of a cloud host's machine; the runner is handed out for `startedByPorthole` after a cancel. */
export function cloudBringUp(profile: CloudProfile, provider: CloudProvider, options: CloudBringUpOptions): { runner: VmBringUp; result: Promise<BringUpResult> } {
  const runner = new VmBringUp({
    provider,
    machineId: machineIdOf(profile.cloud),
    sshPort: profile.port,
    allowStart: options.allowStart,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.probe ? { probe: options.probe } : {}),
  });
  if (options.onState) {
    const onState = options.onState;
    runner.onChange((state) => onState(state, runner));
  }
  const result = runner.run().then(async (done) => {
    await rememberAddress(profile, done.address);
    return done;
  });
  return { runner, result };
}

/** `notebook` and `forward` on a cloud host: where its running machine is now (never starts it). */
export async function currentCloudAddress(profile: CloudProfile): Promise<ResolvedAddress> {
  const { result } = cloudBringUp(profile, await providerFor(profile.cloud), { allowStart: false });
  const done = await result;
  return { host: done.address, hostKeyAlias: done.hostKeyAlias };
}

/** Best effort: the address is only shown, so a profile store that cannot be written changes nothing. */
async function rememberAddress(profile: CloudProfile, address: string): Promise<void> {
  if (profile.cloud.lastSeenAddress === address) return;
  try {
    const store = await openProfileStore();
    const current = store.get(profile.name)?.cloud;
    if (current !== undefined && machineIdOf(current) === machineIdOf(profile.cloud)) await store.update(profile.name, { cloud: { ...current, lastSeenAddress: address } });
  } catch {
    // Read-only (a newer Porthole's file) or unwritable: the next connect asks the cloud anyway.
  }
}
