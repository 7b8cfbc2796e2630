/** Error codes of writing to a pipe whose reader has gone (`EPIPE`), and of the writes after it. */
const brokenPipeCodes = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

/**
 * Makes a closed pipe on stdout or stderr (`studio status andie | head -1`) quiet: once the reader has gone, what is
 * still written to that stream is dropped, and the command goes on to its normal end and exit code, never an unhandled
 * EPIPE error with a stack trace. The command is not cut short: a run in progress still finishes or stops cleanly, so
 * nothing in flight is abandoned because a pager closed.
 */
export function quietBrokenPipe(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    let broken = false;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (!brokenPipeCodes.has(error.code ?? '')) throw error;
      if (broken) return;
      broken = true;
      // Later writes go nowhere instead of failing again.
      stream.write = (_chunk: unknown, encoding?: unknown, callback?: unknown) => {
        const done = typeof encoding === 'function' ? encoding : callback;
        if (typeof done === 'function') queueMicrotask(() => done());
        return true;
      };
    });
  }
}
