/**
 * Runs vault operations in a process of its own, so the OS keychain it reaches is the one
 * named by this process's environment (DBUS_SESSION_BUS_ADDRESS is read by the keyring
 * library from the process environment, not per call).
 *
 *   node --import tsx test/integration/support/keyring-child.ts '<job JSON>'
 *
 * Prints one JSON line: { ok: true, results: [...] } or { ok: false, error: { code, message, hint } }.
 * Secret values are passed in and printed out only because this is a test.
 */
import { PortholeError } from '../../../main/shared/errors';
import { Vault } from '../../../main/secrets';

export type ChildStep =
  | { readonly op: 'set'; readonly id: string; readonly value: string }
  | { readonly op: 'get'; readonly id: string }
  | { readonly op: 'delete'; readonly id: string }
  | { readonly op: 'list'; readonly prefix?: string };

export interface ChildJob {
  readonly dir: string;
  readonly service?: string;
  readonly account?: string;
  /** Steps run one after the other, unless `parallel` (to contend with another process). */
  readonly steps: readonly ChildStep[];
  readonly parallel?: boolean;
}

export type ChildResult =
  | { readonly ok: true; readonly results: readonly (string | boolean | string[] | null)[] }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string; readonly hint?: string } };

async function step(vault: Vault, s: ChildStep): Promise<string | boolean | string[] | null> {
  switch (s.op) {
    case 'set':
      await vault.set(s.id, s.value);
      return true;
    case 'get':
      return (await vault.get(s.id))?.toString('utf8') ?? null;
    case 'delete':
      return vault.delete(s.id);
    case 'list':
      return vault.list(s.prefix);
  }
}

async function main(): Promise<ChildResult> {
  const job = JSON.parse(process.argv[2] ?? '') as ChildJob;
  try {
    const vault = await Vault.open({
      dir: job.dir,
      ...(job.service !== undefined ? { service: job.service } : {}),
      ...(job.account !== undefined ? { account: job.account } : {}),
    });
    if (job.parallel) return { ok: true, results: await Promise.all(job.steps.map((s) => step(vault, s))) };
    const results = [];
    for (const s of job.steps) results.push(await step(vault, s));
    return { ok: true, results };
  } catch (error) {
    if (!(error instanceof PortholeError)) throw error;
    return { ok: false, error: error.toInfo() };
  }
}

main().then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
