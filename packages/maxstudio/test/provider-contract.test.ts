import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage } from '@model-studio/core';
import { providerContractTests } from '@model-studio/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMaxStudio, createMaxStudioProvider } from '../src/index.js';
import { astronaut, graceHopper } from './helpers/fixtures.js';
import { startSandboxProcess } from './helpers/sandbox-process.js';

const fast = { pollInterval: 20, maxPollInterval: 100, retry: { minDelay: 20, maxDelay: 200 } };

providerContractTests(
  { describe, it, expect, beforeAll, afterAll },
  {
    name: 'MaxStudio on the sandbox with LocalStorage',
    async setup() {
      const root = await mkdtemp(join(tmpdir(), 'maxstudio-contract-'));
      const storage = new LocalStorage({ root, signedUrls: {} });
      const sandbox = await startSandboxProcess();
      await storage.put('samples/source.png', astronaut);
      await storage.put('samples/target.jpg', graceHopper);
      const provider = () =>
        createMaxStudioProvider({
          storage,
          client: createMaxStudio({ ...fast, baseURL: sandbox.url, apiKey: sandbox.apiKey }),
        });
      return {
        ...provider(),
        storage,
        sampleKeys: { source: 'samples/source.png', target: 'samples/target.jpg' },
        restart: async () => provider(),
        async teardown() {
          await Promise.all([sandbox.close(), storage.close()]);
          await rm(root, { recursive: true, force: true });
        },
      };
    },
  },
);
