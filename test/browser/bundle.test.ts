import assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { describe, it } from 'node:test';
import { bundleForBrowser } from './bundle.js';

describe('reprise bundled for the browser', () => {
  it('bundles with esbuild (platform browser, no shims) and needs no Node built-in', async () => {
    const { code, bytes, gzipped } = await bundleForBrowser();
    assert.doesNotMatch(code, /from\s*["'](node:)?(fs|path|crypto|os|module|url|perf_hooks)["']/);
    assert.doesNotMatch(code, /@node-rs\/crc32/);
    console.log(`reprise browser bundle (tfjs external): ${bytes} B minified, ${gzipped} B gzipped`);
  });

  it('serializes and deserializes with no global Buffer or process (a bare VM context)', async () => {
    // The graph layer alone (no tfjs): runs in a context that has only ECMAScript globals + TextEncoder/Decoder.
    const { code } = await bundleForBrowser(
      "import { encodeGraph, decodeGraph } from './dist/src/graph/index.js'; import { Registry } from './dist/src/registry/index.js'; import { crc32c } from './dist/src/format/checksum.js';" +
        "const registry = new Registry();" +
        "const v = { a: [1, 'x\u00e9\u{1F600}'.repeat(30), 2n, -(3n ** 200n)], lone: 'a\\ud800b'.repeat(50), m: new Map([[1, new Set([true])]]), f: new Float32Array([1.5, 2]) }; v.self = v;" +
        "const { graph, sections } = encodeGraph(v, { registry }); if (sections.length) throw new Error('sections');" +
        "const back = decodeGraph(graph, { registry, section: () => { throw new Error('no section'); } }).value;" +
        "globalThis.result = { bytes: Array.from(graph), crc: crc32c(graph), ok: back.self === back && back.m.get(1).has(true) && back.a[1] === v.a[1] && back.a[3] === v.a[3] && back.lone === v.lone && back.f[0] === 1.5 };",
      { minify: false },
    );
    const context = vm.createContext({ TextEncoder, TextDecoder, console });
    vm.runInContext(code.replace(/^export\s*\{[^}]*\};?\s*$/m, ''), context);
    const result = (context as { result?: { ok: boolean; crc: number } }).result;
    assert.ok(result, 'the bundle ran');
    assert.equal(result.ok, true);
  });
});
