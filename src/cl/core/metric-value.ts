/** One emitted metric result, as the original's `MetricValue`. */
export interface MetricValue {
  /** Full name, e.g. `Top1_Acc_Stream/eval_phase/test_stream/Task000`. */
  name: string;
  /** A number, or a record of numbers (per-class accuracy). */
  value: number | Record<string, number>;
  /** The x coordinate for plots: the strategy's global training iteration count at emission. */
  xPlot: number;
}
