/**
 * Wraps a response body so that aborting `signal` after `get` returned still stops the download: the stream errors
 * with the signal's reason and the underlying body is cancelled (freeing its connection).
 *
 * @internal
 */
export function abortableStream(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  if (!signal) return stream;
  const reader = stream.getReader();
  let onAbort: (() => void) | undefined;
  const cleanup = () => {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    onAbort = undefined;
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        onAbort = () => {
          cleanup();
          controller.error(signal.reason);
          reader.cancel(signal.reason).catch(() => {});
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      },
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (signal.aborted) return;
          if (done) {
            cleanup();
            controller.close();
          } else {
            controller.enqueue(value);
          }
        } catch (error) {
          cleanup();
          if (!signal.aborted) controller.error(error);
        }
      },
      cancel(reason) {
        cleanup();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
