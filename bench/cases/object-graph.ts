import type { BenchCase, BuiltState, Variant } from './types.js';

/**
 * Case 4, an object-heavy graph without tensors, shaped like a long run's bookkeeping:
 * metric histories whose entries share descriptor and phase objects, event logs, replay
 * buffers of indices that point at shared experience objects, a ring of nodes that point
 * back at their ring, and a stream whose experiences point back at it (the cycles).
 * JSON gets the same graph built without the back-pointers (it cannot hold cycles) and
 * repeats the shared objects, as it must.
 */
export const objectGraphCase: BenchCase = {
  name: 'object-graph',
  title: 'Object-heavy graph',
  description:
    'Small objects with shared references and a few cycles (metric histories, event logs, index buffers); JSON gets it without the back-pointers.',
  variants(mode) {
    const objects = mode === 'full' ? 100_000 : 10_000;
    return [{ id: `o${objects}`, label: `${objects.toLocaleString('en')} objects`, params: { objects } }];
  },
  subjects: ['reprise', 'v8', 'json'],
  notApplicable: { fs: 'no tensors', tfjs: 'no tensors' },
  plainHasTensors: false,
  async build(variant: Variant, subject): Promise<BuiltState> {
    const graph = buildGraph(Number(variant.params.objects), subject !== 'json');
    return { value: graph, tensors: [], plain: () => graph };
  },
  tensorBytes: () => 0,
  tensorHeavy: () => false,
};

/**
 * About `objects` objects and arrays: half metric entries, a fifth event-log entries
 * (each with its own small array), the rest index buffers and ring nodes.
 */
export function buildGraph(objects: number, cycles: boolean): Record<string, unknown> {
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const stream: Record<string, unknown> = { name: 'train_stream', experiences: [] as unknown[] };
  const experiences = Array.from({ length: 5 }, (_, id) => {
    const e: Record<string, unknown> = { id, classes: [2 * id, 2 * id + 1], taskLabel: 0 };
    if (cycles) e.stream = stream;
    return e;
  });
  stream.experiences = experiences;
  const phases = ['train_phase', 'eval_phase'].map((name) => ({ name, stream }));
  const descriptors = Array.from({ length: 20 }, (_, i) => ({
    name: `${['Top1_Acc', 'Loss', 'Forgetting', 'CPUUsage'][i % 4]}_${['MB', 'Epoch', 'Exp', 'Stream', 'Run'][i % 5]}`,
    phase: phases[i % 2],
    priority: i,
  }));
  const metricCount = Math.round(objects * 0.5);
  const history = Array.from({ length: metricCount }, (_, step) => ({
    descriptor: descriptors[step % descriptors.length],
    step,
    epoch: Math.floor(step / 1000),
    value: next(),
  }));
  const logCount = Math.round(objects * 0.1);
  const events = Array.from({ length: logCount }, (_, i) => ({ t: 1_700_000_000_000 + i * 37, kind: i % 3 ? 'iteration' : 'epoch', xy: [next(), next()] }));
  const bufferCount = Math.round(objects * 0.05);
  const buffers = Array.from({ length: bufferCount }, (_, i) => ({
    experience: experiences[i % experiences.length],
    indices: Array.from({ length: 20 }, () => Math.floor(next() * 60_000)),
  }));
  const ring: Record<string, unknown> = { capacity: 0, nodes: [] as unknown[] };
  const nodeCount = Math.max(0, objects - metricCount - 2 * logCount - 2 * bufferCount - 40);
  ring.nodes = Array.from({ length: nodeCount }, (_, i) => {
    const node: Record<string, unknown> = { slot: i, score: next(), label: `sample-${i % 997}` };
    if (cycles) node.ring = ring;
    return node;
  });
  ring.capacity = nodeCount;
  return { stream, phases, descriptors, history, events, buffers, ring };
}
