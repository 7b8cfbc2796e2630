import { describe, expect, it } from 'vitest';
import { createOfflineCaptioner, describeFacts } from '../src/index.js';
import { andie, coffee, graceFacts, graceHopper } from './fixtures.js';

describe('offline captioner', () => {
  const captioner = createOfflineCaptioner();

  it('is free and describes only what the facts say', async () => {
    expect(captioner.paid).toBe(false);
    const result = await captioner.caption({ image: graceHopper, facts: graceFacts, subject: andie });
    expect(result.text).toBe('a photo of andie, woman, portrait, solo, square, even lighting');
    expect(result.model).toBe('offline-attributes');
    expect(result.raw).toBe('solo, square, even lighting');
  });

  it('names the shot, the people, the orientation and the lighting', () => {
    const base = { width: 600, height: 900 };
    expect(describeFacts({ ...base, faces: [{ x: 0, y: 0, width: 300, height: 450 }], exposureMean: 0.2 })).toBe(
      'close-up, solo, vertical, dim lighting',
    );
    expect(
      describeFacts({
        ...base,
        faces: [
          { x: 0, y: 0, width: 40, height: 50 },
          { x: 100, y: 0, width: 40, height: 50 },
        ],
        exposureMean: 0.8,
        clippedShare: 0.2,
        rating: 'nsfw',
      }),
    ).toBe('full body, two people, vertical, bright lighting, high contrast, nsfw');
    expect(describeFacts({ width: 900, height: 600 })).toBe('landscape');
  });

  it('reads the size from the header when no facts are given', async () => {
    const result = await captioner.caption({ image: coffee });
    expect(result.text).toBe('landscape');
  });
});
