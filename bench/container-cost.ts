/**
 * Peak memory of loading (and verifying) per byte of file, for each kind of container,
 * nested one inside the other and side by side, one file per child process:
 *   node dist/bench/container-cost.js                 # make ~4 MB files, print a table
 *   node dist/bench/container-cost.js child MODE FILE  # (child) load or inspect one file
 * The figure is how far the peak resident set rose above the level it had once the
 * file was read, divided by the file's size (a 64 MiB fixed overhead is not taken off).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatChunks, packContainer } from '../src/format/index.js';
import { Tag } from '../src/graph/index.js';
import { varint } from './stream-bytes.js';

const CLASS = 'B.Node';
const SIZE = 4_000_000;

/** A graph of `n` copies of `unit` followed by `tail`, as one byte array. */
function repeat(head: number[], unit: number[], n: number, tail: number[]): Uint8Array {
  const g = new Uint8Array(head.length + unit.length * n + tail.length);
  g.set(head);
  for (let i = 0; i < n; i++) g.set(unit, head.length + i * unit.length);
  g.set(tail, head.length + unit.length * n);
  return g;
}

const str = (s: string) => [Tag.STRING, s.length, ...Buffer.from(s)];

/** Nested: each level holds the next. Wide: one array of empty ones. */
function cases(): Record<string, Uint8Array> {
  const nested = (head: number[], unit: number[]) => repeat(head, unit, Math.floor(SIZE / unit.length), [Tag.NULL]);
  const wide = (head: (n: number) => number[], unit: number[]) => {
    const n = Math.floor(SIZE / unit.length);
    return repeat(head(n), unit, n, []);
  };
  const arrayOf = (n: number) => [Tag.ARRAY, ...varint(n)];
  // Strings 0 and 1 ("k", the class name) are defined by a first element that is then dropped: an object with key "k".
  const strings = [Tag.OBJECT, 1, ...str('k'), Tag.CLASS_FIELDS, ...str(CLASS), 1, 0];
  return {
    'Array, nested': nested([], [Tag.ARRAY, 1]),
    'Set, nested': nested([], [Tag.SET, 1]),
    'Map, nested (value)': nested([], [Tag.MAP, 1, Tag.NULL]),
    'Object, nested': nested([Tag.ARRAY, 2, ...strings], [Tag.OBJECT, 1, Tag.STRING_REF, 0]),
    'class instance, nested': nested([Tag.ARRAY, 2, ...strings], [Tag.CLASS_FIELDS, Tag.STRING_REF, 1, 1, 1, Tag.STRING_REF, 0]),
    'Array, side by side': wide(arrayOf, [Tag.ARRAY, 0]),
    'Set, side by side': wide(arrayOf, [Tag.SET, 0]),
    'Map, side by side': wide(arrayOf, [Tag.MAP, 0]),
    'Object, side by side': wide(arrayOf, [Tag.OBJECT, 0]),
    'class instance, side by side': wide((n) => [Tag.ARRAY, ...varint(n + 1), ...strings.slice(2 + 3)], [Tag.CLASS_FIELDS, Tag.STRING_REF, 0, 1, 0]),
  };
}

async function child(mode: string, file: string): Promise<void> {
  const { deserialize, serializable } = await import('../src/index.js');
  const { inspectBytes } = await import('../src/cli/inspect.js');
  @serializable({ name: CLASS })
  class Node {}
  void Node;
  const bytes = fs.readFileSync(file);
  const before = process.resourceUsage().maxRSS * 1024;
  let outcome = 'OK';
  let kept: unknown;
  try {
    kept = mode === 'inspect' ? inspectBytes(bytes) : deserialize(bytes);
  } catch (err) {
    outcome = (err as { code?: string }).code ?? String(err);
  }
  const growth = process.resourceUsage().maxRSS * 1024 - before;
  void kept;
  console.log(JSON.stringify({ growth, outcome }));
}

function main(): void {
  const [cmd, mode, arg] = process.argv.slice(2);
  if (cmd === 'child') return void child(mode!, arg!);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-container-cost-'));
  const self = fileURLToPath(import.meta.url);
  console.log('| file (~4 MB) | load: peak growth per file byte | verify: per file byte | outcome |\n| --- | --- | --- | --- |');
  for (const [name, graph] of Object.entries(cases())) {
    const p = path.join(dir, 'f.reprise');
    const bytes = concatChunks(packContainer({ graph, sections: [], writer: 'bench', backend: '' }));
    fs.writeFileSync(p, bytes);
    const cells: string[] = [];
    let outcome = '';
    for (const mode of ['load', 'inspect']) {
      const r = spawnSync(process.execPath, ['--max-old-space-size=8192', self, 'child', mode, p], { encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0 || !r.stdout.trim()) {
        cells.push(`crashed (${r.signal ?? r.status})`);
        continue;
      }
      const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as { growth: number; outcome: string };
      cells.push((o.growth / bytes.length).toFixed(0));
      outcome ||= o.outcome;
    }
    console.log(`| ${name} | ${cells[0]} | ${cells[1]} | ${outcome} |`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
