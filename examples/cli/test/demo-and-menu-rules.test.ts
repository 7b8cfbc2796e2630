import { assertConsent } from '@model-studio/core';
import { describe, expect, it } from 'vitest';
import { consentRecordFrom } from '../src/commands/consent.js';
import { demoConsentRecord, nextDemoName } from '../src/commands/demo.js';
import { menuChoices, modelNameProblem } from '../src/menu.js';

describe('demo naming and consent', () => {
  it('never overwrites an earlier demo model', () => {
    expect(nextDemoName([])).toBe('demo');
    expect(nextDemoName(['andie', 'demo'])).toBe('demo-2');
    expect(nextDemoName(['demo', 'demo-2', 'demo-4'])).toBe('demo-3');
  });

  it('marks the demo consent record as a demo and covers only sfw swaps and training (its captions)', () => {
    const record = demoConsentRecord(new Date('2026-01-01T00:00:00Z'));
    expect(record.subject).toMatch(/DEMO/);
    expect(record.evidenceRef).toMatch(/DEMO/);
    const holder = { name: 'demo', consent: record };
    expect(() => assertConsent(holder, { rating: 'sfw', use: 'swap' })).not.toThrow();
    expect(() => assertConsent(holder, { rating: 'nsfw', use: 'swap' })).toThrow(/not in allowed ratings/);
    expect(() => assertConsent(holder, { rating: 'sfw', use: 'train' })).not.toThrow();
    expect(() => assertConsent(holder, { rating: 'sfw', use: 'publish' })).toThrow(/not allowed/);
  });
});

describe('menu rules', () => {
  it('offers the brief’s choices in its words and order', () => {
    expect(menuChoices).toEqual(['Create New Model', 'Work with Existing Model', 'View All Models', 'Exit']);
  });

  it('explains the model name rule and suggests a slug', () => {
    expect(modelNameProblem('andie-2')).toBeUndefined();
    expect(modelNameProblem('Andie Example')).toMatch(/lower-case letters .* Try "andie-example"\./);
    expect(modelNameProblem('../x')).toMatch(/lower-case letters/);
    expect(modelNameProblem('')).toMatch(/lower-case letters/);
  });

  it('requires an adult attestation before a consent record is made', () => {
    const base = { subject: 'A', attestedBy: 'op', evidence: 'doc' };
    expect(() => consentRecordFrom(base)).toThrow(/attested as an adult/);
    const record = consentRecordFrom(
      { ...base, adult: true, ratings: ['sfw', 'sfw'], uses: ['swap', 'train'] },
      new Date('2026-02-01T00:00:00Z'),
    );
    expect(record).toEqual({
      subject: 'A',
      adultAttested: true,
      attestedBy: 'op',
      allowedRatings: ['sfw'],
      allowedUses: ['swap', 'train'],
      obtainedAt: '2026-02-01T00:00:00.000Z',
      evidenceRef: 'doc',
    });
  });
});
