import { MemoryCheckpointStorage, type CheckpointStorage } from '../../src/checkpoint/index.js';

/** A memory storage whose stores wait, after `close()`, until `release()`: the caller runs on in between, deterministically. */
export class GatedStorage extends MemoryCheckpointStorage implements CheckpointStorage {
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};
  close(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open();
  }
  override async storeCheckpoint(name: string, chunks: readonly Uint8Array[]): Promise<void> {
    await this.gate;
    return super.storeCheckpoint(name, chunks);
  }
}
