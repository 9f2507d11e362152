/**
 * What each door loads at import, in a fresh process: the engine loads no part of the
 * continual-learning layer, and neither door loads the `@tensorflow/tfjs` umbrella or
 * what only it brings (converter, tfjs-data, webgl), nor the AWS SDK — a resumed run
 * pays for the modules it uses. The cl layer, without the umbrella, still gives tensors
 * every chained method the umbrella gives (`x.argMax()`, `x.mul(y)`).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as nodeModule from 'node:module';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every module a fresh process loads while importing `entry`: ES modules (resolve hook) and CommonJS ones (`require.cache`). */
function modulesLoadedBy(entry: string): { all: string[]; esm: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-loaded-'));
  try {
    const log = path.join(dir, 'esm.log');
    const hooks = path.join(dir, 'hooks.mjs');
    fs.writeFileSync(
      hooks,
      `import * as fs from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  fs.appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
  return r;
}`,
    );
    const script = `import { register, createRequire } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
await import(${JSON.stringify(pathToFileURL(entry).href)});
console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, REPRISE_QUIET: '1' } });
    const cjs = JSON.parse(out.trim().split('\n').at(-1)!) as string[];
    const esm = fs.readFileSync(log, 'utf8').trim().split('\n').filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    return { all: [...new Set([...esm, ...cjs])], esm };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Packages a resumed run never needs at import. */
const NEVER = ['@tensorflow/tfjs/', '@tensorflow/tfjs-converter/', '@tensorflow/tfjs-data/', '@tensorflow/tfjs-backend-webgl/', '@aws-sdk/'];

function offenders(loaded: string[], patterns: string[]): string[] {
  return loaded.filter((f) => patterns.some((p) => f.includes(`${path.sep}node_modules${path.sep}${p}`)));
}

// module.register (the resolve hook that lists ES modules) is Node 20.6 and later.
describe('modules loaded at import', { skip: typeof (nodeModule as { register?: unknown }).register !== 'function' && 'needs module.register (Node >= 20.6)' }, () => {
  it('#tfjs-core and #tfjs-layers in Node export exactly what the packages export (else: node scripts/tfjs-node-entries.mjs)', async () => {
    const require = createRequire(import.meta.url);
    for (const [entry, pkg] of [
      ['tfjs-core-node.js', '@tensorflow/tfjs-core'],
      ['tfjs-layers-node.js', '@tensorflow/tfjs-layers'],
    ] as const) {
      const ns = (await import(pathToFileURL(path.join(src, 'tensor', entry)).href)) as Record<string, unknown>;
      const real = require(pkg) as Record<string, unknown>;
      assert.deepEqual(Object.keys(ns).sort(), Object.keys(real).sort(), pkg);
      for (const k of Object.keys(real)) assert.equal(ns[k], real[k], `${pkg}.${k} is the package's own`);
    }
    // #tfjs-layers-lazy: the same names once loadTfjsLayers() has run (this process has loaded the package already).
    const lazy = (await import(pathToFileURL(path.join(src, 'tensor', 'tfjs-layers-lazy-node.js')).href)) as Record<string, unknown> & { loadTfjsLayers(): void };
    lazy.loadTfjsLayers();
    const real = require('@tensorflow/tfjs-layers') as Record<string, unknown>;
    assert.deepEqual(Object.keys(lazy).filter((k) => k !== 'loadTfjsLayers').sort(), Object.keys(real).sort(), '#tfjs-layers-lazy');
    for (const k of Object.keys(real)) assert.equal(lazy[k], real[k], `#tfjs-layers-lazy ${k} is the package's own`);
  });

  it('the engine door (dist/src/index.js) loads no cl module, no tfjs-layers, no tfjs umbrella, converter, tfjs-data, webgl or AWS SDK', () => {
    const { all: loaded, esm } = modulesLoadedBy(path.join(src, 'index.js'));
    // tfjs is CommonJS: an ES import of it makes Node scan its whole source for export names (#tfjs-core requires it).
    assert.deepEqual(offenders(esm, ['@tensorflow/']), [], 'tfjs loaded by require, not by an ES import');
    // So are the other CommonJS packages it loads at every start (flatbuffers excepted: the generated code imports it).
    assert.deepEqual(offenders(esm, ['@node-rs/', 'reflect-metadata/']), [], 'crc32 and reflect-metadata loaded by require');
    assert.ok(loaded.some((f) => f.includes(`${path.sep}node_modules${path.sep}@node-rs${path.sep}crc32${path.sep}`)), 'the scan sees @node-rs/crc32');
    assert.ok(loaded.some((f) => f.includes(`${path.sep}node_modules${path.sep}reflect-metadata${path.sep}`)), 'the scan sees reflect-metadata');
    assert.ok(loaded.some((f) => f.includes(`${path.sep}node_modules${path.sep}@tensorflow${path.sep}tfjs-core${path.sep}`)), 'the scan sees tfjs-core');
    assert.ok(loaded.some((f) => f.startsWith(path.join(src, 'checkpoint'))), 'the scan sees the engine');
    assert.deepEqual(loaded.filter((f) => f.startsWith(path.join(src, 'cl') + path.sep)), []);
    assert.deepEqual(offenders(loaded, NEVER), []);
    assert.deepEqual(offenders(loaded, ['@tensorflow/tfjs-layers/']), [], 'tfjs-layers waits for the first model');
  });

  it('through the engine door, a fresh process loads tfjs-layers only when it meets a model: saving or loading one works, other tensor state does not load it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-lazy-layers-'));
    try {
      const engine = JSON.stringify(pathToFileURL(path.join(src, 'index.js')).href);
      /** Runs `body` in a fresh process after importing the engine door; returns its last JSON line. */
      const run = (body: string) => {
        const script = `import { createRequire } from 'node:module';
const require = createRequire(${JSON.stringify(pathToFileURL(path.join(src, 'index.js')).href)});
const layersLoaded = () => Object.keys(require.cache).some((f) => f.includes('/node_modules/@tensorflow/tfjs-layers/'));
const engine = await import(${engine});
await engine.initBackend({ preferred: 'cpu', quiet: true });
const tf = require('@tensorflow/tfjs-core');
${body}`;
        const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, REPRISE_QUIET: '1' } });
        return JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
      };
      const file = (name: string) => JSON.stringify(path.join(dir, name));
      // No model: tensors, a variable, an optimizer with slots, plain data, classes the registry misses on.
      const plain = run(`const opt = tf.train.adam(0.1);
const v = tf.variable(tf.tensor1d([1, 2]));
opt.applyGradients({ [v.name]: tf.ones([2]) });
await engine.save({ t: tf.tensor2d([[1, 2], [3, 4]]), v, opt, m: new Map([[1, new Set([2])]]), d: new Date(0), a: new Float32Array(3) }, ${file('plain.ckpt')});
const back = await engine.load(${file('plain.ckpt')});
console.log(JSON.stringify({ layers: layersLoaded(), t: back.t.arraySync(), opt: back.opt.constructor.name }));`);
      assert.deepEqual(plain, { layers: false, t: [[1, 2], [3, 4]], opt: 'AdamOptimizer' });
      // Save: the user's model came from tfjs-layers; the engine registers the model codec when it meets it.
      const saved = run(`const before = layersLoaded();
const tfl = require('@tensorflow/tfjs-layers');
const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones', biasInitializer: 'ones' })] });
await engine.save({ model }, ${file('model.ckpt')});
console.log(JSON.stringify({ before, y: model.predict(tf.tensor2d([[1, 2, 3]])).arraySync() }));`);
      assert.deepEqual(saved, { before: false, y: [[7, 7]] });
      // Load: the file names tf.Sequential; nothing but the engine imported, tfjs-layers is loaded then.
      const loaded = run(`const before = layersLoaded();
const { model } = await engine.load(${file('model.ckpt')});
const tfl = require('@tensorflow/tfjs-layers');
console.log(JSON.stringify({ before, after: layersLoaded(), sequential: model instanceof tfl.Sequential, y: model.predict(tf.tensor2d([[1, 2, 3]])).arraySync() }));`);
      assert.deepEqual(loaded, { before: false, after: true, sequential: true, y: [[7, 7]] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the cl door (dist/src/cl/index.js) loads tfjs-core and tfjs-layers, not the umbrella, converter, tfjs-data, webgl or AWS SDK', () => {
    const { all: loaded, esm } = modulesLoadedBy(path.join(src, 'cl', 'index.js'));
    assert.deepEqual(offenders(esm, ['@tensorflow/']), [], 'tfjs loaded by require, not by an ES import');
    assert.ok(loaded.some((f) => f.includes(`${path.sep}@tensorflow${path.sep}tfjs-layers${path.sep}`)), 'the scan sees tfjs-layers');
    assert.deepEqual(offenders(loaded, NEVER), []);
  });

  it('with the cl layer and without the umbrella, tensors have every chained method the umbrella defines, and they compute', () => {
    const methods = (imports: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `${imports}
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-cpu');
await tf.setBackend('cpu');
const x = tf.tensor2d([[1, 5, 2], [7, 0, 3]]);
const check = [x.argMax(1).arraySync(), x.mul(2).sum().arraySync(), x.flatten().shape, x.concat(x, 0).shape, x.where(tf.tensor2d([[true, false, true], [false, true, false]]), tf.zerosLike(x)).arraySync()];
let names = [];
for (let p = tf.Tensor.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) names.push(...Object.getOwnPropertyNames(p));
console.log(JSON.stringify({ names: [...new Set(names)].sort(), check }));`,
          ],
          { encoding: 'utf8', cwd: path.join(src, '..', '..') },
        )
          .trim()
          .split('\n')
          .at(-1)!,
      ) as { names: string[]; check: unknown[] };
    const cl = methods(`await import(${JSON.stringify(pathToFileURL(path.join(src, 'cl', 'index.js')).href)});`);
    const umbrella = methods(`await import('@tensorflow/tfjs');`);
    assert.deepEqual(cl.names.filter((n) => !umbrella.names.includes(n)), [], 'no method the umbrella lacks');
    assert.deepEqual(umbrella.names.filter((n) => !cl.names.includes(n)), [], 'every method the umbrella has');
    assert.deepEqual(cl.check, umbrella.check);
    assert.deepEqual(cl.check, [[1, 0], 36, [6], [4, 3], [[1, 0, 2], [0, 0, 0]]]);
  });
});
