import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqJobQueue } from '../src/index.js';
import { jobQueueContractTests, type StartedRedisServer, startRedisServer } from '../src/testing/index.js';

let redis: StartedRedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

jobQueueContractTests(
  { describe, it, expect },
  {
    name: 'bullmq',
    async create() {
      const prefix = `contract-${randomBytes(4).toString('hex')}`;
      const open = async () =>
        createBullmqJobQueue({
          connection: redis.url,
          prefix,
          lockDuration: 1_000,
          stalledInterval: 500,
          cancelPollInterval: 50,
        });
      const queue = await open();
      return {
        queue,
        open,
        async cleanup() {
          await queue.close();
        },
      };
    },
  },
);
