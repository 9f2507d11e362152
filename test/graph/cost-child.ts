/**
 * Child process of cost-bounds.test and cost-property.test: reads one file, then loads
 * it (`load`) or inspects it (`inspect`), and prints what that cost:
 * `{ ms, growthBytes, code }`, where growthBytes is how far the peak resident set rose
 * above the level it had once the file was read.
 */
import * as fs from 'node:fs';
import { inspectBytes } from '../../src/cli/inspect.js';
import { fromBytes } from '../helpers/graph-round-trip.js';

const [mode, file] = process.argv.slice(2);
const bytes = new Uint8Array(fs.readFileSync(file!));
const before = process.resourceUsage().maxRSS * 1024;
const t0 = performance.now();
let code = 'OK';
let kept: unknown;
try {
  kept = mode === 'inspect' ? inspectBytes(bytes) : fromBytes(bytes).value;
} catch (err) {
  code = (err as { code?: string }).code ?? `UNTYPED ${String(err)}`;
}
const ms = performance.now() - t0;
const growthBytes = Math.max(0, process.resourceUsage().maxRSS * 1024 - before);
void kept;
process.stdout.write(JSON.stringify({ ms, growthBytes, code }));
