import type { ImportPreviewView } from '../../../main/ipc/contract';

export interface ImportNote {
  readonly host: string;
  readonly text: string;
}

/** What the preview's notes say about the import the user is about to make, not about the whole file. */
export interface ImportSummary {
  /** Changes on the way in, for the hosts that will be imported (ticked): none for a host left out. */
  readonly changes: readonly ImportNote[];
  /** Entries of the file that are not imported whatever is ticked, each with why. */
  readonly skipped: readonly ImportNote[];
}

/**
 * Main reports warnings for every host it read, including hosts the user unticks, hosts
 * already saved (left as they are) and hosts it went on to skip. Only the ticked hosts are
 * "imported with a change". A warning about a host that is neither offered nor skipped (the
 * first host past the import's limit) says why it and those after it are left out, so it
 * goes with the skipped entries; the warnings of a skipped host are moot, its reason says it.
 */
export function summarizeImport(preview: ImportPreviewView, chosen: ReadonlySet<string>): ImportSummary {
  const offered = new Set(preview.candidates.map((c) => c.host.name));
  // A host already saved is left as it is, ticked or not.
  const importable = new Set(preview.candidates.filter((c) => !c.exists).map((c) => c.host.name));
  const skippedHosts = new Set(preview.skipped.map((s) => s.host));
  const changes = preview.warnings.filter((w) => chosen.has(w.host) && importable.has(w.host)).map((w) => ({ host: w.host, text: w.message }));
  const leftOut = preview.warnings.filter((w) => !offered.has(w.host) && !skippedHosts.has(w.host)).map((w) => ({ host: w.host, text: w.message }));
  return { changes, skipped: [...preview.skipped.map((s) => ({ host: s.host, text: s.reason })), ...leftOut] };
}
