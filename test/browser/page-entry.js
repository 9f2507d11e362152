// Bundled for the browser by test/browser/in-chromium.test.ts (esbuild, platform browser, no shims).
import * as tf from '@tensorflow/tfjs';
import { serialize, deserialize, initBackend, serializable } from 'reprise';

class Counter {
  constructor(n) {
    this.n = n;
    this.seen = ['a', 'b'];
  }
}
serializable({ name: 'test.Counter' })(Counter);

/** The same value as sampleValue() in the test, built in the page. */
function sampleValue() {
  tf.disposeVariables();
  const shared = { tag: 'shared' };
  return {
    t: tf.tensor2d([[1, 2.5], [-3, 4]]),
    i: tf.tensor1d([1, 2, 3], 'int32'),
    v: tf.variable(tf.tensor1d([0.5, 0.25]), true, 'w'),
    counter: new Counter(7),
    built: { map: new Map([[1, 'x\u00e9']]), set: new Set([2n ** 70n]), date: new Date(0), re: /a+b/g, bytes: new Uint8Array([1, 2, 3]) },
    a: shared,
    b: shared,
  };
}

window.reprise = {
  async init() {
    return initBackend({ preferred: 'cpu' });
  },
  sampleBytes() {
    return Array.from(serialize(sampleValue()));
  },
  async loadBytes(bytes) {
    tf.disposeVariables();
    const warnings = [];
    const original = console.warn;
    console.warn = (...args) => {
      warnings.push(args.join(' '));
      original(...args);
    };
    try {
      const value = deserialize(new Uint8Array(bytes));
      return {
        warnings,
        t: Array.from(await value.t.data()),
        tShape: value.t.shape,
        i: Array.from(await value.i.data()),
        v: Array.from(await value.v.data()),
        counter: value.counter instanceof Counter ? value.counter.n : null,
        shared: value.a === value.b,
        big: [...value.built.set][0] === 2n ** 70n,
      };
    } finally {
      console.warn = original;
    }
  },
};
window.ready = true;
