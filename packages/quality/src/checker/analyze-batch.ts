import type { ImageSource } from '@model-studio/core';
import type { AnalyzeOptions, BatchItem, BatchOptions, BatchResult, ImageAnalysis } from './quality-checker.js';

/** One finished image of a batch, keyed by its input position. */
interface Finished {
  key: number;
  result: BatchResult;
}

/**
 * Analyses `items` with `analyze`, keeping `options.concurrency` (default twice `workers`, at least 2) images in
 * flight and yielding each result as soon as it is ready (not in input order). Stops with the abort reason once
 * `options.signal` aborts, instead of yielding the abort errors of the images in flight.
 */
export async function* analyzeBatch(
  analyze: (image: ImageSource, options: AnalyzeOptions) => Promise<ImageAnalysis>,
  items: Iterable<BatchItem> | AsyncIterable<BatchItem>,
  options: BatchOptions,
  workers: number,
): AsyncGenerator<BatchResult> {
  const concurrency = options.concurrency ?? Math.max(2, workers * 2);
  const total = Array.isArray(items) ? items.length : undefined;
  const inFlight = new Map<number, Promise<Finished>>();
  let index = 0;
  let done = 0;
  const iterator = (Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]()) as
    | AsyncIterator<BatchItem>
    | Iterator<BatchItem>;
  let exhausted = false;
  const launch = async () => {
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      return;
    }
    const key = index++;
    inFlight.set(key, settle(analyze, next.value, key, options));
  };
  while (!exhausted && inFlight.size < concurrency) await launch();
  while (inFlight.size > 0) {
    options.signal?.throwIfAborted();
    const { key, result } = await Promise.race(inFlight.values());
    inFlight.delete(key);
    // An abort while waiting turns in-flight images into abort errors: stop instead of yielding those.
    options.signal?.throwIfAborted();
    done++;
    options.onProgress?.(total === undefined ? { done } : { done, total });
    yield result;
    while (!exhausted && inFlight.size < concurrency) await launch();
  }
  options.signal?.throwIfAborted();
}

/** Analyses one item into its batch result: the analysis, or the error it raised (never a rejection). */
function settle(
  analyze: (image: ImageSource, options: AnalyzeOptions) => Promise<ImageAnalysis>,
  item: BatchItem,
  key: number,
  options: AnalyzeOptions,
): Promise<Finished> {
  return analyze(item.image, options).then(
    (analysis): Finished => ({ key, result: { id: item.id, index: key, ok: true, analysis } }),
    (error: unknown): Finished => ({
      key,
      result: { id: item.id, index: key, ok: false, error: error instanceof Error ? error : new Error(String(error)) },
    }),
  );
}
