/** Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self and by total time. */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface FunctionTime {
  readonly fn: string;
  /** Percent of all samples in which this function was running itself. */
  readonly selfPct: number;
  /** Percent of non-idle samples (what the forwarder spent CPU on). */
  readonly selfBusyPct: number;
  /** Percent of non-idle samples in which it was anywhere on the stack. */
  readonly totalBusyPct: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly durationMs: number;
  readonly samples: number;
  readonly idlePct: number;
  readonly top: FunctionTime[];
  readonly byTotal: FunctionTime[];
  /** Self time grouped by where the code lives (ssh2 file, node internals, GC...). */
  readonly byArea: { area: string; busyPct: number }[];
}

const IDLE = new Set(['(idle)']);

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  const short = url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/test\/bench\//, 'bench/');
  return `${name} ${short}:${lineNumber + 1}`;
}

function area(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const ssh2 = /node_modules\/ssh2\/lib\/(.*)$/.exec(url);
  if (ssh2) return `ssh2/${ssh2[1]}`;
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:');
  return url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|test\/bench)\//, '');
}

export function summariseProfile(file: string, topN = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Sample i lasted until sample i+1 (V8's timeDeltas[i] is the gap before sample i).
  const weights = profile.samples.map((_, i) => profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0);
  const selfTime = new Map<string, number>();
  const totalTime = new Map<string, number>();
  const areaTime = new Map<string, number>();
  let all = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const w = weights[i]!;
    if (node === undefined) return;
    all += w;
    if (IDLE.has(node.callFrame.functionName)) {
      idle += w;
      return;
    }
    const key = label(node);
    selfTime.set(key, (selfTime.get(key) ?? 0) + w);
    const where = area(node);
    areaTime.set(where, (areaTime.get(where) ?? 0) + w);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur);
      if (frame === undefined) break;
      const frameKey = label(frame);
      if (seen.has(frameKey)) continue;
      seen.add(frameKey);
      totalTime.set(frameKey, (totalTime.get(frameKey) ?? 0) + w);
    }
  });
  const busy = all - idle;
  const pct = (value: number, of: number) => (of > 0 ? Math.round((1000 * value) / of) / 10 : 0);
  const entry = (fn: string): FunctionTime => ({
    fn,
    selfPct: pct(selfTime.get(fn) ?? 0, all),
    selfBusyPct: pct(selfTime.get(fn) ?? 0, busy),
    totalBusyPct: pct(totalTime.get(fn) ?? 0, busy),
  });
  const top = [...selfTime.entries()].sort((a, b) => b[1] - a[1]).slice(0, topN).map(([fn]) => entry(fn));
  const byTotal = [...totalTime.entries()]
    .filter(([fn]) => !fn.startsWith('(root)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([fn]) => entry(fn));
  const byArea = [...areaTime.entries()].sort((a, b) => b[1] - a[1]).map(([where, t]) => ({ area: where, busyPct: pct(t, busy) }));
  return {
    file,
    durationMs: Math.round((profile.endTime - profile.startTime) / 1000),
    samples: profile.samples.length,
    idlePct: pct(idle, all),
    top,
    byTotal,
    byArea,
  };
}
