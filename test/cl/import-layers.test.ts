import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The source folder of the continual-learning layer (tests run from dist/test/cl). */
const CL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/cl');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The cl folder of a file (`training`, `core`, …), `''` for src/cl/index.ts. */
function folderOf(file: string): string {
  const rel = path.relative(CL, file);
  return rel.includes(path.sep) ? rel.split(path.sep)[0]! : '';
}

/** Folder → folders it imports (type imports included), within src/cl. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources(CL)) {
    const from = folderOf(file);
    if (from === '') continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts'));
      if (!target.startsWith(CL + path.sep)) continue;
      const to = folderOf(target);
      if (to !== from && to !== '') (graph.get(from) ?? graph.set(from, new Set()).get(from)!).add(to);
    }
  }
  return graph;
}

function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      const cycle = visit(m);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of graph.keys()) {
    const cycle = visit(n);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the continual-learning layer has no import cycle between its folders', () => {
  it('folders import each other in one direction only (type imports included)', () => {
    const graph = folderGraph();
    assert.ok(graph.get('training')?.has('evaluation'), 'the scan sees imports (training uses the evaluator)');
    const cycle = findCycle(graph);
    assert.equal(cycle, undefined, `import cycle: ${cycle?.join(' → ')}`);
  });

  it('metrics, the evaluator and loggers see the strategy only through core/strategy-view', () => {
    for (const folder of ['evaluation', 'logging']) {
      assert.ok(!folderGraph().get(folder)?.has('training'), `${folder} imports the training layer`);
    }
  });
});
