import type { FileHandle } from 'node:fs/promises';

const readChunkBytes = 256 * 1024;

/**
 * A web `ReadableStream` over an open file, read chunk by chunk only as the consumer pulls (one chunk buffered at
 * most). The handle is closed at the end, on cancel, on error and when `signal` aborts; an abort errors the stream
 * with the signal's reason.
 *
 * @param mapError - Turns a read failure into the error the stream reports.
 * @internal
 */
export function fileReadStream(
  handle: FileHandle,
  signal: AbortSignal | undefined,
  mapError: (error: unknown) => unknown,
): ReadableStream<Uint8Array> {
  let position = 0;
  let closed = false;
  let onAbort: (() => void) | undefined;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    await handle.close().catch(() => {});
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (!signal) return;
      onAbort = () => {
        controller.error(signal.reason);
        void close();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    },
    async pull(controller) {
      const buffer = new Uint8Array(readChunkBytes);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, readChunkBytes, position));
      } catch (error) {
        if (closed) return;
        await close();
        controller.error(mapError(error));
        return;
      }
      if (closed) return; // Aborted or cancelled while reading.
      if (bytesRead === 0) {
        await close();
        controller.close();
        return;
      }
      position += bytesRead;
      controller.enqueue(bytesRead === readChunkBytes ? buffer : buffer.subarray(0, bytesRead));
    },
    async cancel() {
      await close();
    },
  });
}
