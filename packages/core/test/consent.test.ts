import {
  assertConsent,
  ConsentError,
  type ConsentRecord,
  checkTargetProvenance,
  consentProblems,
  consentRecordSchema,
  redactOrigin,
  ValidationError,
} from '@model-studio/core';
import { describe, expect, it } from 'vitest';

const record: ConsentRecord = {
  subject: 'Andie Example',
  adultAttested: true,
  attestedBy: 'operator, ID checked in person',
  allowedRatings: ['sfw'],
  allowedUses: ['swap'],
  obtainedAt: '2026-01-15T10:00:00Z',
  evidenceRef: 'contracts/andie.pdf',
};

function consentError(run: () => void): ConsentError {
  try {
    run();
  } catch (error) {
    if (ConsentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ConsentError, nothing was thrown');
}

describe('assertConsent', () => {
  it('passes when the record covers the rating and use', () => {
    expect(() => assertConsent({ name: 'andie', consent: record }, { rating: 'sfw', use: 'swap' })).not.toThrow();
    expect(consentProblems({ name: 'andie', consent: record }, { rating: 'sfw', use: 'swap' })).toEqual([]);
  });

  it('no record: says so and how to record one', () => {
    const error = consentError(() => assertConsent({ name: 'andie' }, { rating: 'sfw', use: 'swap' }));
    expect(error.model).toBe('andie');
    expect(error.missing).toEqual(['no consent record']);
    expect(error.hint).toEqual({ action: 'set-consent', model: 'andie' });
    expect(error.message).toBe(
      'Consent for model "andie" does not cover swap of "sfw" content: no consent record. Record the subject\'s ' +
        'documented consent first with workspace.setConsent("andie", record).',
    );
  });

  it('not adult-attested', () => {
    const error = consentError(() =>
      assertConsent({ name: 'andie', consent: { ...record, adultAttested: false } }, { rating: 'sfw', use: 'swap' }),
    );
    expect(error.missing).toEqual(['not adult-attested']);
    expect(error.message).toContain('adultAttested: true with attestedBy');
  });

  it('rating not allowed', () => {
    const error = consentError(() =>
      assertConsent({ name: 'andie', consent: record }, { rating: 'nsfw', use: 'swap' }),
    );
    expect(error.missing).toEqual(['rating "nsfw" not in allowed ratings [sfw]']);
    expect(error.message).toContain('does not cover swap of "nsfw" content');
    expect(error.message).toContain('"nsfw" in allowedRatings');
  });

  it('use not allowed', () => {
    const error = consentError(() =>
      assertConsent({ name: 'andie', consent: record }, { rating: 'sfw', use: 'train' }),
    );
    expect(error.missing).toEqual(['use "train" not allowed (allowed uses: [swap])']);
    expect(error.message).toContain('"train" in allowedUses');
  });

  it('revoked', () => {
    const revoked = { ...record, revokedAt: '2026-02-01T00:00:00.000Z', revokedReason: 'withdrawn' };
    const error = consentError(() =>
      assertConsent({ name: 'andie', consent: revoked }, { rating: 'sfw', use: 'swap' }),
    );
    expect(error.missing).toEqual(['revoked at 2026-02-01T00:00:00.000Z (reason: "withdrawn")']);
    expect(error.message).toContain('Revoked consent blocks all work on this model');
  });

  it('lists every gap at once', () => {
    const weak = { ...record, adultAttested: false, revokedAt: '2026-02-01T00:00:00Z' };
    const error = consentError(() =>
      assertConsent({ name: 'andie', consent: weak }, { rating: 'nsfw', use: 'publish' }),
    );
    expect(error.missing).toEqual([
      'revoked at 2026-02-01T00:00:00Z',
      'not adult-attested',
      'rating "nsfw" not in allowed ratings [sfw]',
      'use "publish" not allowed (allowed uses: [swap])',
    ]);
  });

  it('refuses a malformed request with a ValidationError', () => {
    const holder = { name: 'andie', consent: record };
    expect(() => assertConsent(holder, { rating: '../x', use: 'swap' })).toThrow(ValidationError);
    expect(() => assertConsent(holder, { rating: 'sfw', use: 'sell' as 'swap' })).toThrow(/one of "swap", "train"/);
  });
});

describe('consent record schema', () => {
  it('accepts a full record and refuses bad fields', () => {
    expect(consentRecordSchema.parse(record)).toEqual(record);
    expect(consentRecordSchema.safeParse({ ...record, allowedUses: ['sell'] }).success).toBe(false);
    expect(consentRecordSchema.safeParse({ ...record, allowedRatings: ['NSFW'] }).success).toBe(false);
    expect(consentRecordSchema.safeParse({ ...record, attestedBy: '' }).success).toBe(false);
    expect(consentRecordSchema.safeParse({ ...record, revokedAt: 'yesterday' }).success).toBe(false);
  });
});

describe('target provenance', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  it('sfw targets need origin and rights statement only', () => {
    const records = checkTargetProvenance(
      'andie',
      'sfw',
      [{ n: 1, origin: '/p/1.jpg', rightsStatement: ' own ' }],
      now,
    );
    expect(records).toEqual([
      { n: 1, origin: '/p/1.jpg', rightsStatement: 'own', recordedAt: '2026-01-01T00:00:00.000Z' },
    ]);
  });

  it('any other rating needs adultsConsented: true for every entry', () => {
    for (const rating of ['nsfw', 'explicit', 'r18']) {
      expect(() =>
        checkTargetProvenance('andie', rating, [{ n: 4, origin: '/p', rightsStatement: 'own' }], now),
      ).toThrow(ConsentError);
    }
    const error = (() => {
      try {
        checkTargetProvenance('andie', 'nsfw', [{ n: 4, origin: '/p', rightsStatement: 'own' }], now);
      } catch (caught) {
        return caught as ConsentError;
      }
    })();
    expect(error?.message).toContain('it is missing for target 4');
    expect(error?.message).toContain('Nothing was recorded.');
  });

  it('redacts credentials from URL origins and leaves paths alone', () => {
    expect(redactOrigin('https://u:p@host/x.jpg?token=t&w=1')).toBe('https://host/x.jpg?token=REDACTED&w=1');
    expect(redactOrigin('s3://bucket/key.jpg?X-Amz-Credential=AKIA')).toBe(
      's3://bucket/key.jpg?X-Amz-Credential=REDACTED',
    );
    expect(redactOrigin('/home/me/photos/a.jpg')).toBe('/home/me/photos/a.jpg');
    expect(redactOrigin('C:\\photos\\a.jpg')).toBe('C:\\photos\\a.jpg');
  });
});
