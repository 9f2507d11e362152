import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ROUND_TRIP_FIXTURES } from '../graph/fixtures.js';
import { deserialize, load, loadSync, save, saveSync, serialize } from '../../src/index.js';
import { CheckpointStorageError } from '../../src/errors.js';

describe('serialize / deserialize / save / load', () => {
  it('reads from a Node Buffer exactly as from a Uint8Array (Buffer#slice aliases)', () => {
    const value = { small: Uint8Array.of(1, 2, 3).buffer, large: new Float64Array(2048).fill(7), buf: Buffer.from('abc') };
    const out = deserialize(Buffer.from(serialize(value))) as typeof value;
    assert.deepStrictEqual(out, value);
    assert.equal(out.large.buffer.byteLength, 2048 * 8, 'the ArrayBuffer is its own, not the whole file');
  });

  it('save/load and their sync twins round-trip every fixture through a file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-api-'));
    for (const fixture of ROUND_TRIP_FIXTURES) {
      const file = path.join(dir, 'f.reprise');
      const value = fixture.value();
      await save(value, file);
      const viaAsync = await load(file);
      saveSync(value, file);
      const viaSync = loadSync(file);
      if (!fixture.noDeepEqual) {
        assert.deepStrictEqual(viaAsync, value, fixture.name);
        assert.deepStrictEqual(viaSync, value, fixture.name);
      }
      fixture.validate?.(viaAsync, value);
    }
  });

  it('load and loadSync of a missing file reject with CheckpointStorageError NOT_FOUND, the ENOENT as cause', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-reprise-file');
    const notFound = (e: unknown) =>
      e instanceof CheckpointStorageError && e.code === 'NOT_FOUND' && (e.cause as NodeJS.ErrnoException).code === 'ENOENT' && e.message.includes(missing);
    await assert.rejects(load(missing), notFound);
    assert.throws(() => loadSync(missing), notFound);
  });
});
