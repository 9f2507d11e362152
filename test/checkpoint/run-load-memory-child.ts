/**
 * For run-load-memory.test.ts: `node --expose-gc run-load-memory-child.js <dir> <name>`
 * loads run checkpoint `<name>` of a file-system storage in this fresh process and
 * prints one JSON line: the backend, the file's size, and the peak resident memory of
 * the load above what was resident before it (Linux `VmHWM`, reset through
 * /proc/self/clear_refs).
 */
import * as fs from 'node:fs';
import { FileSystemCheckpointStorage, maybeLoadCheckpoint } from '../../src/checkpoint/index.js';
import { initBackend } from '../../src/tensor/index.js';
import { ToyStrategy } from './toy-strategy.js';

const [dir, name] = process.argv.slice(2) as [string, string];
const backend = await initBackend({ quiet: true });
const storage = new FileSystemCheckpointStorage({ directory: dir });
const size = fs.statSync(storage.pathOf(name)).size;

function status(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return Number(m![1]) * 1024;
}
const gc = (globalThis as { gc?: () => void }).gc!;
gc();
gc();
fs.writeFileSync('/proc/self/clear_refs', '5');
const before = status('VmRSS');
const strategy = new ToyStrategy();
await maybeLoadCheckpoint(strategy, { storage, name }, { quiet: true, onBackendMismatch: 'ignore' });
const peak = status('VmHWM');
console.log(JSON.stringify({ backend, size, extra: peak - before, loaded: 'w' in strategy }));
