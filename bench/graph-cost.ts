/**
 * The cost rows of issue 10, measured one file per child process:
 *   node dist/bench/graph-cost.js            # make the files in a temp folder, load each, print a table
 *   node dist/bench/graph-cost.js load FILE  # (child) load one file, print {ms, maxRssMiB, outcome}
 * Each child is given `--timeout` seconds (default 30) and killed after it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { concatChunks, packContainer } from '../src/format/index.js';
import { Tag } from '../src/graph/index.js';
import { varint } from './stream-bytes.js';


function file(graph: Uint8Array, sections: { kind: 'bytes' | 'tensor'; data: Uint8Array }[] = []): Uint8Array {
  return concatChunks(packContainer({ graph, sections, writer: 'bench', backend: '' }));
}

function cases(): Record<string, () => Uint8Array> {
  return {
    'baseline: {}': () => file(Uint8Array.of(Tag.OBJECT, 0)),
    'BIGINT, 1 MiB magnitude': () => {
      const n = 1 << 20;
      const g = new Uint8Array(2 + varint(n).length + n).fill(0xa7);
      g.set([Tag.BIGINT, 0, ...varint(n)]);
      return file(g);
    },
    'STRING16 of 20 M code units': () => {
      const n = 20_000_000;
      const head = [Tag.STRING16, ...varint(n)];
      const g = new Uint8Array(head.length + 2 * n);
      g.set(head);
      const units = new Uint16Array(g.buffer, 0, 0); // alignment-free fill below
      void units;
      for (let i = head.length; i < g.length; i += 2) g[i] = 0x61;
      g[head.length] = 0x00;
      g[head.length + 1] = 0xd8; // a lone surrogate first, so the string must be STRING16
      return file(g);
    },
    '2,000 references to one 1 MiB bytes section': () => {
      const refs = 2000;
      const g = [Tag.ARRAY, ...varint(refs)];
      for (let i = 0; i < refs; i++) g.push(Tag.ARRAY_BUFFER_SECTION, 1);
      return file(Uint8Array.from(g), [{ kind: 'bytes', data: new Uint8Array(1 << 20) }]);
    },
    'linked list of 100,000 nodes': () => {
      const n = 100_000;
      const g: number[] = [];
      for (let i = 0; i < n; i++) {
        g.push(Tag.OBJECT, 2);
        if (i === 0) g.push(Tag.STRING, 1, 0x76);
        else g.push(Tag.STRING_REF, 0);
        g.push(Tag.INT, ...varint(2 * i));
        if (i === 0) g.push(Tag.STRING, 4, 0x6e, 0x65, 0x78, 0x74);
        else g.push(Tag.STRING_REF, 1);
      }
      g.push(Tag.NULL);
      return file(Uint8Array.from(g));
    },
    '5,000 levels of nesting': () => {
      const g: number[] = [];
      for (let i = 0; i < 5000; i++) g.push(Tag.ARRAY, 1);
      g.push(Tag.NULL);
      return file(Uint8Array.from(g));
    },
    '4,000,000 levels of nesting (memory per level)': () => {
      const levels = 4_000_000;
      const g = new Uint8Array(2 * levels + 1);
      for (let i = 0; i < levels; i++) g.set([Tag.ARRAY, 1], 2 * i);
      g[2 * levels] = Tag.NULL;
      return file(g);
    },
  };
}

async function loadOne(filePath: string): Promise<void> {
  const { deserialize } = await import('../src/index.js');
  const bytes = fs.readFileSync(filePath);
  const t0 = performance.now();
  let outcome = 'loaded';
  try {
    deserialize(bytes);
  } catch (err) {
    outcome = `${(err as { code?: string }).code ?? (err as Error).name}`;
  }
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms: Math.round(ms), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), outcome }));
}

function main(): void {
  const [mode, arg] = process.argv.slice(2);
  if (mode === 'load') {
    void loadOne(arg!);
    return;
  }
  const timeout = Number(process.env.GRAPH_COST_TIMEOUT ?? 30);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-graph-cost-'));
  const self = fileURLToPath(import.meta.url);
  console.log('| file | size | load | peak RSS | outcome |\n| --- | --- | --- | --- | --- |');
  for (const [name, make] of Object.entries(cases())) {
    const p = path.join(dir, 'f.reprise');
    const bytes = make();
    fs.writeFileSync(p, bytes);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--max-old-space-size=4096', self, 'load', p], { encoding: 'utf8', timeout: timeout * 1000 });
    const wall = (performance.now() - t0) / 1000;
    const size = `${(bytes.length / 1e6).toFixed(2)} MB`;
    if (r.status !== 0 || !r.stdout.trim()) {
      console.log(`| ${name} | ${size} | killed or crashed after ${wall.toFixed(1)} s | — | ${r.signal ?? r.status} ${r.stderr.split('\n').find((l) => /Error/.test(l)) ?? ''} |`);
      continue;
    }
    const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; maxRssMiB: number; outcome: string };
    console.log(`| ${name} | ${size} | ${(o.ms / 1000).toFixed(2)} s | ${o.maxRssMiB} MiB | ${o.outcome} |`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
