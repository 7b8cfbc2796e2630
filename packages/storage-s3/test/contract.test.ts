import { storageContractTests } from '@model-studio/core/testing';
import type { S3Storage } from '@model-studio/storage-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStorage, uniquePrefix } from './s3-test-env.js';

// The whole contract, on a real S3-compatible server (OpenStack Swift), under a prefix unique to this run.
storageContractTests(
  { describe, it, expect, beforeAll, afterAll },
  {
    name: 'S3Storage on Swift',
    create: () => testStorage({ prefix: uniquePrefix('contract') }),
    destroy: (storage) => (storage as S3Storage).destroy(),
  },
);
