import { ProviderError } from '@model-studio/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clipIqaScore, createClipIqaScorer } from '../src/index.js';
import { type CaptionSandbox, sandboxZeroShot, startCaptionSandbox } from '../src/testing/index.js';
import { astronaut, coffee, graceHopper } from './fixtures.js';

let sandbox: CaptionSandbox;
beforeAll(async () => {
  sandbox = await startCaptionSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const scorerFor = () =>
  createClipIqaScorer({
    endpointUrl: `${sandbox.url}/models/openai/clip-vit-large-patch14`,
    minRetryDelayMs: 5,
    maxRetryDelayMs: 1_000,
  });

describe('CLIP-IQA scorer', () => {
  it('is the softmax share of "Good photo."', () => {
    expect(
      clipIqaScore([
        { label: 'Bad photo.', score: 0.25 },
        { label: 'Good photo.', score: 0.75 },
      ]),
    ).toBe(0.75);
    expect(clipIqaScore([{ label: 'Good photo.', score: 0.2 }])).toBeUndefined();
  });

  it('sends the image and both labels, and returns the sandbox score for that image', async () => {
    const scorer = scorerFor();
    expect(scorer.paid).toBe(true);
    for (const image of [graceHopper, astronaut, coffee]) {
      const { score, metric } = await scorer.score({ image });
      expect(metric).toBe('clip-iqa');
      const request = sandbox.requests().at(-1)!;
      expect(request.route).toBe('zero-shot');
      expect(request.image?.width).toBe(image === coffee ? 600 : 512);
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThan(1);
    }
    // The sandbox's answer depends on the image: the two portraits score differently.
    expect((await scorer.score({ image: graceHopper })).score).not.toBeCloseTo(
      (await scorer.score({ image: astronaut })).score,
      3,
    );
    const labels = sandboxZeroShot({ width: 1, height: 1, mean: [128, 128, 128], brightness: 0.5, contrast: 60 }, [
      'Good photo.',
      'Bad photo.',
    ]);
    expect(labels.reduce((sum, entry) => sum + entry.score, 0)).toBeCloseTo(1, 6);
  });

  it('waits for a loading model, then scores', async () => {
    const start = sandbox.requests().length;
    sandbox.addFault({ kind: 'model-loading', estimatedTime: 0.05, route: 'zero-shot' });
    await scorerFor().score({ image: graceHopper });
    expect(
      sandbox
        .requests()
        .slice(start)
        .map((r) => r.status),
    ).toEqual([503, 200]);
  });

  it('gives up on repeated 500s with a typed server error carrying the request id', async () => {
    sandbox.addFault({ kind: 'server-error', times: 10, route: 'zero-shot' });
    let caught: unknown;
    try {
      await scorerFor().score({ image: graceHopper });
    } catch (error) {
      caught = error;
    }
    sandbox.clearFaults();
    expect(ProviderError.isInstance(caught) && caught.reason).toBe('server');
    expect((caught as ProviderError).requestId).toMatch(/^sandbox-/);
  });

  it('asks for HF_TOKEN when there is neither a token nor an endpoint', async () => {
    const saved = process.env.HF_TOKEN;
    delete process.env.HF_TOKEN;
    try {
      await expect(createClipIqaScorer().score({ image: graceHopper })).rejects.toThrow(/HF_TOKEN/);
    } finally {
      if (saved !== undefined) process.env.HF_TOKEN = saved;
    }
  });
});
