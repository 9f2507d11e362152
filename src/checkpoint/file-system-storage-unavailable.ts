/**
 * `#file-system-storage` outside Node (package.json `imports`): a browser or worker has no
 * file system, so constructing the storage throws `CheckpointError` `UNSUPPORTED_PLATFORM`
 * and a browser bundle does not carry ./file-system-storage.ts. Registered under the Node
 * class's name, so a checkpoint written in Node that holds one still loads; every method
 * of such an object throws the same error.
 */
import { unavailable } from '../no-node/unavailable.js';
import { serializable } from '../registry/index.js';

const fail = unavailable('FileSystemCheckpointStorage');

export class FileSystemCheckpointStorage {
  constructor(..._args: unknown[]) {
    fail();
  }
  pathOf(): never {
    return fail();
  }
  storeCheckpointSync(): never {
    return fail();
  }
  loadCheckpointSync(): never {
    return fail();
  }
  async listCheckpoints(): Promise<never> {
    return fail();
  }
  async checkpointExists(): Promise<never> {
    return fail();
  }
  async storeCheckpoint(): Promise<never> {
    return fail();
  }
  async loadCheckpoint(): Promise<never> {
    return fail();
  }
  async openReader(): Promise<never> {
    return fail();
  }
  async deleteCheckpoint(): Promise<never> {
    return fail();
  }
}
// Registered by a call, not a decorator: no decorator helpers in the browser bundle for this stub.
serializable({ name: 'reprise.FileSystemCheckpointStorage' })(FileSystemCheckpointStorage);
