/**
 * Reading profiles.json of any version this build knows, one step at a time:
 * v1 -> v2 -> ... -> CURRENT_VERSION. Each step takes the previous format, checked only as
 * far as the step needs, and returns the next one; the final result is checked against the
 * full current schema. To change the format: bump CURRENT_VERSION, keep the old shape here
 * as `vN`, and add the step `N: (file) => ...` — never edit a published step.
 *
 * Format history:
 *  - v1: the key was `identityFile` (a path) or `vaultKey` (a vault name); Jupyter options
 *        had no preferred local port and no stop-on-disconnect.
 *  - v2: `key` is a tagged reference (`vault` | `path` | `agent`); Jupyter gains `localPort`
 *        and `stopOnDisconnect` (default false); every default is written out.
 *  - v3: a cloud-linked host has no `host` (its address comes from the cloud at every
 *        connect; the old one is kept as `cloud.lastSeenAddress`); the link is per provider
 *        (AWS: instanceId + region, and a profile or vault credential; Azure: subscriptionId
 *        + resourceGroup + vmName) and carries `stopVmOnDisconnect` and `idleStopMinutes`.
 *  - v4: Jupyter options may name a JupyterHub already on the VM (`hub`: port and scheme),
 *        opened instead of a Jupyter Porthole finds or starts. Nothing of v3 changes; the
 *        version moves so that an older Porthole opens a file with hubs read-only instead of
 *        dropping them on its next write.
 */
import { z } from 'zod';
import { CURRENT_VERSION, describeIssues, profileSchema, profilesFileSchema, sameName, type Profile, type ProfilesFile } from './schema';

/** What a profiles file turned out to be. */
export type FileReading =
  | { readonly kind: 'ok'; readonly file: ProfilesFile; readonly migratedFrom?: number }
  /** Written by a newer Porthole: the profiles this build can read, for read-only use. */
  | { readonly kind: 'newer'; readonly version: number; readonly readable: Profile[] }
  | { readonly kind: 'damaged'; readonly reason: string };

const v1Profile = z
  .object({
    identityFile: z.string().optional(),
    vaultKey: z.string().optional(),
    jupyter: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const v1File = z.object({ version: z.literal(1), profiles: z.array(v1Profile) });

/** v2's cloud link: one flat shape for both clouds, next to a required `host`. */
const v2CloudLink = z
  .object({
    provider: z.string(),
    instanceId: z.string(),
    region: z.string().optional(),
    resourceGroup: z.string().optional(),
    subscriptionId: z.string().optional(),
  })
  .loose();
const v2Profile = z.object({ host: z.string(), cloud: v2CloudLink.optional() }).loose();
const v2File = z.object({ version: z.literal(2), profiles: z.array(v2Profile) });

/**
 * A v2 link in v3's shape, or null when it lacks what v3 requires (an AWS region; an Azure
 * subscription and resource group): the host then stays a plain host at its address, and
 * the store keeps the v2 file aside, so the link is not lost.
 */
function v3Link(link: z.output<typeof v2CloudLink>, host: string): Record<string, unknown> | null {
  const safety = { stopVmOnDisconnect: false, lastSeenAddress: host };
  if (link.provider === 'aws' && link.region !== undefined) {
    return { provider: 'aws', instanceId: link.instanceId, region: link.region, ...safety };
  }
  if (link.provider === 'azure' && link.subscriptionId !== undefined && link.resourceGroup !== undefined) {
    return { provider: 'azure', subscriptionId: link.subscriptionId, resourceGroup: link.resourceGroup, vmName: link.instanceId, ...safety };
  }
  return null;
}

/** Step N takes a file of version N and returns one of version N + 1. */
const STEPS: Readonly<Record<number, (file: unknown) => unknown>> = {
  1: (raw) => {
    const file = v1File.parse(raw);
    return {
      version: 2,
      profiles: file.profiles.map(({ identityFile, vaultKey, jupyter, ...rest }) => ({
        ...rest,
        ...(vaultKey !== undefined ? { key: { kind: 'vault', name: vaultKey } } : identityFile !== undefined ? { key: { kind: 'path', path: identityFile } } : {}),
        jupyter: { ...jupyter, stopOnDisconnect: false },
      })),
    };
  },
  2: (raw) => {
    const file = v2File.parse(raw);
    return {
      version: 3,
      profiles: file.profiles.map(({ cloud, host, ...rest }) => {
        const link = cloud === undefined ? null : v3Link(cloud, host);
        return link === null ? { ...rest, host } : { ...rest, cloud: link };
      }),
    };
  },
  3: (raw) => {
    const file = z.object({ version: z.literal(3), profiles: z.array(z.unknown()) }).loose().parse(raw);
    return { ...file, version: 4 };
  },
};

/** The oldest version a step exists for. */
const OLDEST_VERSION = Math.min(...Object.keys(STEPS).map(Number), CURRENT_VERSION);

/** Reads the text of a profiles file; never throws. */
export function readProfilesText(text: string): FileReading {
  let raw: unknown;
  try {
    // Windows editors may put a byte-order mark in front; it is not part of the JSON.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { kind: 'damaged', reason: `it is not valid JSON (${(error as Error).message})` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { kind: 'damaged', reason: 'it does not hold a profiles object' };
  const version = (raw as { version?: unknown }).version;
  if (version === undefined) return { kind: 'damaged', reason: 'it has no format version' };
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < OLDEST_VERSION) {
    return { kind: 'damaged', reason: `its format version ${JSON.stringify(version)} is not one Porthole ever wrote` };
  }
  if (version > CURRENT_VERSION) return { kind: 'newer', version, readable: readableProfiles(raw) };
  return migrate(raw, version);
}

function migrate(raw: unknown, version: number): FileReading {
  let file = raw;
  for (let from = version; from < CURRENT_VERSION; from++) {
    const step = STEPS[from];
    if (step === undefined) return { kind: 'damaged', reason: `Porthole cannot upgrade format version ${from}` };
    try {
      file = step(file);
    } catch (error) {
      const detail = error instanceof z.ZodError ? describeIssues(error) : (error as Error).message;
      return { kind: 'damaged', reason: `it does not match format version ${from} (${detail})` };
    }
  }
  const result = profilesFileSchema.safeParse(file);
  if (!result.success) return { kind: 'damaged', reason: `it does not match the profile format (${describeIssues(result.error)})` };
  return version === CURRENT_VERSION ? { kind: 'ok', file: result.data } : { kind: 'ok', file: result.data, migratedFrom: version };
}

/** From a newer format, the profiles that also make sense to this build. */
function readableProfiles(raw: object): Profile[] {
  const list = (raw as { profiles?: unknown }).profiles;
  if (!Array.isArray(list)) return [];
  const profiles: Profile[] = [];
  for (const item of list) {
    const result = profileSchema.safeParse(item);
    if (result.success && !profiles.some((p) => sameName(p.name, result.data.name))) profiles.push(result.data);
  }
  return profiles;
}

/** The text this build writes: stable key order, two-space indent, final newline. */
export function serializeProfiles(profiles: readonly Profile[]): string {
  const file: ProfilesFile = { version: CURRENT_VERSION, profiles: [...profiles] };
  return `${JSON.stringify(file, null, 2)}\n`;
}
