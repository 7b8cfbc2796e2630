import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmbeddedJobQueue } from '../src/index.js';
import { jobQueueContractTests } from '../src/testing/index.js';

jobQueueContractTests(
  { describe, it, expect },
  {
    name: 'embedded',
    async create() {
      const dir = await mkdtemp(join(tmpdir(), 'jobs-embedded-'));
      const open = async () => createEmbeddedJobQueue({ dir, pollInterval: 50 });
      const queue = await open();
      return {
        queue,
        open,
        async cleanup() {
          await queue.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
);
