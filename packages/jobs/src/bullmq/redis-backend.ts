import type { Queue } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { within } from '../shared/within.js';
import { type BlockingEventWaiter, createBlockingEventWaiter } from './blocking-event-waiter.js';
import { RedisJobStore } from './redis-job-store.js';

/** The BullMQ module, loaded on first use (importing `@model-studio/jobs` for the embedded queue never loads it). */
export type BullmqModule = typeof import('bullmq');

/** The BullMQ queue's job data: our job's id. */
export interface BullmqJobData {
  id: string;
}

/** What a BullMQ job queue holds open: a command connection, the records, the event waiters, the BullMQ queue. */
export interface RedisBackend {
  bullmq: BullmqModule;
  client: Redis;
  store: RedisJobStore;
  waiter: BlockingEventWaiter;
  /** The BullMQ queue (opened on first use). */
  queue(): Queue<BullmqJobData>;
  /** Closes the waiters' connections, the BullMQ queue and the command connection. */
  close(): Promise<void>;
}

/** The name of the BullMQ queue under the prefix. */
export const bullmqQueueName = 'jobs';

/** Loads ioredis and BullMQ, and connects. */
export async function openRedisBackend(
  connection: RedisOptions,
  prefix: string,
  onError: (error: Error) => void,
): Promise<RedisBackend> {
  const [{ Redis: RedisClient }, bullmq] = await Promise.all([import('ioredis'), import('bullmq')]);
  const client = new RedisClient({ ...connection });
  client.on('error', onError);
  const store = new RedisJobStore(client, `${prefix}:ms`);
  const waiter = createBlockingEventWaiter(client, store);
  let bullQueue: Queue<BullmqJobData> | undefined;
  return {
    bullmq,
    client,
    store,
    waiter,
    queue() {
      if (!bullQueue) {
        bullQueue = new bullmq.Queue<BullmqJobData>(bullmqQueueName, { connection: { ...connection }, prefix });
        bullQueue.on('error', onError);
      }
      return bullQueue;
    },
    async close() {
      waiter.closeAll();
      if (bullQueue) await within(bullQueue.close(), 5_000, () => bullQueue?.disconnect().catch(() => undefined));
      // quit() waits for a connection that may never come (Redis down): only a ready client says goodbye.
      if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
      else client.disconnect();
    },
  };
}
