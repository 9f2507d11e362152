import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import nodeFs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { atomicWriteOps, removeStaleTemporaryFiles, resolveWriteTarget, temporaryPathFor, writeAtomically, writeAtomicallySync, writevAllSync } from '../../src/format/atomic-write.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-atomic-'));
}

const CHUNKS = [Uint8Array.of(1, 2, 3), new Uint8Array(5000).fill(7), Uint8Array.of(9)];

/** Records, in order, every file operation of an atomic write, by name and the path it touches. */
function spyOnOps(t: TestContext, handlePaths: Map<unknown, string>): string[] {
  const events: string[] = [];
  const ops = atomicWriteOps;
  const open = ops.open;
  t.mock.method(ops, 'open', async (file: string, flags: string, mode: number) => {
    const h = await open(file, flags, mode);
    handlePaths.set(h, file);
    events.push(`open ${flags} ${file}`);
    return h;
  });
  const openSync = ops.openSync;
  t.mock.method(ops, 'openSync', (file: string, flags: string, mode: number) => {
    const fd = openSync(file, flags, mode);
    handlePaths.set(fd, file);
    events.push(`open ${flags} ${file}`);
    return fd;
  });
  const wrap = (name: 'writev' | 'sync' | 'close' | 'writevSync' | 'fsyncSync' | 'closeSync', label: string) => {
    const original = ops[name] as (...args: unknown[]) => unknown;
    t.mock.method(ops, name, (h: unknown, ...rest: unknown[]) => {
      events.push(`${label} ${handlePaths.get(h)}`);
      return original(h, ...rest);
    });
  };
  wrap('writev', 'write');
  wrap('sync', 'sync');
  wrap('close', 'close');
  wrap('writevSync', 'write');
  wrap('fsyncSync', 'sync');
  wrap('closeSync', 'close');
  for (const name of ['rename', 'renameSync'] as const) {
    const original = ops[name] as (a: string, b: string) => unknown;
    t.mock.method(ops, name, (from: string, to: string) => {
      events.push(`rename ${from} -> ${to}`);
      return original(from, to);
    });
  }
  for (const name of ['syncDirectory', 'syncDirectorySync'] as const) {
    const original = ops[name] as (d: string) => unknown;
    t.mock.method(ops, name, (dir: string) => {
      events.push(`syncdir ${dir}`);
      return original(dir);
    });
  }
  return events;
}

const WRITERS = [
  { name: 'writeAtomically', write: (target: string, chunks: Uint8Array[]) => writeAtomically(target, chunks) },
  { name: 'writeAtomicallySync', write: async (target: string, chunks: Uint8Array[]) => writeAtomicallySync(target, chunks) },
];

for (const { name, write } of WRITERS) {
  describe(`${name}: the order of durable operations`, () => {
    it('writes and syncs the temporary file, closes it, renames it onto the target, then syncs the folder; the target is never opened', async (t) => {
      const dir = tempDir();
      const target = path.join(dir, 'a.reprise');
      fs.writeFileSync(target, 'previous');
      const events = spyOnOps(t, new Map());
      await write(target, CHUNKS);
      const temp = events[0]!.split(' ')[2]!;
      assert.match(path.basename(temp), /^\.a\.reprise\.\d+\.[0-9a-f]{12}\.tmp$/);
      assert.equal(path.dirname(temp), dir);
      const writes = events.filter((e) => e.startsWith('write '));
      assert.ok(writes.length >= 1 && writes.every((e) => e === `write ${temp}`));
      assert.deepEqual(
        events.filter((e) => !e.startsWith('write ')),
        [`open wx ${temp}`, `sync ${temp}`, `close ${temp}`, `rename ${temp} -> ${target}`, `syncdir ${dir}`],
      );
      assert.ok(events.every((e) => !e.startsWith('open') || !e.endsWith(target)), 'the target is only ever renamed onto');
      assert.deepEqual(fs.readFileSync(target), Buffer.concat(CHUNKS));
    });

    it('a write failing after its first chunk leaves the previous file byte-identical and no temporary file', async (t) => {
      const dir = tempDir();
      const target = path.join(dir, 'a.reprise');
      const previous = Buffer.from('the previous checkpoint, byte for byte');
      fs.writeFileSync(target, previous);
      const eio = () => Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
      const writev = atomicWriteOps.writev;
      const writevSync = atomicWriteOps.writevSync;
      t.mock.method(atomicWriteOps, 'writev', async (h: fs.promises.FileHandle, buffers: NodeJS.ArrayBufferView[]) => {
        await writev(h, buffers.slice(0, 1));
        throw eio();
      });
      t.mock.method(atomicWriteOps, 'writevSync', (fd: number, buffers: NodeJS.ArrayBufferView[]) => {
        writevSync(fd, buffers.slice(0, 1));
        throw eio();
      });
      const rename = t.mock.method(atomicWriteOps, 'rename');
      const renameSync = t.mock.method(atomicWriteOps, 'renameSync');
      await assert.rejects(write(target, CHUNKS), { code: 'EIO' });
      assert.deepEqual(fs.readFileSync(target), previous);
      assert.deepEqual(fs.readdirSync(dir), ['a.reprise']);
      assert.equal(rename.mock.callCount() + renameSync.mock.callCount(), 0, 'nothing is renamed after a failed write');
    });

    it('a failing sync stops the rename: an unsynced file never replaces the previous one', async (t) => {
      const dir = tempDir();
      const target = path.join(dir, 'a.reprise');
      fs.writeFileSync(target, 'previous');
      const fail = () => {
        throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      };
      t.mock.method(atomicWriteOps, 'sync', async () => fail());
      t.mock.method(atomicWriteOps, 'fsyncSync', fail);
      await assert.rejects(write(target, CHUNKS), { code: 'EIO' });
      assert.equal(fs.readFileSync(target, 'utf8'), 'previous');
      assert.deepEqual(fs.readdirSync(dir), ['a.reprise']);
    });
  });

  describe(`${name}: file-system details`, () => {
    it('writes through a symbolic link (even a dangling one) to its target, keeping the link', async () => {
      const dir = tempDir();
      const real = path.join(dir, 'real.reprise');
      const link = path.join(dir, 'link.reprise');
      fs.symlinkSync('real.reprise', link);
      await write(link, [Uint8Array.of(1)]);
      assert.ok(fs.lstatSync(link).isSymbolicLink());
      assert.deepEqual([...fs.readFileSync(real)], [1]);
      await write(link, [Uint8Array.of(2)]);
      assert.ok(fs.lstatSync(link).isSymbolicLink());
      assert.deepEqual([...fs.readFileSync(real)], [2]);
    });

    it('a target name of 255 bytes gets a temporary name within the limit too', async () => {
      const dir = tempDir();
      for (const base of ['x'.repeat(247) + '.reprise', 'é'.repeat(123) + '.reprise']) {
        assert.ok(Buffer.byteLength(base) <= 255);
        const target = path.join(dir, base);
        await write(target, [Uint8Array.of(5)]);
        assert.deepEqual([...fs.readFileSync(target)], [5]);
        assert.ok(Buffer.byteLength(path.basename(temporaryPathFor(target))) <= 255);
      }
    });

    it('removes the temporary files of dead writers (and of an earlier process with its pid), keeps those of live ones', async () => {
      const dir = tempDir();
      const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
      const stale = [`.a.reprise.${dead}.0123456789ab.tmp`, `.b.reprise.${process.pid}.0123456789ab.tmp`];
      const live = `.c.reprise.1.0123456789ab.tmp`; // pid 1 is always alive
      const unrelated = ['.a.reprise.tmp', 'notes.tmp'];
      for (const f of [...stale, live, ...unrelated]) fs.writeFileSync(path.join(dir, f), 'x');
      await write(path.join(dir, 'a.reprise'), [Uint8Array.of(1)]);
      assert.deepEqual(fs.readdirSync(dir).sort(), [live, ...unrelated, 'a.reprise'].sort());
    });
  });
}

describe('removeStaleTemporaryFiles', () => {
  it('never removes the temporary file of a write in flight in this process', async (t) => {
    const dir = tempDir();
    const target = path.join(dir, 'a.reprise');
    let removedDuringWrite: string[] = [];
    const writev = atomicWriteOps.writev;
    t.mock.method(atomicWriteOps, 'writev', async (h: fs.promises.FileHandle, buffers: NodeJS.ArrayBufferView[]) => {
      removedDuringWrite = removeStaleTemporaryFiles(dir);
      return writev(h, buffers);
    });
    await writeAtomically(target, CHUNKS);
    assert.deepEqual(removedDuringWrite, []);
    assert.deepEqual(fs.readFileSync(target), Buffer.concat(CHUNKS));
  });
});

describe('removeStaleTemporaryFiles, what counts as a temporary file', () => {
  it('removes only names of exactly the temporary form: without the leading dot, or with anything after ".tmp", a dead pid\'s file is someone else\'s', () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const stale = `.a.reprise.${dead}.0123456789ab.tmp`;
    const lookalikes = [`a.reprise.${dead}.0123456789ab.tmp`, `.a.reprise.${dead}.0123456789ab.tmp.bak`, `x.a.reprise.${dead}.0123456789ab.tmp`];
    for (const f of [stale, ...lookalikes]) fs.writeFileSync(path.join(dir, f), 'x');
    assert.deepEqual(removeStaleTemporaryFiles(dir), [stale]);
    assert.deepEqual(fs.readdirSync(dir).sort(), lookalikes.sort());
  });

  it('a folder that cannot be listed removes nothing and throws nothing', () => {
    assert.deepEqual(removeStaleTemporaryFiles(path.join(tempDir(), 'missing')), []);
  });
});

describe('the folder sync itself', () => {
  it('syncDirectory opens the folder read-only, fsyncs it and closes it', async (t) => {
    const dir = tempDir();
    const calls: string[] = [];
    const open = fs.promises.open;
    t.mock.method(fs.promises, 'open', async (file: string, flags: string) => {
      const handle = await open(file, flags);
      calls.push(`open ${file} ${flags}`);
      const sync = handle.sync.bind(handle);
      const close = handle.close.bind(handle);
      handle.sync = async () => {
        calls.push('sync');
        return sync();
      };
      handle.close = async () => {
        calls.push('close');
        return close();
      };
      return handle;
    });
    await atomicWriteOps.syncDirectory(dir);
    assert.deepEqual(calls, [`open ${dir} r`, 'sync', 'close']);
  });

  it('syncDirectorySync opens the folder read-only, fsyncs that descriptor and closes it', (t) => {
    const dir = tempDir();
    const calls: string[] = [];
    const real = { openSync: nodeFs.openSync, fsyncSync: nodeFs.fsyncSync, closeSync: nodeFs.closeSync };
    t.mock.method(nodeFs, 'openSync', (file: string, flags: string) => {
      const fd = real.openSync(file, flags);
      calls.push(`open ${file} ${flags} -> fd`);
      return fd;
    });
    t.mock.method(nodeFs, 'fsyncSync', (fd: number) => {
      calls.push(`sync ${typeof fd}`);
      return real.fsyncSync(fd);
    });
    t.mock.method(nodeFs, 'closeSync', (fd: number) => {
      calls.push(`close ${typeof fd}`);
      return real.closeSync(fd);
    });
    syncBuiltinESMExports();
    try {
      atomicWriteOps.syncDirectorySync(dir);
    } finally {
      t.mock.restoreAll();
      syncBuiltinESMExports();
    }
    assert.deepEqual(calls, [`open ${dir} r -> fd`, 'sync number', 'close number']);
  });
});

describe('temporaryPathFor', () => {
  it('cuts a long target name so that the temporary name is exactly 255 bytes, never splitting a character', () => {
    const dir = tempDir();
    const ascii = path.basename(temporaryPathFor(path.join(dir, 'x'.repeat(300))));
    assert.equal(Buffer.byteLength(ascii), 255);
    assert.match(ascii, /^\.x+\.\d+\.[0-9a-f]{12}\.tmp$/);
    // two-byte characters: the name is cut at a character boundary, one byte short at most
    const accented = path.basename(temporaryPathFor(path.join(dir, 'é'.repeat(200))));
    assert.ok([254, 255].includes(Buffer.byteLength(accented)), `${Buffer.byteLength(accented)} bytes`);
    assert.match(accented, /^\.é+\.\d+\.[0-9a-f]{12}\.tmp$/);
  });

  it('keeps a short target name whole, in the same folder', () => {
    const dir = tempDir();
    const temp = temporaryPathFor(path.join(dir, 'run.reprise'));
    assert.equal(path.dirname(temp), dir);
    assert.match(path.basename(temp), new RegExp(`^\\.run\\.reprise\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
  });
});

describe('resolveWriteTarget', () => {
  /** `link0 -> link1 -> … -> link<n-1> -> file` in a fresh folder; returns the first link and the file. */
  function chain(n: number): { first: string; file: string } {
    const dir = tempDir();
    const file = path.join(dir, 'file.reprise');
    for (let i = n - 1; i >= 0; i--) fs.symlinkSync(i === n - 1 ? 'file.reprise' : `link${i + 1}`, path.join(dir, `link${i}`));
    return { first: path.join(dir, 'link0'), file };
  }

  it('follows 31 symbolic links to the file they end at (even one that does not exist yet); 32 are ELOOP', () => {
    const ok = chain(31);
    assert.equal(resolveWriteTarget(ok.first), ok.file);
    assert.throws(() => resolveWriteTarget(chain(32).first), (err: NodeJS.ErrnoException) => err.code === 'ELOOP');
  });

  it('a cycle of links is ELOOP, not an endless loop', () => {
    const dir = tempDir();
    fs.symlinkSync('b', path.join(dir, 'a'));
    fs.symlinkSync('a', path.join(dir, 'b'));
    assert.throws(() => resolveWriteTarget(path.join(dir, 'a')), (err: NodeJS.ErrnoException) => err.code === 'ELOOP');
  });

  it('an error other than a missing file is thrown, not taken as "write here"', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'plain'), 'x');
    assert.throws(() => resolveWriteTarget(path.join(dir, 'plain', 'child')), (err: NodeJS.ErrnoException) => err.code === 'ENOTDIR');
  });
});

describe('many chunks', () => {
  for (const { name, write } of WRITERS) {
    it(`${name} writes more chunks than one writev takes (1024), empty ones among them, each once and in order`, async () => {
      const dir = tempDir();
      const chunks = Array.from({ length: 2500 }, (_, i) => (i % 7 === 0 ? new Uint8Array(0) : Uint8Array.of(i & 0xff, (i >> 8) & 0xff)));
      const target = path.join(dir, 'many.reprise');
      await write(target, chunks);
      assert.deepEqual(fs.readFileSync(target), Buffer.concat(chunks));
    });
  }
});

describe('after a write, failed or not', () => {
  for (const { name, write } of WRITERS) {
    it(`${name}: when the temporary file cannot even be created, the caller gets that error, not one from cleaning up`, async (t) => {
      const dir = tempDir();
      const refused = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      t.mock.method(atomicWriteOps, 'open', async () => {
        throw refused;
      });
      t.mock.method(atomicWriteOps, 'openSync', () => {
        throw refused;
      });
      await assert.rejects(write(path.join(dir, 'a.reprise'), CHUNKS), (err: unknown) => err === refused);
    });

    it(`${name}: the temporary name is no longer "in flight" once the write is over: a leftover of that name is stale`, async (t) => {
      const dir = tempDir();
      const names: string[] = [];
      const open = atomicWriteOps.open;
      const openSync = atomicWriteOps.openSync;
      t.mock.method(atomicWriteOps, 'open', async (file: string, flags: string, mode: number) => {
        names.push(path.basename(file));
        return open(file, flags, mode);
      });
      t.mock.method(atomicWriteOps, 'openSync', (file: string, flags: string, mode: number) => {
        names.push(path.basename(file));
        return openSync(file, flags, mode);
      });
      await write(path.join(dir, 'a.reprise'), CHUNKS);
      assert.equal(names.length, 1);
      fs.writeFileSync(path.join(dir, names[0]!), 'left over');
      assert.deepEqual(removeStaleTemporaryFiles(dir), names);
    });
  }

  it('writevAllSync returns the number of bytes it wrote', () => {
    const dir = tempDir();
    const fd = fs.openSync(path.join(dir, 'f'), 'w');
    try {
      assert.equal(writevAllSync(fd, CHUNKS), 5004);
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe('short writes', () => {
  /** The first `limit` bytes of `buffers`, as one buffer: what a writev that stops early writes. */
  function head(buffers: NodeJS.ArrayBufferView[], limit: number): Buffer {
    return Buffer.concat(buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength))).subarray(0, limit);
  }

  for (const { name, write } of WRITERS) {
    it(`${name} resumes after writev writes only part of what it was given, at every size of part`, async (t) => {
      for (const limit of [1, 2, 3, 4, 4999, 5000]) {
        const dir = tempDir();
        t.mock.method(atomicWriteOps, 'writev', async (h: fs.promises.FileHandle, buffers: NodeJS.ArrayBufferView[]) => {
          const { bytesWritten } = await h.write(head(buffers, limit));
          return { bytesWritten, buffers };
        });
        t.mock.method(atomicWriteOps, 'writevSync', (fd: number, buffers: NodeJS.ArrayBufferView[]) => fs.writeSync(fd, head(buffers, limit)));
        const target = path.join(dir, 'short.reprise');
        await write(target, CHUNKS);
        assert.deepEqual(fs.readFileSync(target), Buffer.concat(CHUNKS), `at most ${limit} bytes per write`);
        t.mock.restoreAll();
      }
    });
  }
});
