import { packContainerAsync } from '../format/index.js';
import { FileSystemCheckpointStorage } from '#file-system-storage';
import type { CapturedCheckpoint } from './serialize.js';
import type { CheckpointStorage } from './storage.js';

/**
 * Stores a checkpoint captured by `captureValue` under `name`, then releases what the
 * capture held (also when the store fails). A local folder gets the sections written
 * straight from their bytes with checksums overlapped (`storeContainer`); any other
 * storage gets the whole checkpoint as chunks once every section is read.
 * @throws what the storage's `storeCheckpoint` throws.
 */
export async function storeCaptured(storage: CheckpointStorage, name: string, captured: CapturedCheckpoint): Promise<void> {
  try {
    if (storage instanceof FileSystemCheckpointStorage) {
      await storage.storeContainer(name, captured.container);
    } else {
      await storage.storeCheckpoint(name, (await packContainerAsync(captured.container)).chunks);
    }
  } finally {
    captured.release();
  }
}
