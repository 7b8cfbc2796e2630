import type { OpenFile } from './open-file.js';
import { subscribeAbort } from './subscribe-abort.js';

const readChunkBytes = 256 * 1024;

/**
 * A web `ReadableStream` over an open file, read chunk by chunk only as the consumer pulls (one chunk buffered at
 * most). The file is closed at the end, on cancel, on error and when `signal` aborts; an abort errors the stream
 * with the signal's reason.
 *
 * @param size - The file's size when opened: reads are sized to it (a small file takes one small buffer, not 256 KiB),
 * and a short read (the end of the file at that moment) ends the stream without another read. LocalStorage replaces
 * files by rename, so an open file only changes when something else writes it in place.
 * @param mapError - Turns a read failure into the error the stream reports.
 * @internal
 */
export function fileReadStream(
  file: OpenFile,
  size: number,
  signal: AbortSignal | undefined,
  mapError: (error: unknown) => unknown,
): ReadableStream<Uint8Array> {
  let position = 0;
  let closed = false;
  let unsubscribe: (() => void) | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe?.();
    file.close();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (!signal) return;
      // One shared listener per signal however many streams use it (see subscribeAbort).
      unsubscribe = subscribeAbort(signal, () => {
        controller.error(signal.reason);
        close();
      });
    },
    async pull(controller) {
      // One byte more than what is left, so reading the whole rest comes back short: the end, without another read.
      // Past the size seen at open (the file grew), full chunks again.
      const left = size - position;
      const length = left < 0 ? readChunkBytes : Math.min(readChunkBytes, left + 1);
      const buffer = new Uint8Array(length);
      let bytesRead: number;
      try {
        bytesRead = await file.read(buffer, 0, length, position);
      } catch (error) {
        if (closed) return;
        close();
        controller.error(mapError(error));
        return;
      }
      if (closed) return; // Aborted or cancelled while reading.
      if (bytesRead === 0) {
        controller.close();
        close();
        return;
      }
      position += bytesRead;
      controller.enqueue(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
      if (bytesRead < length) {
        controller.close();
        close();
      }
    },
    cancel() {
      close();
    },
  });
}
