import type { BenchResults } from '../lib/results.js';
import { bytes } from './format.js';

/** One line saying what the numbers were measured on. */
export function machineLine(r: BenchResults): string {
  const m = r.machine;
  return `${m.cpu}, ${m.cores} cores, ${bytes(m.memoryBytes)} RAM, ${m.os}, ${m.fileSystem}; Node ${m.node}; tfjs backend "${r.backend}"; ${r.date.slice(0, 10)}`;
}

/** How to read the table: what each number is and what each baseline does. */
export function methodNotes(r: BenchResults): string[] {
  return [
    `Each time is the median of ${r.maxReps > r.reps ? `${r.reps} to ${r.maxReps} runs (more while the rounds had taken under a time budget)` : `${r.reps} run${r.reps === 1 ? '' : 's'}`} after ${r.warmup} warm-up run${r.warmup === 1 ? '' : 's'}, ± half the range (max − min) over the median. The subjects of a case are timed in one fresh process in interleaved rounds (each round saves and loads with every subject, the order rotating), so their ratios are taken under the same conditions; peak memory is measured in fresh processes of its own. The machine is a virtual one: fsync latency has outliers and its speed drifts, which the median absorbs and the ± shows. No GC is forced before a timed operation.`,
    'Ratios beside a baseline are baseline ÷ reprise: above 1× reprise is smaller or faster, below 1× the baseline is.',
    'Save: from the live state (tensors on the backend) to bytes durable on disk. reprise writes a temporary file with writev, fsyncs it, renames it over the target and fsyncs the folder (atomic); the baselines write the target with writev and fsync (same durability of the bytes, no atomicity).',
    'Load: from the file to a usable state with every tensor created on the backend. reprise also rebuilds classes, models and strategies; v8 and JSON stop at plain objects, fs and tf.io weights at a list of tensors — the baselines do less work.',
    r.coldMeasured
      ? 'Warm cache: the load follows a save, so the file is read from the page cache (memory). Cold cache: the page cache was dropped (`echo 1 > /proc/sys/vm/drop_caches`) right before the load, so the file comes from the disk.'
      : `Warm cache: the load follows a save, so the file is read from the page cache (memory). Cold loads were not measured: ${r.coldNote}.`,
    r.mode === 'quick'
      ? 'Quick mode: the "fresh process" load and the load peak RSS are measured in the timing process after its runs, not in a fresh one; quick numbers only show that the bench runs.'
      : 'Fresh process: the first load of a new process, as in a real resume (code not yet optimised by the JIT; page cache dropped first when allowed).',
    `Peak RSS: the highest resident memory during the operation above what was resident before it (${r.memoryMethod === 'vmhwm' ? 'Linux VmHWM, reset through /proc/self/clear_refs right before the operation: exact, not sampled' : 'sampled every millisecond: peaks inside synchronous code can be missed'}); save: the first save of a fresh process; load: the first load of another fresh process${r.mode === 'quick' ? ' (full mode)' : ''}.`,
    'Baselines: fs = the tensor bytes alone (read off the backend with dataSync) plus a small JSON manifest of shapes — the disk\'s limit; v8.serialize = the same graph with tensors as typed arrays; JSON = the same graph with tensors as number arrays, cycles cut and shared objects repeated; tf.io weights = tf.io.encodeWeights/decodeWeights of the tensors only.',
    'Targets: tensor-heavy saves and loads within 1.3× of fs; files within 1% + 16 KiB of the raw tensor bytes; the object graph within 2× of v8 and ≥ 20% faster than JSON; a load\'s peak RSS no more than the file size plus the loaded state (growth of the JS heap in use plus tensor bytes on the backend, after GC) plus 1 MiB of page rounding; with uniqueObjects, file and memory flat across resume cycles (least-squares growth ≤ 64 B and ≤ 1 MB per cycle).',
  ];
}
