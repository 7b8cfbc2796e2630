import type { JobQueue } from '../job-queue.js';

/**
 * The parts of a test runner the contract suite uses. Pass your runner's functions: vitest's and jest's fit as is.
 */
export interface JobQueueContractTestApi {
  describe: (name: string, fn: () => void) => void;
  it: (name: string, fn: () => Promise<void> | void, timeout?: number) => void;
  // biome-ignore lint/suspicious/noExplicitAny: loose on purpose, so vitest's and jest's `expect` both fit.
  expect: (value: unknown) => any;
}

/** A fresh, empty store with a queue on it, made for one test. */
export interface JobQueueUnderTest {
  /** The queue under test. */
  queue: JobQueue;
  /**
   * Opens another queue instance on the same store (the same folder, the same Redis prefix): what a second
   * process, or the same process after a restart, would open. The suite closes what it opens.
   */
  open(): Promise<JobQueue>;
  /** Closes `queue` (if the test did not) and removes the store (temporary folder, Redis keys, servers). */
  cleanup(): Promise<void>;
}

/** What {@link jobQueueContractTests} runs against. */
export interface JobQueueContractOptions {
  /** Shown in the suite's name, e.g. `embedded`. */
  name: string;
  /** Makes a fresh, empty store and a queue on it; called once per test. */
  create(): Promise<JobQueueUnderTest>;
  /**
   * Time limit of each test, ms.
   * @default 60000
   */
  timeout?: number;
}

/** A resolvable promise, for handlers that wait for the test. */
export interface Gate {
  promise: Promise<void>;
  open(): void;
}

/** A new closed {@link Gate}. */
export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Collects every event of an iterable (a job's events until its final state). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

/** Creates a store, runs `body` with it, then closes what was opened and cleans up. */
export async function withQueue(
  options: JobQueueContractOptions,
  body: (subject: JobQueueUnderTest, opened: JobQueue[]) => Promise<void>,
): Promise<void> {
  const subject = await options.create();
  const opened: JobQueue[] = [];
  const open = async () => {
    const queue = await subject.open();
    opened.push(queue);
    return queue;
  };
  try {
    await body({ ...subject, open }, opened);
  } finally {
    await Promise.all(opened.map((queue) => queue.close()));
    await subject.cleanup();
  }
}
