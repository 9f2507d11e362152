/**
 * One fresh-process resume through the engine door alone, for bench/engine-resume.ts:
 * `node dist/bench/engine-resume-child.js <checkpoint>` imports `reprise` (no cl layer),
 * starts the backend, loads the checkpoint (`{ weights, optimizer, model? }`), takes one
 * optimizer step on the loaded weights, then prints one JSON line of where the time since
 * process start went and whether tfjs-layers was loaded, after the import and at the end.
 * Imports are dynamic so that their cost is measured.
 */
import { createRequire } from 'node:module';

const boot = performance.now(); // node's own start and this file's parse
const [file] = process.argv.slice(2) as [string];
process.env.REPRISE_QUIET = '1';
const require = createRequire(new URL('../src/index.js', import.meta.url));
const layersLoaded = () => Object.keys(require.cache).some((f) => /node_modules[\\/]@tensorflow[\\/]tfjs-layers[\\/]/.test(f));

const mark = () => performance.now();
let t = mark();
const engine = await import('../src/index.js');
const engineMs = mark() - t;
const layersAfterImport = layersLoaded();
t = mark();
await engine.initBackend({ quiet: true });
const backendMs = mark() - t;
t = mark();
const state = (await engine.load(file)) as { weights: import('@tensorflow/tfjs-core').Variable[]; optimizer: import('@tensorflow/tfjs-core').Optimizer };
const loadMs = mark() - t;
t = mark();
const tf = require('@tensorflow/tfjs-core') as typeof import('@tensorflow/tfjs-core');
const grads = state.weights.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }));
state.optimizer.applyGradients(grads);
state.weights[0]!.dataSync(); // the step is done when its result is readable
const iterationMs = mark() - t;
console.log(JSON.stringify({ boot, engineMs, backendMs, loadMs, iterationMs, total: mark(), layersAfterImport, layersAtEnd: layersLoaded() }));
