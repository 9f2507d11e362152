import type { S3Client } from '@aws-sdk/client-s3';
import { CheckpointStorageError } from '../errors.js';
import { envVar } from '../platform.js';
import { uninitializedBytes, type CheckpointReader, type CheckpointStorage } from './storage.js';

type Sdk = typeof import('@aws-sdk/client-s3');

const MIB = 1024 * 1024;
/** S3's smallest part (but the last). */
const MIN_PART_SIZE = 5 * MIB;
const MAX_PARTS = 10_000;
const MAX_KEY_BYTES = 1024;

export interface S3CheckpointStorageOptions {
  bucket: string;
  /** Key prefix, a "folder" (`"runs/mnist/"`); a missing final `/` is added. Default `""`. */
  prefix?: string;
  /**
   * The client to use. Default: one client per process, configured from the standard
   * AWS environment and credential chain — `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`
   * (then path-style addressing, so MinIO, Ceph and s3rver work as they are),
   * `AWS_REGION` (default `us-east-1` with a custom endpoint), `AWS_ACCESS_KEY_ID` /
   * `AWS_SECRET_ACCESS_KEY` / `AWS_PROFILE` / instance roles, `AWS_MAX_ATTEMPTS` — with
   * the SDK's standard retry of transient errors (5xx, resets, throttling).
   */
  client?: S3Client;
  /** Appended to names to make keys. Default `".reprise"`; `""` for an object named in full. */
  extension?: string;
  /** Objects larger than this upload in parts. Default 16 MiB. */
  multipartThreshold?: number;
  /** Bytes per part (at least 5 MiB, S3's minimum). Default 8 MiB. */
  partSize?: number;
  /** Parts uploaded at once. Default 4. */
  queueSize?: number;
}

let sdkPromise: Promise<Sdk> | undefined;
/**
 * The AWS SDK, loaded on first use: `@aws-sdk/client-s3` is an optional peer dependency.
 * @throws CheckpointStorageError `MISSING_PACKAGE` when it is not installed.
 */
const S3_SDK = '@aws-sdk/client-s3';

function sdk(): Promise<Sdk> {
  // A specifier in a variable: browser bundlers leave it alone instead of pulling in the SDK.
  return (sdkPromise ??= (import(S3_SDK) as Promise<Sdk>).catch((err: unknown) => {
    sdkPromise = undefined;
    throw new CheckpointStorageError(
      'MISSING_PACKAGE',
      'S3 storage needs the package "@aws-sdk/client-s3", which is not installed; run `npm install @aws-sdk/client-s3`',
      { cause: err },
    );
  }));
}

let sharedClient: Promise<S3Client> | undefined;

/** The endpoint the environment names for S3, if any. */
function endpointFromEnv(): string | undefined {
  return envVar('AWS_ENDPOINT_URL_S3') || envVar('AWS_ENDPOINT_URL') || undefined;
}

/** The process's default client (see {@link S3CheckpointStorageOptions.client}), made on first use. Exported for tests. */
export function defaultClient(): Promise<S3Client> {
  return (sharedClient ??= sdk().then(({ S3Client }) => {
    const endpoint = endpointFromEnv();
    const region = envVar('AWS_REGION') || envVar('AWS_DEFAULT_REGION') || (endpoint ? 'us-east-1' : undefined);
    return new S3Client({
      ...(region ? { region } : {}),
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      // reprise checksums every section itself; the SDK's own CRC of each request body
      // would cost a pass over the bytes in JavaScript (and a trailer some servers refuse).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }));
}

/** For tests: forget the shared client, so the next storage reads the environment again. */
export function resetDefaultS3Client(): void {
  const old = sharedClient;
  sharedClient = undefined;
  void old?.then((c) => c.destroy()).catch(() => undefined);
}

interface SdkError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function isNotFound(err: unknown): boolean {
  const e = err as SdkError;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.Code === 'NoSuchKey' || (e?.$metadata?.httpStatusCode === 404 && e?.name !== 'NoSuchBucket');
}

function describeSdkError(err: unknown): string {
  const e = err as SdkError;
  const status = e?.$metadata?.httpStatusCode;
  return `${e?.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(err)}`;
}

/**
 * Keeps checkpoints as objects `<prefix><name><extension>` in an S3 bucket, or any
 * object store that speaks S3 (MinIO, Ceph, s3rver). An object appears whole or not
 * at all: small checkpoints are one PUT, larger ones a multipart upload whose parts are
 * views of the checkpoint's own bytes (a part that spans several sections is copied,
 * one part at a time: never a second copy of the file), completed only when every part
 * is in, aborted on failure. `loadCheckpoint` downloads into one buffer sized from
 * `Content-Length`; `openReader` (what every load uses) reads its first range with a
 * ranged GET — enough for a header — and serves the reads that follow it in order from
 * one GET of the rest of the object, so a load is a HEAD and two GETs whose bytes go
 * straight into the sections' memory. Listings (ListObjectsV2) drive `latest` and pruning.
 * Transient errors are retried by the SDK, then surface as `CheckpointStorageError`
 * with the SDK's error as `cause`. The SDK is loaded on first use.
 *
 * @example
 * ```ts
 * new CheckpointPlugin('s3://my-bucket/runs/mnist');                 // from the environment
 * new CheckpointPlugin(new S3CheckpointStorage({ bucket: 'b', prefix: 'runs/mnist', client }));
 * ```
 */
export class S3CheckpointStorage implements CheckpointStorage {
  readonly bucket: string;
  readonly prefix: string;
  readonly extension: string;
  readonly multipartThreshold: number;
  readonly partSize: number;
  readonly queueSize: number;
  readonly #client: S3Client | undefined;

  constructor(options: S3CheckpointStorageOptions) {
    const { bucket, prefix = '', extension = '.reprise', multipartThreshold = 16 * MIB, partSize = 8 * MIB, queueSize = 4 } = options ?? ({} as S3CheckpointStorageOptions);
    const bad = (what: string) => new CheckpointStorageError('BAD_OPTIONS', `S3CheckpointStorage: ${what}`);
    if (typeof bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw bad(`bucket must be a valid bucket name, got ${JSON.stringify(bucket)}`);
    if (typeof prefix !== 'string' || prefix.startsWith('/')) throw bad(`prefix must be a string not starting with "/", got ${JSON.stringify(prefix)}`);
    if (typeof extension !== 'string' || extension.includes('/')) throw bad(`extension must be a string without "/", got ${JSON.stringify(extension)}`);
    if (!Number.isInteger(partSize) || partSize < MIN_PART_SIZE) throw bad(`partSize must be an integer of at least ${MIN_PART_SIZE} bytes (S3's minimum), got ${partSize}`);
    if (!Number.isInteger(multipartThreshold) || multipartThreshold < 1) throw bad(`multipartThreshold must be a positive integer, got ${multipartThreshold}`);
    if (!Number.isInteger(queueSize) || queueSize < 1) throw bad(`queueSize must be a positive integer, got ${queueSize}`);
    this.bucket = bucket;
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : prefix + '/';
    this.extension = extension;
    this.multipartThreshold = multipartThreshold;
    this.partSize = partSize;
    this.queueSize = queueSize;
    this.#client = options.client;
  }

  /** Storage for `s3://bucket/prefix` (the prefix taken as a folder). */
  static fromUrl(url: string | URL, options: Omit<S3CheckpointStorageOptions, 'bucket' | 'prefix'> = {}): S3CheckpointStorage {
    const u = typeof url === 'string' ? new URL(url) : url;
    if (u.protocol !== 's3:') throw new CheckpointStorageError('BAD_TARGET', `not an s3:// URL: ${u.href}`);
    return new S3CheckpointStorage({ ...options, bucket: u.hostname, prefix: decodeURIComponent(u.pathname.replace(/^\//, '')) });
  }

  private client(): Promise<S3Client> {
    return this.#client ? Promise.resolve(this.#client) : defaultClient();
  }

  /**
   * The key of a checkpoint name.
   * @throws CheckpointStorageError `BAD_NAME` for an empty name, one with `/`, starting
   *   with `.`, or a key over 1024 bytes.
   */
  keyOf(name: string): string {
    const key = this.prefix + name + this.extension;
    if (typeof name !== 'string' || name === '' || name.includes('/') || name.startsWith('.') || new TextEncoder().encode(key).byteLength > MAX_KEY_BYTES) {
      throw new CheckpointStorageError('BAD_NAME', `checkpoint name ${JSON.stringify(name)} must be non-empty, without "/", not start with "." and give a key of at most ${MAX_KEY_BYTES} bytes`);
    }
    return key;
  }

  describe(name: string): string {
    return `s3://${this.bucket}/${this.prefix}${name}${this.extension}`;
  }

  async listCheckpoints(): Promise<string[]> {
    const { ListObjectsV2Command } = await sdk();
    const client = await this.client();
    const names: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, Delimiter: '/', ContinuationToken: token }));
        for (const object of page.Contents ?? []) {
          const rest = object.Key?.slice(this.prefix.length) ?? '';
          if (rest.length <= this.extension.length || !rest.endsWith(this.extension) || rest.includes('/') || rest.startsWith('.')) continue;
          names.push(rest.slice(0, rest.length - this.extension.length));
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw new CheckpointStorageError('LIST_FAILED', `cannot list checkpoints in s3://${this.bucket}/${this.prefix}: ${describeSdkError(err)}`, { cause: err });
    }
    return names;
  }

  async checkpointExists(name: string): Promise<boolean> {
    const key = this.keyOf(name);
    const { HeadObjectCommand } = await sdk();
    try {
      await (await this.client()).send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw new CheckpointStorageError('LOAD_FAILED', `cannot look up checkpoint ${this.describe(name)}: ${describeSdkError(err)}`, { cause: err });
    }
  }

  async storeCheckpoint(name: string, chunks: readonly Uint8Array[]): Promise<void> {
    const key = this.keyOf(name);
    const total = chunks.reduce((n, c) => n + c.byteLength, 0);
    try {
      if (total <= this.multipartThreshold) {
        const { PutObjectCommand } = await sdk();
        const body = chunks.length === 1 ? chunks[0]! : sliceChunks(chunks, 0, total);
        await (await this.client()).send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: total, ContentType: 'application/octet-stream' }));
      } else {
        await this.uploadInParts(key, chunks, total);
      }
    } catch (err) {
      throw new CheckpointStorageError('STORE_FAILED', `cannot store checkpoint ${this.describe(name)}: ${describeSdkError(err)}; the previous checkpoint there is untouched`, { cause: err });
    }
  }

  private async uploadInParts(key: string, chunks: readonly Uint8Array[], total: number): Promise<void> {
    const { CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, AbortMultipartUploadCommand } = await sdk();
    const client = await this.client();
    const partSize = Math.max(this.partSize, Math.ceil(total / MAX_PARTS));
    const count = Math.ceil(total / partSize);
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: 'application/octet-stream' }));
    const etags: string[] = new Array(count);
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < count) {
        const i = next++;
        const start = i * partSize;
        const end = Math.min(total, start + partSize);
        try {
          const body = sliceChunks(chunks, start, end);
          const r = await client.send(new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId, PartNumber: i + 1, Body: body, ContentLength: end - start }));
          etags[i] = r.ETag!;
        } catch (err) {
          failed = true;
          throw err;
        }
      }
    };
    const results = await Promise.allSettled(Array.from({ length: Math.min(this.queueSize, count) }, worker));
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    try {
      if (rejected) throw rejected.reason;
      await client.send(
        new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }),
      );
    } catch (err) {
      // No orphaned parts: abort (best effort; the upload's error is the one reported).
      await client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  async openReader(name: string): Promise<CheckpointReader> {
    const key = this.keyOf(name);
    const { HeadObjectCommand } = await sdk();
    const client = await this.client();
    let size: number;
    let etag: string | undefined;
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      size = head.ContentLength ?? 0;
      etag = head.ETag;
    } catch (err) {
      throw this.loadFailed(name, err);
    }
    const stream = new SequentialBody(size);
    let tail: Promise<void> = Promise.resolve();
    let reads = 0;
    return {
      size,
      read: (target: Uint8Array, position: number): Promise<void> => {
        if (target.byteLength === 0) return Promise.resolve();
        if (position < 0 || position + target.byteLength > size) {
          return Promise.reject(new CheckpointStorageError('LOAD_FAILED', `read of ${target.byteLength} bytes at ${position} is past the end of ${this.describe(name)} (${size} bytes)`));
        }
        const first = reads++ === 0;
        // A read that continues where the previous one ended is served from one GET of the
        // rest of the object, started at the second read (a header-only read stays one ranged GET).
        if (!first && (stream.started ? position === stream.offset : true) && !stream.failed) {
          if (!stream.started) stream.start(position, () => this.getBody(name, key, `bytes=${position}-${size - 1}`, etag));
          stream.offset += target.byteLength;
          const done = tail.then(() => stream.fill(target, (err) => this.loadFailed(name, err)));
          tail = done.catch(() => undefined);
          return done;
        }
        return this.getInto(name, key, target, `bytes=${position}-${position + target.byteLength - 1}`, etag).then(() => undefined);
      },
      close: async () => stream.close(),
    };
  }

  /** The body of a GET of `range` of `key`, as its pieces arrive. */
  private async getBody(name: string, key: string, range: string, etag: string | undefined): Promise<AsyncIterator<Uint8Array>> {
    const { GetObjectCommand } = await sdk();
    try {
      const r = await (await this.client()).send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range, IfMatch: etag }));
      return (r.Body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    } catch (err) {
      throw this.loadFailed(name, err);
    }
  }

  /** The whole object in one buffer sized from its `Content-Length`. */
  async loadCheckpoint(name: string): Promise<Uint8Array> {
    const key = this.keyOf(name);
    return this.getInto(name, key, undefined, undefined, undefined);
  }

  /** GETs `key` (a `range` of it) into `target`, or into a new buffer sized from Content-Length. */
  private async getInto(name: string, key: string, target: Uint8Array | undefined, range: string | undefined, etag: string | undefined): Promise<Uint8Array> {
    const { GetObjectCommand } = await sdk();
    try {
      const r = await (await this.client()).send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range, IfMatch: etag }));
      const length = r.ContentLength;
      if (length === undefined) throw new Error('the response has no Content-Length');
      const out = target ?? uninitializedBytes(length);
      if (length !== out.byteLength) throw new Error(`the response has ${length} bytes, expected ${out.byteLength}`);
      let at = 0;
      for await (const piece of r.Body as AsyncIterable<Uint8Array>) {
        if (at + piece.byteLength > out.byteLength) throw new Error(`the response is longer than its Content-Length ${length}`);
        out.set(piece, at);
        at += piece.byteLength;
      }
      if (at !== out.byteLength) throw new Error(`the response ended after ${at} of ${length} bytes`);
      return out;
    } catch (err) {
      throw this.loadFailed(name, err);
    }
  }

  private loadFailed(name: string, err: unknown): CheckpointStorageError {
    if (isNotFound(err)) return new CheckpointStorageError('NOT_FOUND', `no checkpoint at ${this.describe(name)}`, { cause: err });
    return new CheckpointStorageError('LOAD_FAILED', `cannot read checkpoint ${this.describe(name)}: ${describeSdkError(err)}`, { cause: err });
  }

  async deleteCheckpoint(name: string): Promise<void> {
    const key = this.keyOf(name);
    const { DeleteObjectCommand } = await sdk();
    try {
      await (await this.client()).send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw new CheckpointStorageError('DELETE_FAILED', `cannot delete checkpoint ${this.describe(name)}: ${describeSdkError(err)}`, { cause: err });
    }
  }
}

/**
 * Bytes `[start, end)` of the concatenation of `chunks`: a view when they lie in one
 * chunk, else one copy of just that range.
 */
export function sliceChunks(chunks: readonly Uint8Array[], start: number, end: number): Uint8Array {
  let offset = 0;
  let out: Uint8Array | undefined;
  let written = 0;
  for (const c of chunks) {
    const cEnd = offset + c.byteLength;
    if (cEnd > start && offset < end) {
      const from = Math.max(start, offset) - offset;
      const to = Math.min(end, cEnd) - offset;
      if (!out && from === start - offset && to - from === end - start) return c.subarray(from, to);
      out ??= new Uint8Array(end - start);
      out.set(c.subarray(from, to), written);
      written += to - from;
    }
    offset = cEnd;
    if (offset >= end) break;
  }
  return out ?? new Uint8Array(0);
}

/**
 * One GET of the rest of an object, handed out to consecutive reads as its pieces
 * arrive: what `openReader` serves a load's sequential reads from (one request instead
 * of one per read, and never the whole object in memory: the reads' own targets receive
 * the bytes, plus the piece in hand).
 */
class SequentialBody {
  /** Where the next sequential read starts (reads are queued: this runs ahead of `fill`). */
  offset = 0;
  started = false;
  failed = false;
  private body: Promise<AsyncIterator<Uint8Array>> | undefined;
  private piece: Uint8Array | undefined;
  private received = 0;

  constructor(private readonly size: number) {}

  start(position: number, get: () => Promise<AsyncIterator<Uint8Array>>): void {
    this.started = true;
    this.offset = position;
    this.received = position;
    this.body = get();
    this.body.catch(() => undefined);
  }

  /** Fills `target` with the next bytes of the body. */
  async fill(target: Uint8Array, fail: (err: unknown) => Error): Promise<void> {
    let at = 0;
    try {
      const body = await this.body!;
      while (at < target.byteLength) {
        if (!this.piece || this.piece.byteLength === 0) {
          const next = await body.next();
          if (next.done) throw new Error(`the response ended after ${this.received} of ${this.size} bytes`);
          this.piece = next.value;
          this.received += next.value.byteLength;
          if (this.received > this.size) throw new Error(`the response is longer than the object's ${this.size} bytes`);
        }
        const n = Math.min(this.piece.byteLength, target.byteLength - at);
        target.set(this.piece.subarray(0, n), at);
        this.piece = this.piece.subarray(n);
        at += n;
      }
    } catch (err) {
      this.failed = true;
      throw err instanceof CheckpointStorageError ? err : fail(err);
    }
  }

  /** Stops the download if it has not ended (the rest of the object is not wanted). */
  async close(): Promise<void> {
    if (!this.body) return;
    const body = await this.body.catch(() => undefined);
    this.body = undefined;
    await body?.return?.().catch(() => undefined);
  }
}
