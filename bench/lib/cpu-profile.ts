/** The parts of a V8 `.cpuprofile` that the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * The hottest functions of a profile as a text table: self time (the function's own
 * code) and total time (with what it calls, counted once per function even when it
 * recurses), as shares of the profile, with `file:line`.
 */
export function summarizeProfile(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
  const selfTime = new Map<string, number>();
  const totalTime = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    all += dt;
    const leaf = byId.get(id);
    if (!leaf) return;
    const key = keyOf(leaf.callFrame);
    selfTime.set(key, (selfTime.get(key) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = keyOf(byId.get(cur)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      totalTime.set(k, (totalTime.get(k) ?? 0) + dt);
    }
  });
  const pct = (t: number) => `${((100 * t) / all).toFixed(1).padStart(5)}%`;
  const rows = [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = ['  self   total  function (file:line)'];
  for (const [k, t] of rows) lines.push(`${pct(t)}  ${pct(totalTime.get(k) ?? 0)}  ${k}`);
  lines.push('', '  top by total time:');
  for (const [k, t] of [...totalTime].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`${pct(t)}  ${k}`);
  return lines.join('\n');
}

function keyOf(f: { functionName: string; url: string; lineNumber: number }): string {
  const file = f.url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');
  return `${f.functionName || '(anonymous)'} (${file || 'native'}${f.url ? `:${f.lineNumber + 1}` : ''})`;
}
