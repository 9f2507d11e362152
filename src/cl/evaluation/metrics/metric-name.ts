import type { StrategyView } from '../../core/strategy-view.js';

export interface MetricNameOptions {
  /** Append `/Exp<current experience>`. Default false. */
  addExperience?: boolean;
  /** `true`: append the experience's task label (when it has one); a number: append that task label. Default true. */
  addTask?: boolean | number;
}

/** `Task007` for 7. */
export function taskSuffix(task: number): string {
  return `Task${String(task).padStart(3, '0')}`;
}

/**
 * A metric's full name as the original's `get_metric_name`:
 * `<metric>/<train|eval>_phase/<stream>_stream[/TaskNNN][/ExpNNN]`.
 */
export function metricName(metric: string, strategy: StrategyView, options: MetricNameOptions = {}): string {
  const experience = strategy.experience!;
  const base = `${metric}/${strategy.isTraining ? 'train' : 'eval'}_phase/${experience.streamName}_stream`;
  const exp = options.addExperience ? `/Exp${String(experience.currentExperience).padStart(3, '0')}` : '';
  const addTask = options.addTask ?? true;
  let task = '';
  if (typeof addTask === 'number') task = `/${taskSuffix(addTask)}`;
  else if (addTask && experience.taskLabels.length === 1) task = `/${taskSuffix(experience.taskLabels[0]!)}`;
  return base + task + exp;
}
