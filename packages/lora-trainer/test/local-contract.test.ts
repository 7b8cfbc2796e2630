import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalStorage } from '@model-studio/core';
import { trainerContractTests } from '@model-studio/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTrainer } from '../src/local/index.js';
import { smallDatasetTar } from './runpod-harness.js';

const fake = fileURLToPath(new URL('./fixtures/fake-simpletuner.mjs', import.meta.url));
const datasetPrefix = 'models/andie/datasets/v1';
let root: string;
let storage: LocalStorage;

trainerContractTests(
  { describe, it, expect, beforeAll, afterAll },
  {
    name: 'LocalTrainer with a fake simpletuner',
    create: async () => {
      root = await mkdtemp(join(tmpdir(), 'local-contract-'));
      storage = new LocalStorage({ root: join(root, 'workspace') });
      await storage.put(`${datasetPrefix}/dataset.tar`, await smallDatasetTar());
      const make = () =>
        new LocalTrainer({
          storage,
          workRoot: join(root, 'runs'),
          command: [process.execPath, fake, 'train'],
          pollIntervalMs: 20,
          killGraceMs: 2000,
        });
      return {
        trainer: make(),
        request: { model: 'andie', datasetPrefix, config: { max_train_steps: 5 } },
        longRequest: { model: 'andie', datasetPrefix, config: { max_train_steps: 100_000 } },
        reopen: make,
      };
    },
    destroy: async () => {
      await storage.close();
      await rm(root, { recursive: true, force: true });
    },
  },
);
