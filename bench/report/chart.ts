import type { BenchResults } from '../lib/results.js';
import { SUBJECTS } from '../subjects/index.js';
import type { SubjectName } from '../cases/types.js';

interface Point {
  parameters: number;
  subject: string;
  operation: string;
  ms: number;
}

/** The scaling case's points: median save and warm-load time per model size and subject. */
export function scalingPoints(r: BenchResults): Point[] {
  const c = r.cases.find((x) => x.name === 'scaling');
  const points: Point[] = [];
  for (const v of c?.variants ?? []) {
    for (const [name, s] of Object.entries(v.subjects)) {
      if (s?.status !== 'ok') continue;
      const subject = SUBJECTS[name as SubjectName].label;
      const parameters = Number(v.params.parameters);
      points.push({ parameters, subject, operation: 'save (fsync)', ms: s.measure.save.median });
      points.push({ parameters, subject, operation: 'load (warm cache)', ms: s.measure.loadWarm.median });
      if (s.measure.loadCold) points.push({ parameters, subject, operation: 'load (cold cache)', ms: s.measure.loadCold.median });
    }
  }
  return points;
}

/**
 * `bench/results/scaling.svg`: save and load time against parameter count (log–log), one
 * line per subject, one panel per operation; rendered headlessly by vega-lite and vega.
 */
export async function scalingChart(r: BenchResults): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Checkpoint time vs. model size', subtitle: `${r.machine.cpu}, ${r.machine.cores} cores; tfjs "${r.backend}"; ${r.date.slice(0, 10)}` },
    data: { values: scalingPoints(r) },
    facet: { column: { field: 'operation', type: 'nominal', title: null, sort: ['save (fsync)', 'load (warm cache)', 'load (cold cache)'] } },
    spec: {
      width: 260,
      height: 240,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'parameters', type: 'quantitative', scale: { type: 'log' }, title: 'parameters', axis: { format: '~s' } },
        y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'time (ms, median)' },
        color: { field: 'subject', type: 'nominal', title: null },
      },
    },
  };
  const compiled = vegaLite.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
