import type { OPFSDirectoryHandle, OPFSFileHandle } from '../../src/checkpoint/opfs-storage.js';

/**
 * An in-memory Origin Private File System for Node tests of OPFSCheckpointStorage, with
 * the behaviour headless Chromium showed (test/browser/in-chromium.test.ts runs the real
 * one): `createWritable` writes a swap file (`<file>.crswap`, listed while it is open)
 * that `close()` puts in place and `abort()` discards; `move()` replaces an existing
 * file; a `File` read after its file changed fails with `NotReadableError`; missing
 * entries are `NotFoundError`, a folder asked for as a file `TypeMismatchError`.
 */
export interface FakeOPFS {
  root: () => Promise<OPFSDirectoryHandle>;
  /** Makes the `n`-th `write` from now on fail (1 = the next one). */
  failWrite(n: number): void;
  /** Every file and folder, as `path` → size (folders: -1), for assertions. */
  tree(): Record<string, number>;
  /** Makes the file at `path` (`/`-separated) look last modified `ms` milliseconds ago. */
  backdate(path: string, ms: number): void;
}

interface Entry {
  file?: { bytes: Uint8Array; version: number; lastModified: number };
  dir?: Map<string, Entry>;
}

const notFound = (name: string) => new DOMException(`${name}: a requested file or directory could not be found`, 'NotFoundError');

export function fakeOPFS(): FakeOPFS {
  const top: Entry = { dir: new Map() };
  let failAt = 0;
  /** Every write and move gives the file a new version: a File of an older one no longer reads. */
  let clock = 0;

  function fileHandle(parent: Entry, name: string): OPFSFileHandle {
    const entry = () => {
      const e = parent.dir!.get(name);
      if (!e) throw notFound(name);
      return e;
    };
    return {
      kind: 'file',
      async getFile() {
        const f = entry().file!;
        const version = f.version;
        const bytes = f.bytes;
        return {
          size: bytes.byteLength,
          lastModified: f.lastModified,
          slice(start: number, end: number) {
            return {
              async arrayBuffer() {
                if (parent.dir!.get(name)?.file !== f || f.version !== version) throw new DOMException('the file changed', 'NotReadableError');
                return bytes.slice(start, end).buffer;
              },
            };
          },
        };
      },
      async createWritable() {
        const target = entry();
        const swap = `${name}.crswap`;
        parent.dir!.set(swap, { file: { bytes: new Uint8Array(0), version: ++clock, lastModified: Date.now() } });
        const parts: Uint8Array[] = [];
        let open = true;
        const finish = () => {
          open = false;
          parent.dir!.delete(swap);
        };
        return {
          async write(data: Uint8Array) {
            if (!open) throw new TypeError('the writable is closed');
            if (failAt > 0 && --failAt === 0) throw new DOMException('injected fault: write failed', 'InvalidStateError');
            parts.push(data.slice());
          },
          async close() {
            if (!open) throw new TypeError('the writable is closed');
            finish();
            const size = parts.reduce((n, p) => n + p.byteLength, 0);
            const bytes = new Uint8Array(size);
            let at = 0;
            for (const p of parts) bytes.set(p, (at += p.byteLength) - p.byteLength);
            target.file = { bytes, version: ++clock, lastModified: Date.now() };
          },
          async abort() {
            finish();
          },
        };
      },
      async move(directory: OPFSDirectoryHandle, newName: string) {
        const moved = entry();
        const into = (directory as unknown as { entry: Entry }).entry;
        parent.dir!.delete(name);
        const replaced = into.dir!.get(newName);
        if (replaced?.dir) throw new DOMException(`${newName} is a folder`, 'InvalidModificationError');
        moved.file!.version = ++clock;
        into.dir!.set(newName, moved);
      },
    };
  }

  function dirHandle(entry: Entry): OPFSDirectoryHandle & { entry: Entry } {
    const child = (name: string, create: boolean | undefined, kind: 'file' | 'dir'): Entry => {
      if (name === '' || name === '.' || name === '..' || name.includes('/')) throw new TypeError(`invalid name ${JSON.stringify(name)}`);
      let e = entry.dir!.get(name);
      if (!e) {
        if (!create) throw notFound(name);
        e = kind === 'dir' ? { dir: new Map() } : { file: { bytes: new Uint8Array(0), version: ++clock, lastModified: Date.now() } };
        entry.dir!.set(name, e);
      }
      if ((kind === 'dir') !== (e.dir !== undefined)) throw new DOMException(`${name} is not a ${kind === 'dir' ? 'folder' : 'file'}`, 'TypeMismatchError');
      return e;
    };
    return {
      kind: 'directory',
      entry,
      async getDirectoryHandle(name, options) {
        return dirHandle(child(name, options?.create, 'dir'));
      },
      async getFileHandle(name, options) {
        child(name, options?.create, 'file');
        return fileHandle(entry, name);
      },
      async removeEntry(name) {
        if (!entry.dir!.delete(name)) throw notFound(name);
      },
      async *values() {
        for (const [name, e] of [...entry.dir!]) yield { kind: e.dir ? ('directory' as const) : ('file' as const), name };
      },
    };
  }

  return {
    root: async () => dirHandle(top),
    failWrite(n) {
      failAt = n;
    },
    tree() {
      const out: Record<string, number> = {};
      const walk = (e: Entry, at: string) => {
        for (const [name, c] of e.dir!) {
          out[at + name] = c.dir ? -1 : c.file!.bytes.byteLength;
          if (c.dir) walk(c, `${at}${name}/`);
        }
      };
      walk(top, '');
      return out;
    },
    backdate(path, ms) {
      let e = top;
      for (const part of path.split('/')) e = e.dir!.get(part)!;
      e.file!.lastModified = Date.now() - ms;
    },
  };
}
