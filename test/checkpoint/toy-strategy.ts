import { serializable } from '../../src/registry/index.js';

/** The smallest strategy shape a run checkpoint needs, for tests of the checkpoint layer alone. */
@serializable({ name: 'test.ToyStrategy' })
export class ToyStrategy {
  clock = { trainExpCounter: 0 };
  isTraining = false;
  weights: number[] = [];
  history = new Map<number, number>();
  constructor(public plugins: object[] = []) {}

  async train(exp: number): Promise<void> {
    this.isTraining = true;
    this.weights.push(exp * 10);
    this.clock.trainExpCounter++;
    this.isTraining = false;
  }

  async eval(): Promise<void> {
    this.history.set(this.clock.trainExpCounter, this.weights.reduce((a, b) => a + b, 0));
    for (const p of this.plugins as Array<{ afterEval?: (s: ToyStrategy) => Promise<void> }>) await p.afterEval?.(this);
  }
}

@serializable({ name: 'test.OtherStrategy' })
export class OtherStrategy {
  clock = { trainExpCounter: 0 };
}
