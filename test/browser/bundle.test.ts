import assert from 'node:assert/strict';
import * as vm from 'node:vm';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { bundleForBrowser } from './bundle.js';

describe('reprise bundled for the browser', () => {
  it('bundles with esbuild (platform browser, no shims) and needs no Node built-in', async () => {
    const { code, bytes, gzipped } = await bundleForBrowser();
    assert.doesNotMatch(code, /from\s*["'](node:)?(fs|path|crypto|os|module|url|perf_hooks)["']/);
    assert.doesNotMatch(code, /@node-rs\/crc32/);
    console.log(`reprise browser bundle (tfjs external): ${bytes} B minified, ${gzipped} B gzipped`);
  });

  it('stays within its size budget: 34.6 KB minified and gzipped (34.3 KB measured; the issue asks 30 KB, see README)', async () => {
    // A ratchet against growth, not the target: bench/browser-size.ts reports the figure
    // against the 30 KB target, and `--shares` where the bytes go.
    const { gzipped } = await bundleForBrowser();
    assert.ok(gzipped <= 34.6 * 1024, `the browser bundle grew to ${gzipped} B gzipped, over the 34.6 KB budget`);
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

describe('the browser build leaves Node-only parts out', () => {
  it('carries no file-system or S3 storage, no atomic file writes, no process signals, no verification and no reflect-metadata: their stubs instead', async () => {
    const { inputs } = await bundleForBrowser();
    const left = inputs.filter((f) => /reflect-metadata|checkpoint\/file-system-storage\.js$|checkpoint\/s3-storage\.js$|format\/atomic-write\.js$|registry\/design-metadata-node\.js$|checkpoint\/stop-signal\.js$|tensor\/trial-build\.js$/.test(f));
    assert.deepEqual(left, []);
    for (const stub of ['checkpoint/file-system-storage-unavailable.js', 'checkpoint/s3-storage-unavailable.js', 'format/atomic-write-unavailable.js', 'registry/design-metadata.js', 'checkpoint/stop-signal-unavailable.js', 'tensor/trial-build-unavailable.js']) {
      assert.ok(inputs.some((f) => f.endsWith(stub)), `${stub} is in the bundle`);
    }
  });
});

/**
 * A decorated class as TypeScript compiles it (`ts.transpileModule`), bundled for the
 * browser with the registry and run in a bare VM context: no reflect-metadata unless
 * `before`/`after` imports it.
 */
async function decoratedInBrowserBuild(legacy: boolean, polyfill?: 'before' | 'after'): Promise<Record<string, unknown>> {
  const source = `
    import { Registry, constructorSerialized, serializable } from './dist/src/registry/index.js';
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'vm.Config' })
    class Config { constructor(readonly size: number, readonly label: string) {} }
    @serializable({ registry, name: 'vm.Plain' })
    class Plain { n = 1; }
    const c = new Config(3, 'x');
    const entry = registry.lookup(c) as any;
    (globalThis as any).result = {
      kind: entry?.kind,
      args: entry?.argsOf(c),
      paramTypes: entry?.paramTypes?.map((t: Function) => t.name),
      plain: (registry.lookup(new Plain()) as any)?.name,
      hasGetMetadata: typeof (Reflect as any).getMetadata === 'function',
    };`;
  const js = ts.transpileModule(source, {
    compilerOptions: legacy
      ? { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators: true, emitDecoratorMetadata: true }
      : { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  const imports = polyfill === 'before' ? "import 'reflect-metadata/lite';\n" : '';
  const appended = polyfill === 'after' ? "import 'reflect-metadata/lite';\n" : '';
  // An import placed after the registry's runs after it (ES module evaluation order).
  const { code } = await bundleForBrowser(imports + "import './dist/src/registry/index.js';\n" + appended + js, { minify: false });
  const context = vm.createContext({ console });
  // TypeScript's helpers read top-level `this`, so esbuild wraps the snippet as CommonJS and exports it by default.
  vm.runInContext(code.replace(/^export\s*\{[^}]*\};?\s*$/m, '').replace(/^export default /m, ''), context);
  return JSON.parse(JSON.stringify((context as { result?: unknown }).result)) as Record<string, unknown>;
}

describe('the browser build reads and writes headers without the flatbuffers runtime', () => {
  it('carries the compact header codec, not flatc\'s generated code, the runtime or the Node codec', async () => {
    const { inputs } = await bundleForBrowser();
    assert.deepEqual(inputs.filter((f) => /node_modules\/flatbuffers\/|generated\/checkpoint_generated\.js$|format\/header-flatbuffers\.js$/.test(f)), []);
    assert.ok(inputs.some((f) => f.endsWith('format/header-compact.js')));
  });
});

describe('decorators in the browser build, without reflect-metadata', () => {
  it('legacy decorators: design:paramtypes from emitDecoratorMetadata are recorded by the small store; no Reflect.getMetadata is installed', async () => {
    assert.deepEqual(await decoratedInBrowserBuild(true), {
      kind: 'constructor', args: [3, 'x'], paramTypes: ['Number', 'String'], plain: 'vm.Plain', hasGetMetadata: false,
    });
  });

  it('TC39 standard decorators register and capture arguments (TypeScript emits no paramtypes for them)', async () => {
    assert.deepEqual(await decoratedInBrowserBuild(false), { kind: 'constructor', args: [3, 'x'], plain: 'vm.Plain', hasGetMetadata: false });
  });

  it('a page that imports reflect-metadata itself, before or after reprise, keeps it and its paramtypes are read through it', async () => {
    for (const polyfill of ['before', 'after'] as const) {
      assert.deepEqual(await decoratedInBrowserBuild(true, polyfill), {
        kind: 'constructor', args: [3, 'x'], paramTypes: ['Number', 'String'], plain: 'vm.Plain', hasGetMetadata: true,
      }, polyfill);
    }
  });
});
