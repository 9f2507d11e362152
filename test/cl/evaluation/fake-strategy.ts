import { Experience, GaussianBlobsDataset } from '../../../src/cl/benchmarks/index.js';
import type { SupervisedTemplate } from '../../../src/cl/training/index.js';

const dataset = new GaussianBlobsDataset({ nFeatures: 1, nClasses: 1, samplesPerClass: 1, seed: 0 });

/** What metrics read from a strategy, settable by hand. */
export class FakeStrategy {
  isTraining = false;
  experience: Experience = new Experience('test', 0, dataset, [0], [0]);
  clock = { trainIterations: 0 };
  predictions = new Int32Array(0);
  mbYValues = new Int32Array(0);
  mbTaskValues = new Int32Array(0);
  loss = 0;

  mbPredictions(): Int32Array {
    return this.predictions;
  }

  lossValue(): number {
    return this.loss;
  }

  /** Moves to experience `i` of `stream` with task labels `tasks`. */
  at(stream: 'train' | 'test', i: number, tasks: number[] = [0]): this {
    this.experience = new Experience(stream, i, dataset, [0], tasks);
    return this;
  }

  /** Sets the mini-batch: predicted and true labels (and per-sample tasks, default the experience's). */
  batch(predicted: number[], truth: number[], tasks?: number[]): this {
    this.predictions = Int32Array.from(predicted);
    this.mbYValues = Int32Array.from(truth);
    this.mbTaskValues = Int32Array.from(tasks ?? truth.map(() => this.experience.taskLabels[0]!));
    return this;
  }

  get asStrategy(): SupervisedTemplate {
    return this as unknown as SupervisedTemplate;
  }
}
