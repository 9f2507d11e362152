/**
 * The run checkpoint's pieces one by one (src/checkpoint/run-checkpoint.ts, load.ts):
 * what `restoreRun` writes into the live strategy and reports, where `positionOf`
 * says a run resumes, the "resuming" line, the header metadata of a run file, the
 * refusal of values that are not runs, and the options `load`/`loadSync` pass on.
 * Mutation testing (docs/MUTATION.md) found these reached only through end-to-end runs.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import {
  decodeRunCheckpoint,
  load,
  loadSync,
  packRunCheckpoint,
  registerGlobalState,
  restoreRun,
  save,
  saveSync,
  serialize,
  type RunCheckpoint,
} from '../../src/checkpoint/index.js';
import { announce, describeReport, positionOf, type RestoreReport } from '../../src/checkpoint/run-checkpoint.js';
import { concatChunks } from '../../src/format/index.js';
import { CheckpointError, RestoreError } from '../../src/errors.js';
import { constructorSerialized, Registry, serializable } from '../../src/registry/index.js';
import { OtherStrategy, ToyStrategy } from './toy-strategy.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-run-ckpt-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = () => path.join(dir, `${files++}.reprise`);

@serializable({ name: 'test.run-checkpoint.LivePlugin' })
class LivePlugin {
  constructor(public tag = '') {}
}
@serializable({ name: 'test.run-checkpoint.OtherPlugin' })
class OtherPlugin {
  constructor(public tag = '') {}
}

const stats = { reused: 3, rebuilt: 4 };

/** A checkpoint record around `strategy`, as `decodeRunCheckpoint` returns it. */
function record(strategy: object, globals: Record<string, unknown> | undefined = {}): RunCheckpoint {
  return { kind: 'reprise.run', version: 1, strategy, expCounter: 2, globals: globals as Record<string, unknown> };
}

describe('positionOf', () => {
  it('is undefined after a whole experience (no trainingPosition, or null)', () => {
    assert.equal(positionOf({ clock: { trainExpEpochs: 1 } }), undefined);
    assert.equal(positionOf({ trainingPosition: null as unknown as undefined }), undefined);
  });

  it('reads the experience from the position and the epoch and iterations from the clock', () => {
    const at = positionOf({ trainingPosition: { experience: 3 }, clock: { trainExpEpochs: 2, trainEpochIterations: 5, trainIterations: 41 } });
    assert.deepEqual(at, { experience: 3, epoch: 2, iteration: 5, runIteration: 41 });
  });

  it('counts missing clock fields, or a missing clock, as 0', () => {
    assert.deepEqual(positionOf({ trainingPosition: { experience: 1 }, clock: {} }), { experience: 1, epoch: 0, iteration: 0, runIteration: 0 });
    assert.deepEqual(positionOf({ trainingPosition: { experience: 1 } }), { experience: 1, epoch: 0, iteration: 0, runIteration: 0 });
  });
});

describe('restoreRun', () => {
  it('replaces the live fields with the file\'s as plain writable, enumerable, configurable data', () => {
    const live = new ToyStrategy();
    Object.defineProperty(live, 'weights', { get: () => [-1], configurable: true, enumerable: false });
    const loaded = new ToyStrategy();
    loaded.weights = [1, 2];
    restoreRun(live, record(loaded), stats, () => false);
    assert.deepEqual(Object.getOwnPropertyDescriptor(live, 'weights'), { value: [1, 2], writable: true, enumerable: true, configurable: true });
    assert.equal(live.weights, loaded.weights, 'the loaded object itself, not a copy');
  });

  it('reports the fields only in the file, only in the live strategy, the unknown global states and the decode stats', () => {
    const live = Object.assign(new ToyStrategy(), { liveOnly: 1 });
    const loaded = Object.assign(new ToyStrategy(), { fileOnly: 2 });
    const report = restoreRun(live, record(loaded, { 'test.run-checkpoint.nobody': 1 }), stats, () => false);
    assert.deepEqual(report, { addedFields: ['fileOnly'], keptFields: ['liveOnly'], unknownGlobals: ['test.run-checkpoint.nobody'], reused: 3, rebuilt: 4 });
    assert.equal((live as unknown as { fileOnly: number }).fileOnly, 2);
    assert.equal(live.liveOnly, 1, 'a live-only field is kept');
  });

  it('restores the global states in the file, and a file without any restores none', () => {
    let state = 'live';
    registerGlobalState('test.run-checkpoint.state', { capture: () => state, restore: (s) => void (state = s as string) });
    restoreRun(new ToyStrategy(), record(new ToyStrategy(), { 'test.run-checkpoint.state': 'saved' }), stats, () => false);
    assert.equal(state, 'saved');
    state = 'live';
    const report = restoreRun(new ToyStrategy(), record(new ToyStrategy(), undefined), stats, () => false);
    assert.equal(state, 'live');
    assert.deepEqual(report.unknownGlobals, []);
  });

  it('keeps the live plugin of the same class where keepLive says so, and the loaded one otherwise', () => {
    const liveKept = new LivePlugin('live');
    const live = new ToyStrategy([null as unknown as object, undefined as unknown as object, 7 as unknown as object, new OtherPlugin('live other'), liveKept]);
    const fromFile = [new LivePlugin('file'), new OtherPlugin('file other')];
    const loaded = new ToyStrategy(fromFile);
    restoreRun(live, record(loaded), stats, (p) => p instanceof LivePlugin);
    assert.equal(live.plugins.length, 2);
    assert.equal(live.plugins[0], liveKept, 'the live LivePlugin replaces the loaded one');
    assert.equal(live.plugins[1], fromFile[1], 'keepLive says no: the loaded OtherPlugin');
  });

  it('keeps a loaded plugin that keepLive accepts when the live strategy has none of its class', () => {
    const fromFile = new LivePlugin('file');
    const live = new ToyStrategy([new OtherPlugin('live')]);
    restoreRun(live, record(new ToyStrategy([fromFile])), stats, () => true);
    assert.equal(live.plugins[0], fromFile);
    const bare = Object.assign(Object.create(ToyStrategy.prototype) as ToyStrategy, { plugins: 'not a list' });
    restoreRun(bare, record(new ToyStrategy([fromFile])), stats, () => true);
    assert.equal(bare.plugins[0], fromFile, 'no live plugin list: nothing to keep');
  });

  it('refuses another strategy class with STRATEGY_MISMATCH before touching anything', () => {
    let state = 'live';
    registerGlobalState('test.run-checkpoint.mismatch', { capture: () => state, restore: (s) => void (state = s as string) });
    const live = new OtherStrategy();
    const loaded = new ToyStrategy();
    loaded.clock.trainExpCounter = 5;
    assert.throws(
      () => restoreRun(live, record(loaded, { 'test.run-checkpoint.mismatch': 'saved' }), stats, () => false),
      (e: unknown) => e instanceof RestoreError && e.code === 'STRATEGY_MISMATCH',
    );
    assert.equal(live.clock.trainExpCounter, 0);
    assert.equal(state, 'live', 'global states untouched');
  });
});

describe('describeReport and the resuming line', () => {
  const empty: RestoreReport = { addedFields: [], keptFields: [], unknownGlobals: [], reused: 0, rebuilt: 1 };
  const full: RestoreReport = { addedFields: ['a', 'b'], keptFields: ['k', 'l'], unknownGlobals: ['g', 'h'], reused: 2, rebuilt: 3 };

  it('names the counts always and each list only when it has entries', () => {
    assert.equal(describeReport(empty), '0 de-duplicated object(s) reused, 1 rebuilt');
    assert.equal(
      describeReport(full),
      '2 de-duplicated object(s) reused, 3 rebuilt; fields only in the file: a, b; live fields not in the file (kept): k, l; global states with no provider here (skipped): g, h',
    );
  });

  let written: string[];
  let quiet: string | undefined;
  let write: typeof process.stderr.write;
  beforeEach(() => {
    written = [];
    quiet = process.env.REPRISE_QUIET;
    delete process.env.REPRISE_QUIET;
    write = process.stderr.write;
    process.stderr.write = ((s: string) => (written.push(s), true)) as typeof process.stderr.write;
  });
  afterEach(() => {
    process.stderr.write = write;
    if (quiet === undefined) delete process.env.REPRISE_QUIET;
    else process.env.REPRISE_QUIET = quiet;
  });

  it('prints one line after whole experiences, with the source and the report', () => {
    announce('"run.reprise"', 4, full);
    assert.equal(written.length, 1);
    assert.match(written[0]!, /^reprise: resuming from "run\.reprise" after 4 training experience\(s\) \(2 de-duplicated .*: g, h\); current time is \d{4}-\d\d-\d\dT.*Z\n$/);
  });

  it('says where inside an experience a mid-experience checkpoint resumes', () => {
    announce('x', 1, empty, undefined, { trainingPosition: { experience: 1 }, clock: { trainExpEpochs: 2, trainEpochIterations: 7, trainIterations: 30 } });
    assert.match(written[0]!, /resuming from x inside training experience 1, epoch 2, after iteration 7 of that epoch \(run iteration 30\); training continues at the next iteration \(/);
    announce('y', 1, empty, undefined, { clock: {} });
    assert.match(written[1]!, /resuming from y after 1 training experience\(s\) \(/);
  });

  it('is silent when quiet, or with REPRISE_QUIET=1 unless quiet is false', () => {
    announce('x', 1, empty, true);
    process.env.REPRISE_QUIET = '1';
    announce('x', 1, empty);
    assert.deepEqual(written, []);
    announce('x', 1, empty, false);
    assert.equal(written.length, 1);
    process.env.REPRISE_QUIET = '0';
    announce('x', 1, empty);
    assert.equal(written.length, 2);
  });
});

describe('packRunCheckpoint / decodeRunCheckpoint', () => {
  it('stores the kind and the experience counter in the header, under the caller\'s metadata', () => {
    const s = new ToyStrategy();
    s.clock.trainExpCounter = 3;
    const bytes = concatChunks(packRunCheckpoint(s, { metadata: { user: 'u', kind: 'override' } }));
    const { checkpoint, metadata, stats: decodeStats } = decodeRunCheckpoint(bytes);
    assert.deepEqual({ ...metadata }, { kind: 'override', expCounter: '3', user: 'u' });
    assert.equal(checkpoint.kind, 'reprise.run');
    assert.equal(checkpoint.version, 1);
    assert.equal(checkpoint.expCounter, 3);
    assert.ok(checkpoint.strategy instanceof ToyStrategy);
    assert.deepEqual(decodeStats, { reused: 0, rebuilt: 0 });
  });

  it('counts a strategy without a clock as 0 experiences, and captures the global states', () => {
    registerGlobalState('test.run-checkpoint.captured', { capture: () => 'now', restore: () => {} });
    const { checkpoint, metadata } = decodeRunCheckpoint(concatChunks(packRunCheckpoint(new OtherStrategy() as object as ToyStrategy, {})));
    assert.equal(metadata.kind, 'reprise.run');
    const bare = decodeRunCheckpoint(concatChunks(packRunCheckpoint({ plugins: [] })));
    assert.equal(bare.checkpoint.expCounter, 0);
    assert.equal(bare.metadata.expCounter, '0');
    assert.equal(checkpoint.globals['test.run-checkpoint.captured'], 'now');
  });

  it('views the strategy\'s own large arrays unless capture is asked for', () => {
    const s = { plugins: [], big: new Uint8Array(8192) };
    const viewing = packRunCheckpoint(s);
    const captured = packRunCheckpoint(s, {}, true);
    s.big.fill(1);
    const big = (packed: ReturnType<typeof packRunCheckpoint>) => (decodeRunCheckpoint(concatChunks(packed), { verifyChecksums: false }).checkpoint.strategy as typeof s).big;
    assert.equal(big(viewing)[0], 1, 'by default the packed sections view the live array (their checksums were taken before the change)');
    assert.equal(big(captured)[0], 0, 'captured at the call');
  });

  it('leaves out excluded fields, and only those', () => {
    const s = new ToyStrategy();
    s.weights = [5];
    const kept = decodeRunCheckpoint(concatChunks(packRunCheckpoint(s, { exclude: [] }))).checkpoint.strategy as ToyStrategy;
    assert.deepEqual(kept.weights, [5]);
    const left = decodeRunCheckpoint(concatChunks(packRunCheckpoint(s, { exclude: ['weights'] }))).checkpoint.strategy as ToyStrategy;
    assert.equal(Object.hasOwn(left, 'weights'), false);
    assert.deepEqual(left.clock, { trainExpCounter: 0 });
  });

  it('refuses every value that is not a run checkpoint with NOT_A_RUN_CHECKPOINT', () => {
    const run = { kind: 'reprise.run', version: 1, strategy: {}, expCounter: 0, globals: {} };
    const notRuns: unknown[] = [undefined, null, 7, 'reprise.run', { ...run, kind: 'other' }, { ...run, expCounter: '0' }, { ...run, strategy: null }, { ...run, strategy: 'x' }];
    for (const value of notRuns) {
      assert.throws(
        () => decodeRunCheckpoint(serialize(value)),
        (e: unknown) => e instanceof RestoreError && e.code === 'NOT_A_RUN_CHECKPOINT',
        JSON.stringify(value),
      );
    }
    assert.equal(decodeRunCheckpoint(serialize(run)).checkpoint.expCounter, 0, 'the smallest run is accepted');
  });
});

/** A file whose graph section holds a byte changed after saving: its checksum no longer matches. */
function corrupted(): { target: string; byte: number } {
  const target = file();
  saveSync({ blob: new Uint8Array(64).fill(7) }, target);
  const bytes = fs.readFileSync(target);
  const at = bytes.indexOf(Buffer.alloc(64, 7));
  bytes[at + 10] = 9;
  fs.writeFileSync(target, bytes);
  return { target, byte: 9 };
}

describe('load, loadSync and decodeRunCheckpoint pass their options on', () => {
  const checksum = (e: unknown) => e instanceof CheckpointError && e.code === 'SECTION_CHECKSUM';

  it('verifyChecksums: a corrupted file is refused by default and read as it is with false', async () => {
    const { target, byte } = corrupted();
    await assert.rejects(load(target), checksum);
    assert.throws(() => loadSync(target), checksum);
    assert.equal(((await load(target, { verifyChecksums: false })) as { blob: Uint8Array }).blob[10], byte);
    assert.equal((loadSync(target, { verifyChecksums: false }) as { blob: Uint8Array }).blob[10], byte);
  });

  it('decodeRunCheckpoint: verifyChecksums', () => {
    const target = file();
    saveSync({ kind: 'reprise.run', version: 1, strategy: { blob: new Uint8Array(64).fill(7) }, expCounter: 0, globals: {} }, target);
    const bytes = fs.readFileSync(target);
    bytes[bytes.indexOf(Buffer.alloc(64, 7)) + 10] = 9;
    assert.throws(() => decodeRunCheckpoint(bytes), checksum);
    assert.equal((decodeRunCheckpoint(bytes, { verifyChecksums: false }).checkpoint.strategy as { blob: Uint8Array }).blob[10], 9);
  });

  it('maxDepth, registry and uniqueObjects reach the decoder', async () => {
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'test.run-checkpoint.Shared', deduplicate: true })
    class Shared {
      constructor(readonly n: number) {}
    }
    const target = file();
    await save({ a: { b: { c: { d: 1 } } }, p: new Shared(1) }, target, { registry });
    const depth = (e: unknown) => e instanceof CheckpointError && e.code === 'DEPTH_LIMIT';
    await assert.rejects(load(target, { registry, maxDepth: 2 }), depth);
    assert.throws(() => loadSync(target, { registry, maxDepth: 2 }), depth);
    const unregistered = (e: unknown) => e instanceof CheckpointError && e.code === 'UNKNOWN_CLASS' && e.path === '.p';
    await assert.rejects(load(target), unregistered);
    assert.throws(() => loadSync(target), unregistered);
    const live = new Shared(1);
    assert.equal(((await load(target, { registry, uniqueObjects: [live] })) as { p: object }).p, live);
    assert.equal((loadSync(target, { registry, uniqueObjects: [live] }) as { p: object }).p, live);
  });

  it('loadSync refuses a target that is not a local file with BAD_TARGET', () => {
    assert.throws(() => loadSync('s3://bucket/run.reprise'), (e: unknown) => e instanceof CheckpointError && e.code === 'BAD_TARGET');
  });
});
