/**
 * `#s3-storage` outside Node (package.json `imports`): the S3 storage loads the AWS SDK
 * as a Node module on first use, which a browser or worker cannot, so constructing it
 * (or an `s3://` target) throws `CheckpointError` `UNSUPPORTED_PLATFORM` and a browser
 * bundle does not carry ./s3-storage.ts.
 */
import { unavailable } from '../no-node/unavailable.js';

const fail = unavailable('S3CheckpointStorage', 'Node (it loads the AWS SDK as a Node module)');

export class S3CheckpointStorage {
  constructor(..._args: unknown[]) {
    fail();
  }
  static fromUrl(..._args: unknown[]): never {
    return fail();
  }
}
