import { trainerContractTests } from '@model-studio/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetPrefix, type RunpodHarness, runpodHarness, testConfig } from './runpod-harness.js';

let harness: RunpodHarness;
trainerContractTests(
  { describe, it, expect, beforeAll, afterAll },
  {
    name: 'RunpodTrainer on the RunPod sandbox',
    create: async () => {
      harness = await runpodHarness();
      return {
        trainer: harness.trainer(),
        request: { model: 'andie', datasetPrefix, config: testConfig },
        longRequest: { model: 'andie', datasetPrefix, config: { ...testConfig, max_train_steps: 100_000 } },
        reopen: () => harness.trainer(),
      };
    },
    destroy: async () => {
      expect(harness.sandbox.livePods()).toEqual([]);
      await harness.close();
    },
  },
);
