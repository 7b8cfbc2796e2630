import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStorage, storageKeys } from '@model-studio/core';
import { createMockFaceChecker, mockEmbedding, mockImage } from '@model-studio/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelIdentityCheck } from '../src/index.js';

let root: string;
let storage: LocalStorage;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'lora-identity-'));
  storage = new LocalStorage({ root });
});
afterEach(async () => {
  await storage.close?.();
  await rm(root, { recursive: true, force: true });
});

describe('modelIdentityCheck', () => {
  const faceChecker = createMockFaceChecker();

  it("measures against the model's first source face", async () => {
    await storage.put(storageKeys.source('ana', 1), mockImage({ faces: [{ identity: 'ana' }] }));
    await storage.put(storageKeys.source('ana', 2), mockImage({ faces: [{ identity: 'someone-else' }] }));
    const check = await modelIdentityCheck(storage, 'ana', faceChecker, { threshold: 0.5 });
    expect(check.reason).toBeUndefined();
    expect(check.identity?.faceChecker).toBe(faceChecker);
    expect([...(check.identity?.sourceEmbedding ?? [])]).toEqual([...mockEmbedding('ana')]);
    expect(check.identity?.threshold).toBe(0.5);
  });

  it('says why when the model has no source photo, or its first one shows no face', async () => {
    expect(await modelIdentityCheck(storage, 'bo', faceChecker)).toEqual({
      reason: 'no-source',
      note: `${storageKeys.source('bo', 1)} is missing: the samples' identity is not measured.`,
    });
    await storage.put(storageKeys.source('bo', 1), mockImage({ faces: [] }));
    expect(await modelIdentityCheck(storage, 'bo', faceChecker)).toEqual({
      reason: 'no-face',
      note: `No face in ${storageKeys.source('bo', 1)}: the samples' identity is not measured.`,
    });
  });
});
