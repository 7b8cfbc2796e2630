/**
 * Serialises async work per key within one process, so read-modify-write of `models.json` and a model's
 * `config.json` never interleave. Keys are always taken in sorted order, so two callers never deadlock.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `work` once every earlier holder of each of `keys` has finished. */
  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    const waits: Promise<void>[] = [];
    for (const key of sorted) {
      const previous = this.#tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const current = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => current);
      this.#tails.set(key, tail);
      releases.push(() => {
        release();
        if (this.#tails.get(key) === tail) this.#tails.delete(key);
      });
      waits.push(previous);
    }
    try {
      await Promise.all(waits);
      return await work();
    } finally {
      for (const release of releases) release();
    }
  }
}
