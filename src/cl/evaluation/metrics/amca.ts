import { serializable } from '../../../registry/index.js';
import type { StrategyView } from '../../core/strategy-view.js';
import type { MetricValue } from '../../core/metric-value.js';
import { addToClassCounts, classAccuracies, emptyClassCounts, type ClassCounts, type DeclaredClasses } from './class-counts.js';
import { taskSuffix } from './metric-name.js';
import type { PluginMetric } from './plugin-metric.js';

/** One stream's AMCA state (the original's `AverageMeanClassAccuracy`). */
export interface StreamAMCAState {
  /** Per-class counts of the current eval phase. */
  counts: ClassCounts;
  /** Whether the current phase saw any sample of this stream. */
  updated: boolean;
  /** Mean class accuracy per task of every finished eval phase, oldest first. */
  previous: Array<Map<number, number>>;
}

/**
 * Average Mean Class Accuracy (the original's `AMCAPluginMetric`, after Mai et al.,
 * "Online Continual Learning in Image Classification: An Empirical Survey", 2021): per
 * stream and task, the mean over classes of the class accuracy (MCA) of one eval
 * phase, averaged over all eval phases so far. It never resets, so its history is
 * state a checkpoint must keep. Emitted after each eval phase as
 * `Top1_AMCA_Stream/eval_phase/<stream>_stream/TaskNNN`. Eval phases run inside
 * training (validation) are ignored when `ignoreValidation` (default).
 */
@serializable({ name: 'reprise.cl.AMCAPluginMetric' })
export class AMCAPluginMetric implements PluginMetric {
  readonly name = 'Top1_AMCA_Stream';
  streams = new Map<string, StreamAMCAState>();
  currentStream: string | undefined = undefined;
  isTraining = false;

  constructor(readonly classes?: DeclaredClasses, readonly ignoreValidation = true) {}

  /** AMCA per stream, then per task (ascending). */
  result(): Map<string, Map<number, number>> {
    const out = new Map<string, Map<number, number>>();
    for (const [stream, state] of this.streams) {
      const phases = state.updated ? [...state.previous, meanClassAccuracies(state.counts)] : state.previous;
      const tasks = new Set<number>();
      for (const p of phases) for (const t of p.keys()) tasks.add(t);
      const perTask = new Map<number, number>();
      for (const task of [...tasks].sort((a, b) => a - b)) {
        let sum = 0;
        let n = 0;
        for (const p of phases) {
          const v = p.get(task);
          if (v !== undefined) {
            sum += v;
            n++;
          }
        }
        perTask.set(task, sum / n);
      }
      out.set(stream, perTask);
    }
    return out;
  }

  beforeTraining(): void {
    this.isTraining = true;
  }

  afterTraining(): void {
    this.isTraining = false;
  }

  beforeEvalExp(strategy: StrategyView): void {
    if (this.ignored()) return;
    this.currentStream = strategy.experience!.streamName;
    if (!this.streams.has(this.currentStream)) {
      this.streams.set(this.currentStream, { counts: emptyClassCounts(this.classes), updated: false, previous: [] });
    }
  }

  afterEvalIteration(strategy: StrategyView): void {
    if (this.ignored() || this.currentStream === undefined) return;
    const state = this.streams.get(this.currentStream)!;
    state.updated = true;
    addToClassCounts(state.counts, strategy.mbPredictions(), strategy.mbYValues!, strategy.mbTaskValues!);
  }

  afterEval(strategy: StrategyView): MetricValue[] | void {
    if (this.ignored()) return;
    for (const state of this.streams.values()) {
      if (state.updated) state.previous.push(meanClassAccuracies(state.counts));
      state.counts = emptyClassCounts(this.classes);
      state.updated = false;
    }
    const xPlot = strategy.clock.trainIterations;
    const out: MetricValue[] = [];
    for (const [stream, perTask] of this.result()) {
      for (const [task, value] of perTask) {
        out.push({ name: `${this.name}/eval_phase/${stream}_stream/${taskSuffix(task)}`, value, xPlot });
      }
    }
    return out;
  }

  private ignored(): boolean {
    return this.isTraining && this.ignoreValidation;
  }
}

function meanClassAccuracies(counts: ClassCounts): Map<number, number> {
  const out = new Map<number, number>();
  for (const [task, perClass] of classAccuracies(counts)) {
    const values = [...perClass.values()];
    out.set(task, values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  }
  return out;
}

/** The original's `amca_metrics`: one {@link AMCAPluginMetric}. */
export function amcaMetrics(options: { classes?: DeclaredClasses; ignoreValidation?: boolean } = {}): AMCAPluginMetric[] {
  return [new AMCAPluginMetric(options.classes, options.ignoreValidation ?? true)];
}
