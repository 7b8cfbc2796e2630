import { describe, expect, it } from 'vitest';
import { base64DecodedLength, sniffImageType } from '../src/image-limits.js';
import { isLoopbackURL } from '../src/provider-support.js';
import { RateLimiter } from '../src/rate-limiter.js';
import { redactSecret } from '../src/redact-secret.js';
import {
  isNotFoundStatus,
  mapJobStatus,
  parseDetectedFaces,
  parseEnhanceJob,
  parseJobAccepted,
  parseSwapJob,
  readProviderMessage,
} from '../src/response-schemas.js';
import { parseRetryAfter } from '../src/retry-after.js';
import { RetryBudget } from '../src/retry-budget.js';

describe('response schemas', () => {
  it('accept detectedFaces or faces, and only the fields used', () => {
    const box = { x: 1, y: 2, width: 3, height: 4 };
    expect(parseDetectedFaces({ detectedFaces: [{ ...box, extra: true }] })).toEqual([box]);
    expect(parseDetectedFaces({ faces: [box] })).toEqual([box]);
    expect(parseDetectedFaces({ faces: [{ x: 1 }] })).toBeUndefined();
    expect(parseDetectedFaces([])).toBeUndefined();
  });

  it('read job ids and statuses; unknown statuses are running, not-found is pending and marked notFound', () => {
    expect(parseJobAccepted({ jobId: 'a' })).toBe('a');
    expect(parseJobAccepted({ jobId: 7 })).toBe('7');
    expect(parseJobAccepted({ id: 'a' })).toBeUndefined();
    expect(['creating', 'pending', 'running', 'not-found', 'weird', 'completed', 'failed'].map(mapJobStatus)).toEqual([
      'pending',
      'pending',
      'running',
      'pending',
      'running',
      'completed',
      'failed',
    ]);
    expect(['not-found', 'not_found', 'NotFound', 'Not Found', 'found', 'not-founded'].map(isNotFoundStatus)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(parseSwapJob({ status: 'not-found' })).toEqual({
      status: 'pending',
      providerStatus: 'not-found',
      result: undefined,
      error: undefined,
      notFound: true,
    });
    expect(parseSwapJob({ status: 'running' })?.notFound).toBe(false);
    expect(parseSwapJob({ status: 'completed', result: { mediaUrl: 'https://x/y.jpg' } })?.result).toEqual({
      mediaUrl: 'https://x/y.jpg',
    });
    expect(parseSwapJob({ status: 'completed' })).toBeUndefined();
    expect(parseEnhanceJob({ status: 'failed', error: 'no face' })).toMatchObject({
      status: 'failed',
      error: 'no face',
    });
    expect(readProviderMessage('{"status":402,"error":"Insufficient credits. Please Buy credits."}')).toBe(
      'Insufficient credits. Please Buy credits.',
    );
    expect(readProviderMessage('<html>Bad gateway</html>')).toBe('<html>Bad gateway</html>');
  });
});

describe('small helpers', () => {
  it('parse Retry-After as seconds or an HTTP-date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('size base64 without decoding, sniff images, redact secrets, spot loopback URLs', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 1000])
      expect(base64DecodedLength(Buffer.alloc(length).toString('base64'))).toBe(length);
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff]))).toBe('image/jpeg');
    expect(sniffImageType(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBe('image/png');
    expect(redactSecret('key abcdef and abcdef', 'abcdef')).toBe('key [redacted] and [redacted]');
    expect(
      ['http://127.0.0.1:1', 'http://localhost', 'http://[::1]:8/', 'https://api.maxstudio.ai', 'nonsense'].map(
        isLoopbackURL,
      ),
    ).toEqual([true, true, true, false, false]);
  });

  it('the retry budget runs dry and refills on success', () => {
    const budget = new RetryBudget({ capacity: 10, retryCost: 5, timeoutRetryCost: 10 });
    expect(budget.tryTake()).toBe(5);
    expect(budget.tryTake('timeout')).toBeUndefined();
    expect(budget.tryTake()).toBe(5);
    expect(budget.tryTake()).toBeUndefined();
    budget.onSuccess(5);
    expect(budget.available).toBe(5);
    budget.onSuccess(0);
    expect(budget.available).toBe(6);
  });

  it('the limiter caps concurrency and halves its rate on a throttle', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 2 });
    const first = await limiter.acquire();
    const second = await limiter.acquire();
    let thirdStarted = false;
    const third = limiter.acquire().then((release) => {
      thirdStarted = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(thirdStarted).toBe(false);
    first();
    (await third)();
    second();
    expect(thirdStarted).toBe(true);
    limiter.onThrottle(undefined);
    expect(limiter.currentRate).toBeLessThanOrEqual(2);
    limiter.onSuccess();
    expect(limiter.currentRate).toBeGreaterThan(1);
    const controller = new AbortController();
    const full = new RateLimiter({ maxConcurrency: 1 });
    await full.acquire();
    const waiting = full.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
