import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CheckpointFormatError, CheckpointStorageError } from '../../src/errors.js';
import { crc32c, decodeHeader, encodeHeader, PREAMBLE_SIZE } from '../../src/format/index.js';
import { CheckpointPlugin, FileSystemCheckpointStorage, MemoryCheckpointStorage, type CheckpointStorage } from '../../src/checkpoint/index.js';
import { ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';

/** The bytes of a valid run checkpoint "1" written by a CheckpointPlugin: a graph section, padding, a bytes section. */
async function runCheckpointBytes(): Promise<Uint8Array> {
  const storage = new MemoryCheckpointStorage();
  const plugin = new CheckpointPlugin(storage);
  const s = Object.assign(new ToyStrategy([plugin]), { samples: new Uint8Array(5000).fill(7) });
  await s.train(0);
  await s.eval();
  return storage.entries.get('1')!.slice();
}

/** The header's section table, and a copy of `bytes` with it rewritten by `edit` (the header checksum fixed). */
function sectionsOf(bytes: Uint8Array) {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  return decodeHeader(bytes.slice(PREAMBLE_SIZE, PREAMBLE_SIZE + length), PREAMBLE_SIZE);
}
function withSections(bytes: Uint8Array, edit: (info: ReturnType<typeof sectionsOf>) => void): Uint8Array {
  const info = sectionsOf(bytes);
  edit(info);
  const header = encodeHeader(info);
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  assert.equal(header.byteLength, view.getUint32(12, true), 'the rewritten header has the same length');
  out.set(header, PREAMBLE_SIZE);
  view.setUint32(16, crc32c(header), true);
  return out;
}

/** Every way the newest file can be bytes that are not a (whole) checkpoint, by the code the reader gives. */
const broken: Array<[string, (good: Uint8Array) => Uint8Array]> = [
  ['TRUNCATED', (good) => good.slice(0, good.length - 1)],
  ['BAD_MAGIC', (good) => flip(good, 0)],
  ['BAD_VERSION', (good) => setU32(good, 8, 0)],
  ['TRAILING_BYTES', (good) => Uint8Array.from([...good, 0, 0, 0])],
  ['BAD_HEADER', (good) => setU32(good, 12, 0xfffffff0)],
  ['HEADER_CHECKSUM', (good) => flip(good, PREAMBLE_SIZE + 5)],
  ['BAD_SECTION', (good) => withSections(good, (info) => void (info.sections[0]!.offset += 8))],
  [
    'BAD_PADDING',
    (good) => {
      const at = sectionsOf(good).sections[1]!.offset - 1;
      assert.equal(good[at], 0, 'padding between the graph and the bytes section');
      const out = good.slice();
      out[at] = 1;
      return out;
    },
  ],
  ['SECTION_CHECKSUM', (good) => flip(good, sectionsOf(good).sections[0]!.offset + 1)],
];

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at]! ^= 0xff;
  return out;
}
function setU32(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(at, value, true);
  return out;
}

/** The storages of both read paths: whole bytes (memory) and section by section (`openReader`, the file system). */
const storages: Array<[string, (files: Record<string, Uint8Array>) => CheckpointStorage]> = [
  [
    'memory',
    (files) => {
      const storage = new MemoryCheckpointStorage();
      for (const [name, bytes] of Object.entries(files)) storage.entries.set(name, bytes);
      return storage;
    },
  ],
  [
    'file system',
    (files) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-foreign-'));
      for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${name}.reprise`), bytes);
      return new FileSystemCheckpointStorage({ directory: dir });
    },
  ],
];

describe('CheckpointPlugin: a newest file that is not a checkpoint', () => {
  for (const [kind, storageOf] of storages) {
    it(`is FOREIGN_CHECKPOINT with the reader's code as its cause, for every container-level code (${kind})`, async () => {
      const good = await runCheckpointBytes();
      for (const [expected, breakIt] of broken) {
        const storage = storageOf({ '1': good, '2': breakIt(good) });
        await assert.rejects(
          new CheckpointPlugin(storage).loadCheckpointIfExists(),
          (e: unknown) => {
            assert.ok(e instanceof CheckpointStorageError && e.code === 'FOREIGN_CHECKPOINT', `${expected}: got ${String(e)}`);
            assert.ok(e.cause instanceof CheckpointFormatError, expected);
            assert.equal(e.cause.code, expected);
            return true;
          },
          expected,
        );
        // An older file that is not a checkpoint does not stop the run: its header has no run id to compare.
        const older = storageOf({ '1': breakIt(good), '2': good });
        const [strategy, initialExp] = await new CheckpointPlugin(older).loadCheckpointIfExists<ToyStrategy>();
        assert.equal(initialExp, 1, expected);
        assert.deepEqual(strategy!.weights, [0], expected);
      }
    });
  }

  it('a graph deeper than maxDepth is DEPTH_LIMIT, not FOREIGN_CHECKPOINT: the file is a checkpoint, the reader\'s limit refuses it', async () => {
    const storage = new MemoryCheckpointStorage();
    storage.entries.set('1', await runCheckpointBytes());
    await assert.rejects(new CheckpointPlugin(storage, { maxDepth: 2 }).loadCheckpointIfExists(), (e: unknown) => e instanceof CheckpointFormatError && e.code === 'DEPTH_LIMIT');
    const [strategy] = await new CheckpointPlugin(storage).loadCheckpointIfExists<ToyStrategy>();
    assert.deepEqual(strategy!.weights, [0]);
  });

});
