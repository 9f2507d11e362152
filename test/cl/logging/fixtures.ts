import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deserialize, serialize } from '../../../src/checkpoint/index.js';
import type { MetricValue } from '../../../src/cl/core/metric-value.js';
import type { BaseLogger } from '../../../src/cl/logging/base-logger.js';
import type { StrategyView } from '../../../src/cl/core/strategy-view.js';

/** A fresh temporary directory, removed by the returned `cleanup`. */
export function tempDir(prefix = 'reprise-logging-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir`, relative, sorted. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

/**
 * A logger as the next process gets it back from a checkpoint: saved and loaded by the
 * real serializer (`serialize` then `deserialize`), so a field the serializer cannot
 * store, or a logger class it does not know, fails here as it would in a run.
 */
export function restoreAsCheckpointWould<T extends object>(obj: T): T {
  const restored = deserialize(serialize(obj));
  if (Object.getPrototypeOf(restored) !== Object.getPrototypeOf(obj)) {
    throw new Error(`${obj.constructor.name} came back from the serializer as ${String((restored as object)?.constructor?.name)}`);
  }
  return restored as T;
}

/** A strategy double with the fields the loggers read, mutated by {@link FakeRun}. */
export interface FakeStrategy {
  clock: {
    trainIterations: number;
    trainExpCounter: number;
    trainEpochs: number;
    trainExpEpochs: number;
    trainExpIterations: number;
    trainEpochIterations: number;
  };
  experience: { currentExperience: number; taskLabels: number[]; originStream: { name: string } } | undefined;
  dataloader: { length: number } | undefined;
}

export function fakeStrategy(): FakeStrategy {
  return {
    clock: { trainIterations: 0, trainExpCounter: 0, trainEpochs: 0, trainExpEpochs: 0, trainExpIterations: 0, trainEpochIterations: 0 },
    experience: undefined,
    dataloader: undefined,
  };
}

type Call = keyof import('../../../src/cl/logging/base-logger.js').LoggerCallbacks;

/**
 * Drives loggers the way the `EvaluationPlugin` does: for each callback, the metric
 * values emitted at it through `logMetrics`, then the logger's own callback. The
 * values are deterministic functions of the clock, so a resumed run logs the same ones.
 */
export class FakeRun {
  constructor(
    readonly loggers: BaseLogger[],
    readonly strategy: FakeStrategy = fakeStrategy(),
    readonly itersPerEpoch = 3,
    readonly epochs = 2,
    readonly evalIters = 2,
  ) {}

  private call(name: Call, values: MetricValue[] = []): void {
    for (const logger of this.loggers) {
      logger.logMetrics(values);
      // loggers read the view defensively; the double has only the fields they read
      void logger[name]?.(this.strategy as unknown as StrategyView);
    }
  }

  private v(name: string, value: MetricValue['value']): MetricValue {
    return { name, value, xPlot: this.strategy.clock.trainIterations };
  }

  /** Trains experience `exp` (its epochs and iterations), with the clock moving as a strategy's would. */
  /** Trains on each experience in turn, evaluating after each, as a run of the original does. */
  experiences(...exps: number[]): this {
    for (const exp of exps) {
      this.train(exp);
      this.eval(exp);
    }
    return this;
  }

  train(exp: number): void {
    const s = this.strategy;
    s.experience = { currentExperience: exp, taskLabels: [0], originStream: { name: 'train' } };
    s.dataloader = { length: this.itersPerEpoch };
    this.call('beforeTraining');
    this.call('beforeTrainingExp');
    s.clock.trainExpEpochs = 0;
    s.clock.trainExpIterations = 0;
    for (let e = 0; e < this.epochs; e++) {
      s.clock.trainEpochIterations = 0;
      this.call('beforeTrainingEpoch');
      for (let i = 0; i < this.itersPerEpoch; i++) {
        this.call('beforeTrainingIteration');
        s.clock.trainIterations++;
        s.clock.trainExpIterations++;
        s.clock.trainEpochIterations++;
        const it = s.clock.trainIterations;
        this.call('afterTrainingIteration', [this.v('Loss_MB/train_phase/train_stream/Task000', 1 / it)]);
      }
      s.clock.trainEpochs++;
      s.clock.trainExpEpochs++;
      const acc = 0.5 + exp * 0.1 + e * 0.01;
      this.call('afterTrainingEpoch', [
        this.v('Top1_Acc_Epoch/train_phase/train_stream/Task000', acc),
        this.v('Loss_Epoch/train_phase/train_stream/Task000', 1 - acc),
      ]);
    }
    this.call('afterTrainingExp');
    s.clock.trainExpCounter++;
    this.call('afterTraining');
  }

  /** Evaluates experiences `0..upTo` of the test stream. */
  eval(upTo: number): void {
    const s = this.strategy;
    this.call('beforeEval');
    for (let exp = 0; exp <= upTo; exp++) {
      s.experience = { currentExperience: exp, taskLabels: [0], originStream: { name: 'test' } };
      s.dataloader = { length: this.evalIters };
      this.call('beforeEvalExp');
      for (let i = 0; i < this.evalIters; i++) {
        this.call('beforeEvalIteration');
        this.call('afterEvalIteration');
      }
      const acc = 0.25 + exp * 0.125;
      this.call('afterEvalExp', [
        this.v(`Top1_Acc_Exp/eval_phase/test_stream/Task000/Exp00${exp}`, acc),
        this.v(`Loss_Exp/eval_phase/test_stream/Task000/Exp00${exp}`, 2 - acc),
      ]);
    }
    this.call('afterEval', [this.v('Top1_Acc_Stream/eval_phase/test_stream/Task000', 0.375)]);
  }
}
