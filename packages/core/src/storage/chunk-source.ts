import type { Readable } from 'node:stream';
import { ValidationError } from '../errors/index.js';

/**
 * Pull-based bytes for a write: one chunk per `next()` call, `undefined` at the end. Pulling only when the previous
 * chunk is written keeps memory flat however large the body is.
 *
 * @internal
 */
export interface ChunkSource {
  next(): Promise<Uint8Array | undefined>;
  /** Stops the producer (cancels a web stream, destroys a Node stream). Never throws. */
  cancel(reason: unknown): void;
}

const bytesSliceSize = 1024 * 1024;

/** Whole bytes, handed out in 1 MiB views (no copies) so progress and aborts are seen during long writes. @internal */
export function bytesSource(bytes: Uint8Array): ChunkSource {
  let offset = 0;
  return {
    next: async () => {
      if (offset >= bytes.byteLength) return undefined;
      const chunk = bytes.subarray(offset, offset + bytesSliceSize);
      offset += chunk.byteLength;
      return chunk;
    },
    cancel: () => {
      offset = bytes.byteLength;
    },
  };
}

function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new ValidationError(
    `A storage body stream produced a ${typeof chunk} chunk; body streams must produce Uint8Array chunks (encode strings first).`,
    { field: 'body' },
  );
}

/** A web `ReadableStream`, read with a reader so a pending read can be cancelled. @internal */
export function webStreamSource(stream: ReadableStream<Uint8Array>): ChunkSource {
  if (stream.locked) {
    throw new ValidationError('The body stream is locked by another reader; pass an unread ReadableStream.', {
      field: 'body',
    });
  }
  const reader = stream.getReader();
  return {
    next: async () => {
      const result = await reader.read();
      return result.done ? undefined : asBytes(result.value);
    },
    cancel: (reason) => {
      reader.cancel(reason).catch(() => {});
    },
  };
}

/** A Node readable such as an HTTP request body. @internal */
export function nodeStreamSource(readable: Readable): ChunkSource {
  const iterator = readable[Symbol.asyncIterator]() as AsyncIterator<unknown>;
  return {
    next: async () => {
      const result = await iterator.next();
      return result.done ? undefined : asBytes(result.value);
    },
    cancel: () => {
      readable.destroy();
    },
  };
}
