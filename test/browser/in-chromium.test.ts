import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { Page } from 'puppeteer-core';
import { serialize, serializable } from '../../src/index.js';
import { initBackend } from '../../src/tensor/index.js';
import { repoRoot } from './bundle.js';
import { chromiumPath, launchChromium, serve } from './chromium.js';

class Counter {
  n: number;
  seen = ['a', 'b'];
  constructor(n: number) {
    this.n = n;
  }
}
serializable({ name: 'test.Counter' })(Counter);

/** The same value as sampleValue() in page-entry.js. */
function sampleValue(): unknown {
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

const chromium = chromiumPath();

describe('reprise in headless Chromium', { skip: chromium.skip }, () => {
  let page: Page;
  let closeBrowser: () => Promise<void>;
  let closeServer: () => Promise<void>;

  before(async () => {
    const entry = fileURLToPath(new URL('../../../test/browser/page-entry.js', import.meta.url));
    const built = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent', absWorkingDir: repoRoot });
    const workerEntry = fileURLToPath(new URL('../../../test/browser/worker-entry.js', import.meta.url));
    const worker = await esbuild.build({ entryPoints: [workerEntry], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent', absWorkingDir: repoRoot });
    const server = await serve({
      '/': '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>',
      '/page.js': built.outputFiles[0]!.contents,
      '/worker.js': worker.outputFiles[0]!.contents,
    });
    closeServer = server.close;
    const launched = await launchChromium(chromium.path!);
    closeBrowser = launched.close;
    page = await launched.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url + '/');
    await page.waitForFunction('window.ready === true', { timeout: 60_000 }).catch((e: Error) => {
      throw new Error(`page did not start: ${errors.join('; ') || e.message}`);
    });
    assert.equal(await page.evaluate('window.reprise.init()'), 'cpu');
  });

  after(async () => {
    await closeBrowser?.();
    await closeServer?.();
  });

  it('writes the same bytes as Node for the same value (cpu backend on both sides)', async () => {
    await initBackend({ preferred: 'cpu', quiet: true });
    const node = serialize(sampleValue());
    const browser = new Uint8Array((await page.evaluate('window.reprise.sampleBytes()')) as number[]);
    assert.equal(browser.length, node.length);
    assert.deepEqual(browser, node);
  });

  it('loads a checkpoint saved in Node on wasm, with the backend-mismatch warning, not a crash', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const bytes = serialize(sampleValue());
    await tf.setBackend('cpu');
    const out = (await page.evaluate(`window.reprise.loadBytes(${JSON.stringify(Array.from(bytes))})`)) as {
      warnings: string[]; t: number[]; tShape: number[]; i: number[]; v: number[]; counter: number | null; shared: boolean; big: boolean; backend: string;
    };
    assert.deepEqual(out.t, [1, 2.5, -3, 4]);
    assert.deepEqual(out.tShape, [2, 2]);
    assert.deepEqual(out.i, [1, 2, 3]);
    assert.deepEqual(out.v, [0.5, 0.25]);
    assert.equal(out.counter, 7);
    assert.equal(out.shared, true);
    assert.equal(out.big, true);
    assert.equal(out.warnings.length, 1, JSON.stringify(out.warnings));
    assert.match(out.warnings[0]!, /REPRISE_BACKEND_MISMATCH.*"wasm".*"cpu"/);
    assert.equal(out.backend, 'cpu');
  });

  it('loads a checkpoint saved in Node on wasm on the webgl backend (SwiftShader\'s software GL), with the backend-mismatch warning', async (t) => {
    const started = (await page.evaluate("window.reprise.useBackend('webgl')")) as { backend?: string; now?: string; error?: string };
    try {
      if (started.error !== undefined) {
        t.skip(`the webgl backend did not start in this headless Chromium (${started.error})`);
        return;
      }
      assert.equal(started.now, 'webgl');
      await tf.setBackend('wasm');
      await tf.ready();
      const bytes = serialize(sampleValue());
      await tf.setBackend('cpu');
      const out = (await page.evaluate(`window.reprise.loadBytes(${JSON.stringify(Array.from(bytes))})`)) as {
        warnings: string[]; t: number[]; i: number[]; v: number[]; counter: number | null; shared: boolean; backend: string;
      };
      assert.equal(out.backend, 'webgl');
      assert.deepEqual(out.t, [1, 2.5, -3, 4]);
      assert.deepEqual(out.i, [1, 2, 3]);
      assert.deepEqual(out.v, [0.5, 0.25]);
      assert.equal(out.counter, 7);
      assert.equal(out.shared, true);
      assert.equal(out.warnings.length, 1, JSON.stringify(out.warnings));
      assert.match(out.warnings[0]!, /REPRISE_BACKEND_MISMATCH.*"wasm".*"webgl"/);
    } finally {
      await page.evaluate("window.reprise.useBackend('cpu')");
    }
  });

  it('loads in Node what the browser saved', async () => {
    const { deserialize } = await import('../../src/index.js');
    tf.disposeVariables();
    const bytes = new Uint8Array((await page.evaluate('window.reprise.sampleBytes()')) as number[]);
    const value = deserialize(bytes) as { t: tf.Tensor; counter: Counter };
    assert.deepEqual(Array.from(value.t.dataSync()), [1, 2.5, -3, 4]);
    assert.ok(value.counter instanceof Counter);
  });

  it('IndexedDBCheckpointStorage against the browser\'s IndexedDB: records, replace, prefixes, delete, NOT_FOUND, reopen', async () => {
    const out = (await page.evaluate('window.reprise.indexedDBContract()')) as Record<string, unknown>;
    assert.deepEqual(out, {
      bigSame: true,
      replaced: [9, 8, 7],
      list: ['1', '2'],
      otherList: ['1'],
      tensor: [1, 2, 3],
      step: 2,
      afterDelete: ['2'],
      exists: [false, true],
      notFound: 'NOT_FOUND',
      reopened: ['2'],
      byUrl: [[4, 5], 9],
      fileSave: 'UNSUPPORTED_PLATFORM',
    });
  });

  it('OPFSCheckpointStorage against the browser\'s Origin Private File System: replace, ranges, a failed store, listing, NOT_FOUND, the opfs:// scheme', async () => {
    const out = (await page.evaluate('window.reprise.opfsContract()')) as Record<string, unknown>;
    assert.deepEqual(out, {
      bigSame: true,
      range: true,
      replaced: [9, 8, 7],
      staleRead: 'LOAD_FAILED',
      failed: 'STORE_FAILED',
      afterFailure: [9, 8, 7],
      list: ['1', '2'],
      entries: ['1.reprise', '2.reprise', 'notes.txt', 'sub.reprise'],
      tensor: [1, 2, 3],
      exists: [false, true],
      notFound: 'NOT_FOUND',
      badName: 'BAD_NAME',
      byUrl: [[4, 5], 9],
    });
  });

  it('file-system and S3 storages and atomic writes, left out of the browser build, are UNSUPPORTED_PLATFORM errors when used', async () => {
    assert.deepEqual(await page.evaluate('window.reprise.nodeOnly()'), {
      fileStorage: 'UNSUPPORTED_PLATFORM',
      s3Storage: 'UNSUPPORTED_PLATFORM',
      s3Url: 'UNSUPPORTED_PLATFORM',
      fileUrl: 'UNSUPPORTED_PLATFORM',
      writeAtomically: 'UNSUPPORTED_PLATFORM',
    });
  });

  it('runs in a web worker: serialize, IndexedDB, OPFS, deserialize, with no Buffer or process there; bytes equal to those of Node', async () => {
    const out = (await page.evaluate(`new Promise((resolve) => {
      const w = new Worker('/worker.js', { type: 'module' });
      w.onmessage = (e) => { resolve(e.data); w.terminate(); };
      w.onerror = (e) => resolve({ error: e.message });
      w.postMessage('go');
    })`)) as { error?: string; bytes: number[]; t: number[]; step: number; hasBuffer: boolean; hasProcess: boolean; opfsStep: number };
    assert.equal(out.error, undefined);
    assert.equal(out.opfsStep, 12);
    assert.deepEqual(out.t, [1, 2.5, -3, 4]);
    assert.equal(out.step, 11);
    assert.equal(out.hasBuffer, false);
    assert.equal(out.hasProcess, false);
    await initBackend({ preferred: 'cpu', quiet: true });
    await tf.setBackend('cpu');
    tf.disposeVariables();
    const node = serialize({ t: tf.tensor2d([[1, 2.5], [-3, 4]]), step: 11, hasBuffer: false, hasProcess: false });
    assert.deepEqual(new Uint8Array(out.bytes), node);
  });
});
