import type { S3Client } from '@aws-sdk/client-s3';

/** One command the fake received: its class name and input. */
export interface SentCommand {
  command: string;
  input: Record<string, unknown>;
}

/**
 * An in-memory stand-in for an S3 client (only `send`), for the response shapes and
 * failures a real server rarely gives on demand: short or long bodies, a missing
 * `Content-Length`, listings in small pages, each "not found" spelling, a part that
 * fails. Each command does what S3 does unless `on[command]` answers it first (return
 * a response, or throw). Bodies arrive in pieces of `pieceSize` bytes.
 */
export class FakeS3Client {
  readonly objects = new Map<string, Uint8Array>();
  readonly sent: SentCommand[] = [];
  readonly on: Record<string, (input: Record<string, unknown>) => unknown> = {};
  /** Keys per ListObjectsV2 page. */
  pageSize = 1000;
  pieceSize = 3;
  /** Commands being answered right now, and the most at once. */
  inFlight = 0;
  maxInFlight = 0;
  private uploads = new Map<string, Map<number, Uint8Array>>();
  private uploadCount = 0;

  get client(): S3Client {
    return this as unknown as S3Client;
  }

  commands(): string[] {
    return this.sent.map((s) => s.command);
  }

  async send(cmd: { input: Record<string, unknown> }): Promise<unknown> {
    const command = cmd.constructor.name;
    const input = cmd.input;
    this.sent.push({ command, input });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      const hook = this.on[command];
      if (hook) {
        const answer = await hook(input);
        if (answer !== undefined) return answer;
      }
      return this.answer(command, input);
    } finally {
      this.inFlight--;
    }
  }

  private body(bytes: Uint8Array): AsyncIterable<Uint8Array> {
    const pieceSize = this.pieceSize;
    return {
      async *[Symbol.asyncIterator]() {
        for (let at = 0; at < bytes.byteLength; at += pieceSize) yield bytes.slice(at, at + pieceSize);
      },
    };
  }

  private answer(command: string, input: Record<string, unknown>): unknown {
    const key = input.Key as string;
    switch (command) {
      case 'PutObjectCommand':
        this.objects.set(key, Uint8Array.from(input.Body as Uint8Array));
        return { ETag: '"put"' };
      case 'HeadObjectCommand': {
        const o = this.objects.get(key);
        if (!o) throw notFound('NotFound');
        return { ContentLength: o.byteLength, ETag: `"${o.byteLength}"` };
      }
      case 'GetObjectCommand': {
        const o = this.objects.get(key);
        if (!o) throw notFound('NoSuchKey');
        const range = /^bytes=(\d+)-(\d+)$/.exec((input.Range as string | undefined) ?? '');
        const bytes = range ? o.subarray(Number(range[1]), Number(range[2]) + 1) : o;
        return { ContentLength: bytes.byteLength, Body: this.body(bytes) };
      }
      case 'DeleteObjectCommand':
        this.objects.delete(key);
        return {};
      case 'ListObjectsV2Command': {
        const keys = [...this.objects.keys()].filter((k) => k.startsWith(input.Prefix as string)).sort();
        const from = input.ContinuationToken === undefined ? 0 : Number(input.ContinuationToken);
        const page = keys.slice(from, from + this.pageSize);
        const more = from + this.pageSize < keys.length;
        return { Contents: page.map((Key) => ({ Key })), IsTruncated: more, NextContinuationToken: more ? String(from + this.pageSize) : undefined };
      }
      case 'CreateMultipartUploadCommand': {
        const UploadId = `upload-${this.uploadCount++}`;
        this.uploads.set(UploadId, new Map());
        return { UploadId };
      }
      case 'UploadPartCommand': {
        const body = input.Body as Uint8Array;
        if (body.byteLength !== input.ContentLength) throw new Error(`part ${String(input.PartNumber)}: ContentLength ${String(input.ContentLength)} for ${body.byteLength} bytes`);
        this.uploads.get(input.UploadId as string)!.set(input.PartNumber as number, Uint8Array.from(body));
        return { ETag: `"part-${String(input.PartNumber)}"` };
      }
      case 'CompleteMultipartUploadCommand': {
        const parts = this.uploads.get(input.UploadId as string)!;
        const listed = (input.MultipartUpload as { Parts: Array<{ ETag: string; PartNumber: number }> }).Parts;
        const bytes = listed.map((p) => {
          if (p.ETag !== `"part-${p.PartNumber}"`) throw new Error(`part ${p.PartNumber} listed with ETag ${p.ETag}`);
          return parts.get(p.PartNumber)!;
        });
        this.objects.set(key, new Uint8Array(Buffer.concat(bytes)));
        this.uploads.delete(input.UploadId as string);
        return {};
      }
      case 'AbortMultipartUploadCommand':
        this.uploads.delete(input.UploadId as string);
        return {};
      default:
        throw new Error(`FakeS3Client: ${command} is not faked`);
    }
  }

  /** Multipart uploads neither completed nor aborted. */
  openUploads(): number {
    return this.uploads.size;
  }
}

/** An SDK-shaped "not found" error. */
export function notFound(name: string, status = 404): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}
