import type { Redis } from 'ioredis';
import type { RedisJobStore } from './redis-job-store.js';

/** One `events()` subscriber's blocking connection (a blocked connection serves nobody else). */
export interface BlockingEventFollower {
  /** Resolves when an event after `after` is appended, after a while, or when `signal` aborts. */
  wait(after: number, signal: AbortSignal): Promise<void>;
  /** Closes its connection. */
  close(): void;
}

/** Makes followers that wait for new events with XREAD BLOCK, each on a connection of its own, opened lazily. */
export interface BlockingEventWaiter {
  follower(id: string): BlockingEventFollower;
  /** Closes every follower's connection. */
  closeAll(): void;
}

/** A {@link BlockingEventWaiter} on duplicates of `client`. */
export function createBlockingEventWaiter(client: Redis, store: RedisJobStore, blockMs = 2_000): BlockingEventWaiter {
  const open = new Set<Redis>();
  return {
    follower(id) {
      let connection: Redis | undefined;
      const close = () => {
        if (!connection) return;
        open.delete(connection);
        connection.disconnect();
        connection = undefined;
      };
      return {
        async wait(after, signal) {
          if (signal.aborted) return;
          if (!connection) {
            connection = client.duplicate();
            connection.on('error', () => undefined);
            open.add(connection);
          }
          const onAbort = close;
          signal.addEventListener('abort', onAbort, { once: true });
          try {
            await store.waitForEvent(connection, id, after, blockMs);
          } catch {
            // Aborted (the connection was closed) or a passing Redis error: start again on a new connection.
            close();
          } finally {
            signal.removeEventListener('abort', onAbort);
          }
        },
        close,
      };
    },
    closeAll() {
      for (const connection of open) connection.disconnect();
      open.clear();
    },
  };
}
