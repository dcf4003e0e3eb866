/**
 * What a host profile is: the saved input of the whole "VM -> Jupyter in the browser" flow.
 * The zod schemas here are the single source of truth for the current file format
 * (`CURRENT_VERSION`); older formats and the steps between them live in migrations.ts.
 *
 * Validation is strict on purpose: a profile is checked when it is saved, imported or read
 * back, and every problem comes out as a `profiles.invalid` error naming the field and the
 * right form, instead of a connection that fails later for a reason nobody can see.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { PortholeError } from '../shared/errors';

/** The version written into profiles.json by this build. */
export const CURRENT_VERSION = 4;

// ---------------------------------------------------------------------------------------
// Field checks, usable on their own (importers use them to explain what they skip)

/** Why `host` is not a host name or IP address, or undefined when it is one. */
export function hostProblem(host: string): string | undefined {
  if (host === '') return 'is empty';
  if (/\s/.test(host)) return `"${host}" contains a space`;
  if (host.startsWith('-')) return `"${host}" starts with "-"`;
  if (host.includes('@')) return `"${host}" contains "@"; put the user name in its own field`;
  if (host.includes('://')) return `"${host}" looks like a URL; give only the host name, like vm.example.com`;
  if (host.startsWith('[') && host.endsWith(']')) return `"${host}" has brackets; write the IPv6 address without them`;
  if (isIP(host) !== 0) return undefined;
  if (host.includes(':')) {
    return /^[^:]+:\d+$/.test(host) ? `"${host}" includes a port; put the port in its own field` : `"${host}" is not a valid IPv6 address`;
  }
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length > 253) return `"${host.slice(0, 40)}..." is longer than 253 characters`;
  for (const label of name.split('.')) {
    if (label === '') return `"${host}" has an empty part between dots`;
    if (label.length > 63) return `"${host}" has a part longer than 63 characters`;
    if (!/^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?$/.test(label)) {
      return `"${host}" is not a valid host name (letters, digits, "-", "_" and "." only, no "-" at the start or end of a part)`;
    }
  }
  return undefined;
}

/** Why `user` is not a login name, or undefined when it is one. */
export function userProblem(user: string): string | undefined {
  if (user === '') return 'is empty';
  if (user.length > 256) return 'is longer than 256 characters';
  if (/\s/u.test(user)) return `"${user}" contains a space`;
  if (user.startsWith('-')) return `"${user}" starts with "-"`;
  // Letters and digits of any script, plus what real logins use: "_", ".", "-", "@" (Azure AD
  // logins are e-mail addresses), "\" (DOMAIN\user on Windows servers) and a trailing "$".
  if (!/^[\p{L}\p{N}_.][\p{L}\p{N}_.@\\-]*\$?$/u.test(user)) {
    return `"${user}" is not a valid user name (letters, digits, "_", ".", "-", "@" and "\\" only)`;
  }
  return undefined;
}

const hostField = (what: string) =>
  z.string({ error: `${what} must be text` }).superRefine((value, ctx) => {
    const problem = hostProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `${what} ${problem}` });
  });

const userField = z.string({ error: 'the user name must be text' }).superRefine((value, ctx) => {
  const problem = userProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `the user name ${problem}` });
});

/** `min` is 0 where "any free port" makes sense (listening ports), 1 where we must connect. */
const portField = (what: string, min: 0 | 1 = 1) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number from ${min} to 65535` })
    .min(min, { error: `${what} must be a whole number from ${min} to 65535` })
    .max(65_535, { error: `${what} must be a whole number from ${min} to 65535` });

const plainText = (what: string, max: number) =>
  z
    .string({ error: `${what} must be text` })
    .min(1, { error: `${what} is empty` })
    .max(max, { error: `${what} is longer than ${max} characters` })
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, { error: `${what} contains control characters` });

// ---------------------------------------------------------------------------------------
// The profile

export const profileNameSchema = plainText('the profile name', 100).refine((name) => name.trim() === name, {
  error: 'the profile name starts or ends with a space',
});

/** The same shape as main/tunnels' ForwardSpec, so a saved forward can be handed over as is. */
export const forwardSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('local'),
      bindHost: hostField('the local bind address'),
      bindPort: portField('the local port', 0),
      remoteHost: hostField('the remote host'),
      remotePort: portField('the remote port'),
    }),
    z.object({
      kind: z.literal('remote'),
      bindHost: hostField('the server bind address'),
      bindPort: portField('the server port', 0),
      localHost: hostField('the local host'),
      localPort: portField('the local port'),
    }),
    z.object({
      kind: z.literal('dynamic'),
      bindHost: hostField('the local bind address'),
      bindPort: portField('the local port', 0),
    }),
  ],
  { error: 'a forward must be of kind "local", "remote" or "dynamic"' },
);

/** Which key to log in with; no key at all means: ssh-agent/Pageant, then the default ~/.ssh/id_* keys. */
export const keyRefSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('vault'), name: plainText('the vault key name', 200) }),
    z.object({ kind: z.literal('path'), path: plainText('the key file path', 4096) }),
    z.object({ kind: z.literal('agent') }),
  ],
  { error: 'a key must be of kind "vault", "path" or "agent"' },
);

export const jumpHostSchema = z.object({
  host: hostField('the jump host'),
  port: portField('the jump host port').default(22),
  user: userField.optional(),
});

export const jupyterEnvSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('conda'), name: plainText('the conda environment name', 200) }),
    z.object({ kind: z.literal('python'), path: plainText('the Python path', 4096) }),
    z.object({ kind: z.literal('auto') }),
  ],
  { error: 'the Jupyter environment must be of kind "conda", "python" or "auto"' },
);

export const jupyterHubSchema = z.object({
  port: portField('the JupyterHub port'),
  scheme: z.enum(['http', 'https'], { error: 'the JupyterHub scheme must be "http" or "https"' }),
});

export const jupyterOptionsSchema = z.object({
  flavour: z.enum(['lab', 'notebook', 'server', 'auto'], { error: 'the Jupyter flavour must be "lab", "notebook", "server" or "auto"' }).default('auto'),
  env: jupyterEnvSchema.prefault({ kind: 'auto' }),
  rootDir: plainText('the Jupyter root folder', 4096).optional(),
  auth: z.enum(['token', 'password'], { error: 'the Jupyter login must be "token" or "password"' }).default('token'),
  /** The local port this profile prefers for Jupyter, so open browser tabs keep working. */
  localPort: portField('the preferred local port').optional(),
  stopOnDisconnect: z.boolean({ error: 'stopOnDisconnect must be true or false' }).default(false),
  /**
   * A JupyterHub already running on the VM (Azure's Data Science VM: https on 8000 with a
   * self-signed certificate; The Littlest JupyterHub: http on 80): Porthole forwards its port
   * and opens its page instead of finding or starting Jupyter.
   */
  hub: jupyterHubSchema.optional(),
});

/** `i-` and 8 or 17 hex digits, as EC2 writes its instance ids. */
const EC2_INSTANCE_ID = /^i-[0-9a-f]{8}([0-9a-f]{9})?$/;
/** `eu-central-1`, `us-gov-west-1`, `ap-southeast-2`: AWS region codes. */
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** What both clouds' links carry besides where the machine is: the cost-safety settings. */
const cloudSafety = {
  /** Stop (AWS) or deallocate (Azure) the VM when Porthole disconnects from it. */
  stopVmOnDisconnect: z.boolean({ error: 'stopVmOnDisconnect must be true or false' }).default(false),
  /** Stop the VM after this many minutes without Jupyter activity; absent: never. */
  idleStopMinutes: z
    .number({ error: 'idleStopMinutes must be a number' })
    .int({ error: 'idleStopMinutes must be a whole number of minutes from 5 to 1440' })
    .min(5, { error: 'idleStopMinutes must be a whole number of minutes from 5 to 1440' })
    .max(1440, { error: 'idleStopMinutes must be a whole number of minutes from 5 to 1440' })
    .optional(),
  /** The address the VM had when Porthole last reached it: shown, never connected to (it changes). */
  lastSeenAddress: hostField('the last seen address').optional(),
};

const awsLinkSchema = z
  .object({
    provider: z.literal('aws'),
    instanceId: z.string({ error: 'the instance id must be text' }).regex(EC2_INSTANCE_ID, { error: (issue) => `the instance id "${String(issue.input)}" is not an EC2 instance id like i-0123456789abcdef0` }),
    region: z.string({ error: 'the AWS region must be text' }).regex(AWS_REGION, { error: (issue) => `the AWS region "${String(issue.input)}" is not a region code like eu-central-1` }),
    /** A profile of ~/.aws/config; absent: the AWS CLI's default chain (environment, then `default`). */
    profile: plainText('the AWS profile name', 200).optional(),
    /** Access keys kept in Porthole's vault under this name, instead of an AWS profile. */
    vaultCredential: plainText('the vault credential name', 200).optional(),
    ...cloudSafety,
  })
  .refine((link) => link.profile === undefined || link.vaultCredential === undefined, {
    error: 'give either an AWS profile or a vault credential, not both',
    path: ['vaultCredential'],
  });

const azureLinkSchema = z.object({
  provider: z.literal('azure'),
  subscriptionId: z
    .string({ error: 'the subscription id must be text' })
    .regex(GUID, { error: (issue) => `the subscription id "${String(issue.input)}" is not a GUID like 00000000-0000-0000-0000-000000000000` }),
  // Azure's own rules: resource groups 1-90 of letters, digits, "_-.()" not ending in "."; VM names 1-64, no spaces.
  resourceGroup: z
    .string({ error: 'the resource group must be text' })
    .regex(/^[-\p{L}\p{N}_.()]{0,89}[-\p{L}\p{N}_()]$/u, { error: (issue) => `the resource group "${String(issue.input)}" is not a valid name (1-90 letters, digits, "_", "-", ".", "(", ")", not ending in ".")` }),
  vmName: z
    .string({ error: 'the VM name must be text' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: (issue) => `the VM name "${String(issue.input)}" is not a valid Azure VM name (letters, digits, ".", "_", "-")` }),
  tenantId: z.string({ error: 'the tenant id must be text' }).regex(GUID, { error: 'the tenant id is not a GUID' }).optional(),
  ...cloudSafety,
});

/**
 * A host that is a cloud VM: Porthole asks the cloud for its address at every connect (so
 * no Elastic IP is needed), starts it when stopped, and records its host key per instance.
 */
export const cloudLinkSchema = z.discriminatedUnion('provider', [awsLinkSchema, azureLinkSchema], {
  error: 'the cloud provider must be "aws" or "azure"',
});

export const profileSchema = z
  .object({
    name: profileNameSchema,
    /** Absent exactly when the host is cloud-linked: its address then comes from the cloud. */
    host: hostField('the host').optional(),
    port: portField('the port').default(22),
    user: userField.optional(),
    key: keyRefSchema.optional(),
    jumpHosts: z.array(jumpHostSchema, { error: 'jumpHosts must be a list' }).max(16, { error: 'at most 16 jump hosts' }).default([]),
    forwards: z.array(forwardSchema, { error: 'forwards must be a list' }).max(256, { error: 'at most 256 forwards' }).default([]),
    jupyter: jupyterOptionsSchema.prefault({}),
    cloud: cloudLinkSchema.optional(),
  })
  .superRefine((profile, ctx) => {
    if (profile.cloud === undefined && profile.host === undefined) {
      ctx.addIssue({ code: 'custom', path: ['host'], message: 'the host is missing; give the host name or IP address of the VM, or link the host to a cloud instance' });
    }
    if (profile.cloud !== undefined && profile.host !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['host'], message: 'a cloud-linked host has no fixed address (Porthole asks the cloud for it at every connect); leave the host out' });
    }
  });

/** Names are unique regardless of case: "GPU" and "gpu" would be the same host to a person. */
export function sameName(a: string, b: string): boolean {
  return foldName(a) === foldName(b);
}

/** A name as sameName compares it, for sets and maps of names. */
export function foldName(name: string): string {
  return name.toLocaleLowerCase('en-US');
}

export const profilesFileSchema = z.object({
  version: z.literal(CURRENT_VERSION),
  profiles: z.array(profileSchema, { error: 'profiles must be a list' }).superRefine((profiles, ctx) => {
    // One pass with a set (same folding as sameName): a file repeating one host thousands of
    // times must not cost a quadratic scan.
    const seen = new Set<string>();
    profiles.forEach((profile, index) => {
      const folded = foldName(profile.name);
      if (seen.has(folded)) {
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `the name "${profile.name}" is used twice` });
        return;
      }
      seen.add(folded);
    });
  }),
});

export type Profile = z.output<typeof profileSchema>;
/** A profile as callers write it: defaults (port 22, empty lists, Jupyter "auto") may be left out. */
export type ProfileInput = z.input<typeof profileSchema>;
export type ProfileForward = z.output<typeof forwardSchema>;
export type KeyRef = z.output<typeof keyRefSchema>;
export type JumpHost = z.output<typeof jumpHostSchema>;
export type JupyterOptions = z.output<typeof jupyterOptionsSchema>;
export type JupyterEnv = z.output<typeof jupyterEnvSchema>;
export type JupyterHub = z.output<typeof jupyterHubSchema>;
export type CloudLink = z.output<typeof cloudLinkSchema>;
export type AwsLink = z.output<typeof awsLinkSchema>;
export type AzureLink = z.output<typeof azureLinkSchema>;
export type CloudLinkInput = z.input<typeof cloudLinkSchema>;
export type ProfilesFile = z.output<typeof profilesFileSchema>;

/** "port: must be ...; jumpHosts[0].host: ..." — the zod issues in words a user can act on. */
export function describeIssues(error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const where = formatPath(issue.path);
    return where === '' ? issue.message : `${where}: ${issue.message}`;
  });
  const unique = [...new Set(lines)];
  const shown = unique.slice(0, 5).join('; ');
  return unique.length > 5 ? `${shown}; and ${unique.length - 5} more` : shown;
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** The first problem of each field, by its path: what an editor shows next to the field. */
export function fieldIssues(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const where = formatPath(issue.path) || '_';
    fields[where] ??= issue.message;
  }
  return fields;
}

/** Checks a profile and fills in its defaults, or throws `profiles.invalid` saying what is wrong. */
export function validateProfile(input: unknown): Profile {
  const result = profileSchema.safeParse(input);
  if (result.success) return result.data;
  const name = typeof input === 'object' && input !== null && typeof (input as { name?: unknown }).name === 'string' ? (input as { name: string }).name : undefined;
  throw new PortholeError({
    code: 'profiles.invalid',
    message: `The host profile${name === undefined ? '' : ` "${name}"`} is not valid: ${describeIssues(result.error)}.`,
    hint: 'Correct the fields named above and save again.',
    retryable: false,
    details: { fields: fieldIssues(result.error) },
  });
}
