import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage } from '@model-studio/core';
import { storageContractTests } from '@model-studio/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const contractRoot = mkdtempSync(join(tmpdir(), 'local-storage-contract-'));
storageContractTests(
  { describe, it, expect, beforeAll, afterAll },
  {
    name: 'LocalStorage',
    create: () => new LocalStorage({ root: contractRoot, signedUrls: {} }),
    destroy: async (storage) => {
      await (storage as LocalStorage).close();
      rmSync(contractRoot, { recursive: true, force: true });
    },
  },
);
