import { imageScorerContractTests } from '@model-studio/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfflineImageScorer, createQualityChecker, type QualityChecker } from '../src/index.js';
import { astronaut, coffee, face, grace } from './fixtures.js';

let checker: QualityChecker;

imageScorerContractTests(
  { describe, it, expect, beforeAll, afterAll },
  {
    name: 'quality offline scorer',
    create: () => {
      checker = createQualityChecker({ workers: 0 });
      return createOfflineImageScorer({ checker });
    },
    destroy: () => checker.close(),
    images: [{ image: face(grace) }, { image: face(astronaut) }, { image: face(coffee) }],
  },
);

describe('offline image scorer', () => {
  let own: QualityChecker;
  beforeAll(() => {
    own = createQualityChecker({ workers: 0 });
  });
  afterAll(() => own.close());

  it('scores a portrait above a photo with no face (which scores 0), metric offline-quality', async () => {
    const scorer = createOfflineImageScorer({ checker: own });
    const portrait = await scorer.score({ image: face(grace) });
    const cup = await scorer.score({ image: face(coffee) });
    expect(portrait.metric).toBe('offline-quality');
    expect(portrait.score).toBeGreaterThan(0.4);
    expect(cup.score).toBe(0);
    expect(scorer.paid).toBe(false);
  });
});
