import type { Redis } from 'ioredis';
import type { RedisJobStore } from './redis-job-store.js';

/** Waits for new events with XREAD BLOCK, each wait on its own connection (a blocked connection serves nobody else). */
export interface BlockingEventWaiter {
  /** Resolves when an event after `after` is appended, after `blockMs`, or when `signal` aborts. */
  wait(id: string, after: number, signal: AbortSignal): Promise<void>;
  /** Closes every connection still waiting. */
  closeAll(): void;
}

/** A {@link BlockingEventWaiter} on duplicates of `client`. */
export function createBlockingEventWaiter(client: Redis, store: RedisJobStore, blockMs = 2_000): BlockingEventWaiter {
  const open = new Set<Redis>();
  return {
    async wait(id, after, signal) {
      if (signal.aborted) return;
      const connection = client.duplicate();
      connection.on('error', () => undefined);
      open.add(connection);
      const onAbort = () => connection.disconnect();
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        await store.waitForEvent(connection, id, after, blockMs);
      } catch {
        // Aborted (the connection was closed) or a passing Redis error: the caller reads again or stops.
      } finally {
        signal.removeEventListener('abort', onAbort);
        open.delete(connection);
        connection.disconnect();
      }
    },
    closeAll() {
      for (const connection of open) connection.disconnect();
      open.clear();
    },
  };
}
