import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ValidationError } from '@model-studio/core';

/** S3's limit on parts per multipart upload. */
const maxParts = 10_000;

/** One part's bytes, and how to hand its buffer back when the part is uploaded. */
interface Part {
  data: Uint8Array;
  /** True when the body is known to end with this part (a part shorter than `partSize` always does). */
  last: boolean;
  release(): void;
}

/** Yields a body in parts of exactly `partSize` bytes (the last one shorter). */
interface PartSource {
  next(): Promise<Part | undefined>;
  cancel(reason: unknown): void;
}

function bytesParts(bytes: Uint8Array, partSize: number): PartSource {
  let offset = 0;
  let done = false;
  return {
    next: async () => {
      if (done) return undefined;
      const data = bytes.subarray(offset, offset + partSize);
      offset += data.byteLength;
      done = offset >= bytes.byteLength;
      return { data, last: done, release: () => {} };
    },
    cancel: () => {
      done = true;
    },
  };
}

/**
 * Reads a byte stream (`type: 'bytes'`, e.g. `fetch` bodies, `FileHandle.readableWebStream({ type: 'bytes' })`) with a
 * BYOB reader into one reused 1 MiB scratch buffer, copied into at most `poolSize` reusable part buffers: no garbage
 * per chunk. (Reading straight into part buffers at an offset would be one copy less, but Node 20's FileHandle byte
 * streams mishandle views with a non-zero byteOffset.) Returns undefined when the stream is not a byte stream.
 */
function byteStreamParts(
  stream: ReadableStream<Uint8Array>,
  partSize: number,
  poolSize: number,
): PartSource | undefined {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
  const free: Uint8Array[] = [];
  let allocated = 0;
  let scratch = new ArrayBuffer(Math.min(partSize, 1024 * 1024));
  let ended = false;
  return {
    async next() {
      if (ended) return undefined;
      let buffer = free.pop();
      if (!buffer) {
        if (allocated >= poolSize) throw new Error('multipart upload: no free part buffer (internal error)');
        allocated += 1;
        buffer = new Uint8Array(partSize);
      }
      let filled = 0;
      while (filled < partSize) {
        const want = Math.min(scratch.byteLength, partSize - filled);
        const { done, value } = await reader.read(new Uint8Array(scratch, 0, want));
        if (value) {
          // A BYOB read transfers the buffer: keep the one it comes back in.
          scratch = value.buffer as ArrayBuffer;
          buffer.set(value, filled);
          filled += value.byteLength;
        }
        if (done) {
          ended = true;
          break;
        }
      }
      const owned = buffer;
      if (filled === 0) {
        free.push(owned);
        return undefined;
      }
      return { data: owned.subarray(0, filled), last: ended, release: () => free.push(owned) };
    },
    cancel(reason) {
      ended = true;
      reader.cancel(reason).catch(() => {});
    },
  };
}

/**
 * Copies a stream's chunks into at most `poolSize` reusable buffers of `partSize` bytes. Memory stays at
 * `poolSize * partSize` however large the body is, and no garbage is made per part (lib-storage's chunker concatenates
 * and copies every part, which let a 1 GB upload's RSS grow past 250 MB).
 */
function streamParts(stream: ReadableStream<Uint8Array>, partSize: number, poolSize: number): PartSource {
  const reader = stream.getReader();
  const free: Uint8Array[] = [];
  let allocated = 0;
  let leftover: Uint8Array | undefined;
  let ended = false;
  /** The next non-empty chunk, or undefined at the end. */
  const read = async (): Promise<Uint8Array | undefined> => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        return undefined;
      }
      if (!(value instanceof Uint8Array)) {
        throw new ValidationError('A put body stream must produce Uint8Array chunks (encode strings first).', {
          field: 'body',
        });
      }
      if (value.byteLength > 0) return value;
    }
  };
  return {
    async next() {
      if (ended && !leftover) return undefined;
      let buffer = free.pop();
      if (!buffer) {
        if (allocated >= poolSize) throw new Error('multipart upload: no free part buffer (internal error)');
        allocated += 1;
        buffer = new Uint8Array(partSize);
      }
      let filled = 0;
      while (filled < partSize) {
        if (!leftover) {
          if (ended) break;
          leftover = await read();
          if (!leftover) break;
        }
        const take = Math.min(leftover.byteLength, partSize - filled);
        buffer.set(leftover.subarray(0, take), filled);
        filled += take;
        leftover = take < leftover.byteLength ? leftover.subarray(take) : undefined;
      }
      // Peek so that the final part is known as such (a body of exactly N parts needs no empty extra part).
      if (!leftover && !ended) leftover = await read();
      const owned = buffer;
      if (filled === 0 && ended) {
        free.push(owned);
        return { data: owned.subarray(0, 0), last: true, release: () => {} };
      }
      return { data: owned.subarray(0, filled), last: ended && !leftover, release: () => free.push(owned) };
    },
    cancel(reason) {
      ended = true;
      leftover = undefined;
      reader.cancel(reason).catch(() => {});
    },
  };
}

/** What {@link uploadBody} uploads and how. */
export interface UploadBodyParams {
  client: S3Client;
  bucket: string;
  key: string;
  contentType: string | undefined;
  metadata: Record<string, string> | undefined;
  partSize: number;
  queueSize: number;
  signal: AbortSignal | undefined;
  onProgress: ((loaded: number) => void) | undefined;
}

function md5Base64(data: Uint8Array): string {
  return createHash('md5').update(data).digest('base64');
}

/**
 * Uploads bytes or a web stream: one PutObject (with Content-MD5) when it fits in one part, otherwise a multipart
 * upload with `queueSize` parts in flight. On failure or abort the multipart upload is aborted, so no parts are left
 * behind, and the source stream is cancelled. Returns the object's ETag (quotes included) and size.
 *
 * @internal
 */
export async function uploadBody(
  body: Uint8Array | ReadableStream<Uint8Array>,
  params: UploadBodyParams,
): Promise<{ etag: string | undefined; size: number }> {
  const { client, bucket, key, partSize, queueSize, signal, onProgress } = params;
  const common = {
    Bucket: bucket,
    Key: key,
    ...(params.contentType === undefined ? {} : { ContentType: params.contentType }),
    ...(params.metadata === undefined ? {} : { Metadata: params.metadata }),
  };
  const source =
    body instanceof Uint8Array
      ? bytesParts(body, partSize)
      : (byteStreamParts(body, partSize, queueSize) ?? streamParts(body, partSize, queueSize));
  const first = await source.next().catch((error: unknown) => {
    source.cancel(error);
    throw error;
  });
  if (!first || first.last || first.data.byteLength < partSize) {
    const data = first?.data ?? new Uint8Array(0);
    const response = await client.send(
      new PutObjectCommand({ ...common, Body: data, ContentLength: data.byteLength, ContentMD5: md5Base64(data) }),
      { abortSignal: signal },
    );
    first?.release();
    onProgress?.(data.byteLength);
    return { etag: response.ETag, size: data.byteLength };
  }

  const created = await client.send(new CreateMultipartUploadCommand(common), { abortSignal: signal });
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error('CreateMultipartUpload returned no UploadId');
  const etags: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let loaded = 0;
  const uploadPart = (part: Part, partNumber: number) => {
    const task = client
      .send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: part.data,
          ContentLength: part.data.byteLength,
        }),
        { abortSignal: signal },
      )
      .then((response) => {
        etags[partNumber - 1] = response.ETag ?? '';
        loaded += part.data.byteLength;
        onProgress?.(loaded);
      })
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        part.release();
        inFlight.delete(task);
      });
    inFlight.add(task);
  };

  try {
    let part: Part | undefined = first;
    let partNumber = 1;
    while (part && !failure) {
      if (partNumber > maxParts) {
        throw new ValidationError(
          `The body is larger than ${maxParts} parts of ${partSize} bytes; raise S3Storage's partSize.`,
          { field: 'partSize', value: partSize },
        );
      }
      uploadPart(part, partNumber);
      if (part.last || part.data.byteLength < partSize) break;
      partNumber += 1;
      while (inFlight.size >= queueSize) await Promise.race(inFlight);
      if (failure) break;
      part = await source.next();
      signal?.throwIfAborted();
    }
    await Promise.all(inFlight);
    if (failure) throw failure.error;
    signal?.throwIfAborted();
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      }),
      { abortSignal: signal },
    );
    return { etag: completed.ETag, size: loaded };
  } catch (error) {
    source.cancel(error);
    await Promise.allSettled(inFlight);
    // Without the (possibly aborted) signal: the abort must reach the server so no parts are left behind.
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
      .catch(() => {});
    throw error;
  }
}
