import { objectGraphCase } from './object-graph.js';
import { scalingCase } from './scaling.js';
import { strategyCase1, strategyCase2 } from './strategy.js';
import { tensorThroughputCase } from './tensor-throughput.js';
import type { BenchCase } from './types.js';

export type { BenchCase, BuiltState, Mode, SubjectName, Variant } from './types.js';

/** The measured cases (numbered as in the issue: 1, 2, 3, 4, 6), in the order of the table (the de-duplication case is apart: it measures cycles). */
export const CASES: readonly BenchCase[] = [strategyCase1, strategyCase2, tensorThroughputCase, objectGraphCase, scalingCase];

export function findCase(name: string): BenchCase {
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no bench case "${name}"; cases: ${CASES.map((x) => x.name).join(', ')}`);
  return c;
}
