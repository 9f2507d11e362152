import * as fs from 'node:fs';

let refused: string | undefined;

/**
 * Drops the kernel's page cache (clean pages only: files already fsynced are dropped)
 * so that the next read of a file comes from the disk. Node has no `posix_fadvise`, so
 * this writes `1` to /proc/sys/vm/drop_caches, which needs root; it drops every file's
 * cached pages, not only ours. Returns false (and remembers why) where that is refused.
 */
export function dropPageCache(): boolean {
  if (refused !== undefined) return false;
  try {
    fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
    return true;
  } catch (err) {
    refused = (err as NodeJS.ErrnoException).code ?? String(err);
    return false;
  }
}

/** Why dropping the page cache was refused, if it was. */
export function pageCacheRefusal(): string | undefined {
  return refused;
}
