import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Tag } from '../../src/graph/index.js';
import { container, varint } from './stream-helpers.js';

/**
 * The rows of issue 10's cost table, each loaded and inspected in a child process of its
 * own so that its peak memory is its own. The bounds are limits, not benchmarks: they are
 * far above what the linear code needs (bench/graph-cost.ts measures that) and far below
 * what the old code took (a 1 MiB BIGINT ran past 90 s and 1.8 GB; 2,000 definitions of
 * one 1 MiB section took 2 GB), so contention cannot fail them and a regression does.
 */
const child = fileURLToPath(new URL('./cost-child.js', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-cost-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const MiB = 1 << 20;

export interface Cost {
  ms: number;
  growthBytes: number;
  code: string;
}

export function costOf(mode: 'load' | 'inspect', file: string, timeoutMs = 60_000): Cost {
  const r = spawnSync(process.execPath, ['--max-old-space-size=2048', child, mode, file], { encoding: 'utf8', timeout: timeoutMs });
  assert.equal(r.status, 0, `child ${mode} ${path.basename(file)}: ${r.signal ?? ''} ${r.stderr}`);
  return JSON.parse(r.stdout) as Cost;
}

/** Loads and inspects `bytes`; both must give `code`, within `seconds` and a peak growth of 4 × the file + 64 MiB. */
function bounded(name: string, bytes: Uint8Array, code: string, seconds: number): Cost {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  const memoryBound = 4 * bytes.length + 64 * MiB;
  let loaded: Cost | undefined;
  for (const mode of ['load', 'inspect'] as const) {
    const cost = costOf(mode, file);
    assert.equal(cost.code, code, `${mode} ${name}`);
    assert.ok(cost.ms < seconds * 1000, `${mode} ${name}: ${Math.round(cost.ms)} ms, bound ${seconds} s`);
    assert.ok(cost.growthBytes < memoryBound, `${mode} ${name}: peak grew ${(cost.growthBytes / MiB).toFixed(0)} MiB, bound ${(memoryBound / MiB).toFixed(0)} MiB`);
    loaded ??= cost;
  }
  return loaded!;
}

describe('cost bounded by the file (issue 10 table rows)', () => {
  it('a BIGINT with a 1 MiB magnitude: linear time', () => {
    const g = new Uint8Array(2 + varint(MiB).length + MiB).fill(0xa7);
    g.set([Tag.BIGINT, 0, ...varint(MiB)]);
    bounded('bigint.reprise', container(g), 'OK', 10);
  });

  it('a STRING16 of 20 M code units (40 MB): allocated once', () => {
    const n = 20_000_000;
    const head = [Tag.STRING16, ...varint(n)];
    const g = new Uint8Array(head.length + 2 * n).fill(0x61);
    g.set(head);
    for (let i = head.length + 1; i < g.length; i += 2) g[i] = 0;
    g[head.length + 1] = 0xd8; // a lone surrogate first
    bounded('string16.reprise', container(g), 'OK', 20);
  });

  it('2,000 definitions over one 1 MiB bytes section are refused, not copied 2,000 times', () => {
    const refs = [Tag.ARRAY, ...varint(2000)];
    for (let i = 0; i < 2000; i++) refs.push(Tag.ARRAY_BUFFER_SECTION, 1);
    bounded('shared-section.reprise', container(refs, [{ kind: 'bytes', data: new Uint8Array(MiB) }]), 'BAD_GRAPH', 10);
  });

  it('2,000 typed arrays over one 1 MiB section through REF share one copy', () => {
    const g = [Tag.ARRAY, ...varint(2000)];
    for (let i = 0; i < 2000; i++) g.push(Tag.TYPED_ARRAY, 1, ...(i === 0 ? [Tag.ARRAY_BUFFER_SECTION, 1] : [Tag.REF, 2]), ...varint(i * 512), ...varint(512));
    bounded('views.reprise', container(g, [{ kind: 'bytes', data: new Uint8Array(MiB) }]), 'OK', 10);
  });

  it('a linked list of 100,000 nodes and 5,000 levels of nesting, with no flags', () => {
    const list: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      list.push(Tag.OBJECT, 2, ...(i === 0 ? [Tag.STRING, 1, 0x76] : [Tag.STRING_REF, 0]), Tag.INT, ...varint(2 * i));
      list.push(...(i === 0 ? [Tag.STRING, 4, 0x6e, 0x65, 0x78, 0x74] : [Tag.STRING_REF, 1]));
    }
    list.push(Tag.NULL);
    bounded('list.reprise', container(list), 'OK', 10);
    const nesting = [...new Array(5000).fill(0).flatMap(() => [Tag.ARRAY, 1]), Tag.NULL];
    bounded('nesting.reprise', container(nesting), 'OK', 10);
  });
});

describe('deep nesting costs memory in proportion to the file', () => {
  /**
   * Every level of nesting takes at least two bytes of the stream; the decoder's stack
   * spends about 45 bytes on a level (parallel arrays, no object per frame) and the
   * object-id table 8, and a load adds the container it builds (~64 bytes for a
   * one-element array). The bounds — peak growth of 64 bytes per byte of file when
   * inspecting, 96 when loading, plus 64 MiB — hold that with room for garbage (measured
   * on the 4 MB file below: 38 and 63 bytes per byte); the stack of frame objects it
   * replaced took 125 and 155 (500 and 614 MiB), and a regression to an object per level
   * fails them.
   */
  function proportional(name: string, graph: Uint8Array, code: string): void {
    const bytes = container(graph);
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    for (const mode of ['inspect', 'load'] as const) {
      const bound = (mode === 'inspect' ? 64 : 96) * bytes.length + 64 * MiB;
      const cost = costOf(mode, file);
      assert.equal(cost.code, code, `${mode} ${name}`);
      assert.ok(
        cost.growthBytes < bound,
        `${mode} ${name} (${(bytes.length / MiB).toFixed(1)} MiB): peak grew ${(cost.growthBytes / MiB).toFixed(0)} MiB, bound ${(bound / MiB).toFixed(0)} MiB`,
      );
    }
  }

  it('2,000,000 levels of one-element arrays (a 4 MB file)', () => {
    const levels = 2_000_000;
    const g = new Uint8Array(2 * levels + 1);
    for (let i = 0; i < levels; i++) g.set([Tag.ARRAY, 1], 2 * i);
    g[2 * levels] = Tag.NULL;
    proportional('deep-arrays.reprise', g, 'OK');
  });

  it('1,000,000 levels of arrays, objects, Maps and typed-array views in turn, refused at the innermost view', () => {
    const unit = [Tag.ARRAY, 1, Tag.OBJECT, 1, Tag.STRING_REF, 0, Tag.MAP, 1, Tag.NULL, Tag.TYPED_ARRAY, 1];
    const levels = 1_000_000;
    const head = [Tag.OBJECT, 1, Tag.STRING, 1, 0x6b]; // defines string 0, "k"
    const g = new Uint8Array(head.length + (unit.length * levels) / 4 + 1);
    g.set(head);
    for (let i = 0, at = head.length; i < levels / 4; i++, at += unit.length) g.set(unit, at);
    g[g.length - 1] = Tag.NULL; // a typed array over null: no ArrayBuffer
    proportional('deep-mixed.reprise', g, 'BAD_GRAPH');
  });

  /**
   * The costliest containers per byte of file are V8's own: an empty Set or Map takes
   * about 150–180 bytes (its hash table starts at 4 entries) for 2 bytes of stream, so
   * side by side or nested they cost ~100–120 bytes of peak growth per file byte when
   * loading (bench/container-cost.ts; docs/FORMAT.md, "What reading costs"); the decoder
   * keeps nothing per Set or Map beyond what it keeps per Array. Bound: 160 per byte when
   * loading, 64 when verifying, plus 64 MiB.
   */
  it('1,000,000 empty Sets and Maps side by side, and 1,000,000 nested Sets (2 MB files)', () => {
    const n = 1_000_000;
    const wide = new Uint8Array(1 + varint(n).length + 2 * n);
    wide.set([Tag.ARRAY, ...varint(n)]);
    for (let i = 0, at = 1 + varint(n).length; i < n; i++, at += 2) wide.set([i % 2 ? Tag.SET : Tag.MAP, 0], at);
    const nested = new Uint8Array(2 * n + 1);
    for (let i = 0; i < n; i++) nested.set([Tag.SET, 1], 2 * i);
    nested[2 * n] = Tag.NULL;
    for (const [name, graph] of [['wide-sets-maps.reprise', wide], ['nested-sets.reprise', nested]] as const) {
      const bytes = container(graph);
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      for (const mode of ['inspect', 'load'] as const) {
        const bound = (mode === 'inspect' ? 64 : 160) * bytes.length + 64 * MiB;
        const cost = costOf(mode, file);
        assert.equal(cost.code, 'OK', `${mode} ${name}`);
        assert.ok(cost.growthBytes < bound, `${mode} ${name}: peak grew ${(cost.growthBytes / MiB).toFixed(0)} MiB, bound ${(bound / MiB).toFixed(0)} MiB`);
      }
    }
  });
});
