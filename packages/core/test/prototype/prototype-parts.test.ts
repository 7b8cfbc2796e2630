/** The small readers of prototype records: timestamps, presigned URLs, a bucket-shaped tree through a Storage. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyFromS3Url, LocalStorage, parsePrototypeTime, prototypeStorage } from '@model-studio/core';
import { describe, expect, it } from 'vitest';
import { importPrototype } from '../../src/orchestrator/verbs/import-prototype.js';
import { presignedUrl, sarModel, writeTree } from '../helpers/prototype-tree.js';
import { verbRig } from '../verbs/verb-rig.js';

describe('parsePrototypeTime', () => {
  it('reads Python isoformat without a zone as UTC and says so', () => {
    expect(parsePrototypeTime('2025-10-29T07:55:03.837413')).toEqual({
      iso: '2025-10-29T07:55:03.837Z',
      zoneless: true,
    });
    expect(parsePrototypeTime('2025-10-29T08:02:10.1')).toEqual({ iso: '2025-10-29T08:02:10.100Z', zoneless: true });
    expect(parsePrototypeTime('2025-10-29T07:55:03')).toEqual({ iso: '2025-10-29T07:55:03.000Z', zoneless: true });
  });

  it('keeps a zone when there is one', () => {
    expect(parsePrototypeTime('2025-10-28T23:26:04Z')).toEqual({ iso: '2025-10-28T23:26:04.000Z', zoneless: false });
    expect(parsePrototypeTime('2025-10-29T09:00:00+02:00')).toEqual({
      iso: '2025-10-29T07:00:00.000Z',
      zoneless: false,
    });
  });

  it('returns undefined for what is not a timestamp', () => {
    expect(parsePrototypeTime(null)).toBeUndefined();
    expect(parsePrototypeTime('yesterday')).toBeUndefined();
    expect(parsePrototypeTime('2025-13-45T99:99:99')).toBeUndefined();
  });
});

describe('keyFromS3Url', () => {
  it('takes the key from the path of an expired presigned URL, with its expiry', () => {
    const key = 'results/nsfw/source_1/swapped/sar-s1-t3-nsfw-swapped.jpg';
    expect(keyFromS3Url(presignedUrl('sar-workflow-1761724503', key))).toEqual({
      key,
      bucket: 'sar-workflow-1761724503',
      expiresAt: new Date('2025-11-05T08:05:01.000Z'),
    });
  });

  it('reads path-style URLs and escaped keys; refuses what is not a URL', () => {
    expect(keyFromS3Url('https://s3.us-east-2.amazonaws.com/b/results/a%20b.jpg')).toEqual({
      key: 'results/a b.jpg',
      bucket: 'b',
    });
    expect(keyFromS3Url('not a url')).toBeUndefined();
    expect(keyFromS3Url(null)).toBeUndefined();
    expect(keyFromS3Url('https://b.s3.amazonaws.com/')).toBeUndefined();
  });
});

describe('a prototype bucket through a Storage', () => {
  it('reads originals/sources, originals/targets and the model-prefixed caption keys of the S3 layout', async () => {
    const rig = await verbRig();
    const bucketDir = await mkdtemp(join(tmpdir(), 'proto-bucket-'));
    const bucket = new LocalStorage({ root: bucketDir });
    try {
      await writeTree(join(bucketDir, 'sar-workflow-1761724503'), sarModel({ s3Layout: true }));
      const files = prototypeStorage(bucket, {
        prefix: 'sar-workflow-1761724503',
        description: 's3://sar-workflow-1761724503',
      });
      const [result] = await importPrototype(rig.context(), files, { model: 'sar', dryRun: true });
      const to = Object.fromEntries(result!.plan.copies.map((copy) => [copy.from, copy.to]));
      expect(to['originals/sources/sar-s2-original.jpg']).toBe('models/sar/source/sar-source-2.jpg');
      expect(to['originals/targets/nsfw/sar-t5-nsfw-original.jpg']).toBe('models/sar/targets/nsfw/sar-t004.jpg');
      expect(to['sar/results/nsfw/source_1/enhanced/sar-s1-t1-nsfw-enhanced.txt']).toBe(
        'models/sar/results/nsfw/source_1/enhanced/sar-s1-t001-nsfw-enhanced.txt',
      );
      // No progress.json in the bucket: stages come from the files, without job ids, and that is reported.
      expect(result!.plan.issues.map((issue) => issue.code)).toContain('no-progress');
      expect(result!.plan.stages.every((stage) => stage.jobId === undefined)).toBe(true);
      expect(result!.plan.from).toBe('s3://sar-workflow-1761724503');
    } finally {
      await bucket.close();
      await rm(bucketDir, { recursive: true, force: true });
      await rig.dispose();
    }
  });
});
