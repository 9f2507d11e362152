/**
 * SplitMNIST, class-incremental, five experiences of two digits, one epoch each:
 * Naive against Naive + replay. Prints the stream accuracy after each experience, the
 * final accuracy of every experience, and how long each training epoch took.
 *
 *   npx tsc -p . && node dist/examples/splitmnist-accuracy.js
 *   node dist/examples/splitmnist-accuracy.js --backend cpu --strategies naive --experiences 1
 *
 * Options: --backend wasm|cpu|tensorflow, --strategies naive,replay, --experiences N,
 * --mem-size N (default 500), --seed N (default 1234). Not run by the tests.
 */
import * as tf from '#tfjs-core';
import { parseArgs } from 'node:util';
import {
  EvaluationPlugin,
  Naive,
  RNGManager,
  ReplayPlugin,
  SimpleMLP,
  SplitMNIST,
  accuracyMetrics,
  amcaMetrics,
  forgettingMetrics,
  lossMetrics,
  type StrategyPlugin,
} from '../src/cl/index.js';
import { initBackend, type BackendName } from '../src/tensor/backend.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string' },
    strategies: { type: 'string', default: 'naive,replay' },
    experiences: { type: 'string', default: '5' },
    'mem-size': { type: 'string', default: '500' },
    seed: { type: 'string', default: '1234' },
  },
});

const backend = await initBackend(args.backend ? { preferred: args.backend as BackendName } : {});
const seed = Number(args.seed);
const nTrain = Number(args.experiences);
const memSize = Number(args['mem-size']);

const STREAM_ACC = 'Top1_Acc_Stream/eval_phase/test_stream/Task000';

async function run(name: string): Promise<void> {
  RNGManager.setRandomSeeds(seed);
  const benchmark = new SplitMNIST({ nExperiences: 5, seed });
  const model = new SimpleMLP({ inputSize: 28 * 28, numClasses: benchmark.nClasses });
  const plugins: StrategyPlugin[] = name === 'replay' ? [new ReplayPlugin({ memSize })] : [];
  const strategy = new Naive({
    model,
    optimizer: tf.train.momentum(0.01, 0.9),
    trainMbSize: 128,
    trainEpochs: 1,
    evalMbSize: 512,
    plugins,
    evaluator: new EvaluationPlugin(
      accuracyMetrics({ experience: true, stream: true }),
      lossMetrics({ stream: true }),
      forgettingMetrics({ stream: true }),
      amcaMetrics(),
    ),
  });
  console.log(`\n== ${name}${name === 'replay' ? ` (memSize ${memSize})` : ''} on ${backend}, class order ${benchmark.classOrder.join(' ')}`);
  const start = performance.now();
  let epochSeconds = 0;
  let last: Record<string, unknown> = {};
  for (const exp of benchmark.trainStream.slice(0, nTrain)) {
    const t0 = performance.now();
    await strategy.train(exp);
    const trainSeconds = (performance.now() - t0) / 1000;
    epochSeconds += trainSeconds;
    const t1 = performance.now();
    last = await strategy.eval(benchmark.testStream);
    const evalSeconds = (performance.now() - t1) / 1000;
    console.log(
      `exp ${exp.currentExperience} [${exp.classesInThisExperience.join(',')}] ${exp.dataset.length} samples: ` +
        `epoch ${trainSeconds.toFixed(1)} s, eval ${evalSeconds.toFixed(1)} s, ` +
        `stream accuracy ${(last[STREAM_ACC] as number).toFixed(4)}, ` +
        `forgetting ${(last['StreamForgetting/eval_phase/test_stream'] as number).toFixed(4)}, ` +
        `AMCA ${(last['Top1_AMCA_Stream/eval_phase/test_stream/Task000'] as number).toFixed(4)}`,
    );
  }
  const perExp = benchmark.testStream.map((e) => (last[`Top1_Acc_Exp/eval_phase/test_stream/Task000/Exp${String(e.currentExperience).padStart(3, '0')}`] as number).toFixed(3));
  console.log(`final accuracy per experience: ${perExp.join(' ')}`);
  console.log(`final stream accuracy: ${(last[STREAM_ACC] as number).toFixed(4)}`);
  console.log(`training epochs: ${epochSeconds.toFixed(1)} s in all; whole run ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

for (const name of args.strategies!.split(',')) await run(name.trim());
