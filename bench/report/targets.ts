import { slope } from '../lib/stats.js';
import type { CaseResult, DedupResult, SubjectResult, TargetResult } from '../lib/results.js';
import { bytes, ratio } from './format.js';

type Ok = Extract<SubjectResult, { status: 'ok' }>;
const ok = (r: SubjectResult | undefined): Ok | undefined => (r?.status === 'ok' ? r : undefined);

/** Slack on file size: 1% of the tensor bytes plus 16 KiB. */
const SIZE_SLACK = (tensorBytes: number) => tensorBytes * 0.01 + 16 * 1024;
/** Resident memory is counted in pages and allocators round up: 1 MiB of slack on the memory target. */
const PAGE_SLACK = 1024 * 1024;
/** "Adds nothing per cycle": file growth allowed per cycle (bytes) and resident growth (a 1 MB noise floor). */
const DEDUP_FILE_SLOPE = 64;
const DEDUP_RSS_SLOPE = 1e6;

/**
 * The targets, each checked against the measurements it is about:
 * - tensor-heavy variants: save and load within 1.3× of plain `fs` on the same bytes,
 *   and a file within 1% + 16 KiB of the raw tensor bytes;
 * - the object-heavy graph: save and load within 2× of v8 and clearly (≥ 20%) faster than JSON;
 * - every variant: resident memory during a fresh-process load no more than the file
 *   size plus the loaded state;
 * - de-duplication: with `uniqueObjects`, nothing added per resume cycle, to the file or to memory.
 */
export function checkTargets(cases: readonly CaseResult[], dedup: DedupResult | undefined): TargetResult[] {
  const out: TargetResult[] = [];
  for (const c of cases) {
    for (const v of c.variants) {
      const ours = ok(v.subjects.reprise);
      if (!ours) continue;
      const push = (metric: TargetResult['metric'], target: string, measured: string, pass: boolean) =>
        out.push({ caseName: c.name, variantId: v.id, metric, target, measured, pass });
      const fs = ok(v.subjects.fs);
      if (v.tensorHeavy && fs) {
        const r = ours.measure.save.median / fs.measure.save.median;
        push('save', 'save ≤ 1.3× fs', ratio(r), r <= 1.3);
        const lw = ours.measure.loadWarm.median / fs.measure.loadWarm.median;
        push('loadWarm', 'load (warm) ≤ 1.3× fs', ratio(lw), lw <= 1.3);
        if (ours.measure.loadCold && fs.measure.loadCold) {
          const lc = ours.measure.loadCold.median / fs.measure.loadCold.median;
          push('loadCold', 'load (cold) ≤ 1.3× fs', ratio(lc), lc <= 1.3);
        }
      }
      if (v.tensorHeavy) {
        const over = ours.measure.fileBytes - ours.measure.tensorBytes;
        push('size', 'file ≤ tensors + 1% + 16 KiB', `+${bytes(over)}`, over <= SIZE_SLACK(ours.measure.tensorBytes));
      }
      const v8 = ok(v.subjects.v8);
      const json = ok(v.subjects.json);
      if (c.name === 'object-graph') {
        if (v8) {
          const s = ours.measure.save.median / v8.measure.save.median;
          const l = ours.measure.loadWarm.median / v8.measure.loadWarm.median;
          push('save', 'save ≤ 2× v8', ratio(s), s <= 2);
          push('loadWarm', 'load ≤ 2× v8', ratio(l), l <= 2);
        }
        if (json) {
          const s = ours.measure.save.median / json.measure.save.median;
          const l = ours.measure.loadWarm.median / json.measure.loadWarm.median;
          push('save', 'save ≤ 0.8× JSON', ratio(s), s <= 0.8);
          push('loadWarm', 'load ≤ 0.8× JSON', ratio(l), l <= 0.8);
        }
      }
      const mem = ours.loadMemory;
      if (mem) {
        const limit = ours.measure.fileBytes + mem.liveBytes + PAGE_SLACK;
        push('loadMemory', 'load peak RSS ≤ file + live state', `${bytes(mem.memory.extra)} vs ${bytes(limit)}`, mem.memory.extra <= limit);
        if (c.name === 'tensor-throughput' && v.id === 'four') {
          // Issue 11: the bytes once, plus a bounded read buffer (wasm copies into its heap; cpu keeps the read memory).
          const factor = mem.backend === 'cpu' ? 1.05 : 1.3;
          const r = mem.memory.extra / ours.measure.fileBytes;
          push('loadMemory', `load peak RSS ≤ ${factor}× file (${mem.backend})`, ratio(r), mem.memory.extra <= factor * ours.measure.fileBytes + PAGE_SLACK);
        }
      }
    }
  }
  const unique = dedup?.series.find((s) => s.unique);
  if (dedup && unique && unique.cycles.length >= 2) {
    const tail = unique.cycles.slice(1); // cycle 1 starts from nothing
    const fileSlope = slope(tail.map((c) => c.fileBytes));
    const rssSlope = slope(tail.map((c) => c.rssAfterCycle));
    out.push({ caseName: dedup.name, metric: 'dedup', target: 'uniqueObjects: file adds nothing per cycle', measured: `${fileSlope >= 0 ? '+' : ''}${bytes(fileSlope)}/cycle`, pass: fileSlope <= DEDUP_FILE_SLOPE });
    out.push({ caseName: dedup.name, metric: 'dedup', target: 'uniqueObjects: memory adds nothing per cycle', measured: `${rssSlope >= 0 ? '+' : ''}${bytes(rssSlope)}/cycle`, pass: rssSlope <= DEDUP_RSS_SLOPE });
  }
  return out;
}
