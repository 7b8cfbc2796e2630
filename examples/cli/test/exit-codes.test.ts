import {
  BudgetExceededError,
  ConsentError,
  ModelBusyError,
  NotFoundError,
  ProviderError,
  StorageError,
  ValidationError,
} from '@model-studio/core';
import { describe, expect, it } from 'vitest';
import { exitCodeForError, exitCodeForOutcome, exitCodes } from '../src/exit-codes.js';
import { UsageError } from '../src/usage-error.js';

describe('exit codes', () => {
  it('maps core errors by their stable code', () => {
    expect(exitCodeForError(new ValidationError('bad name'))).toBe(2);
    expect(exitCodeForError(new NotFoundError('no model', { kind: 'model', name: 'x' }))).toBe(2);
    expect(exitCodeForError(new UsageError('pass --yes'))).toBe(2);
    expect(exitCodeForError(new ConsentError('no consent', { model: 'x', missing: ['no consent record'] }))).toBe(3);
    expect(
      exitCodeForError(new BudgetExceededError('over', { budget: 5, committed: 0, requested: 10, unit: 'credits' })),
    ).toBe(4);
    expect(
      exitCodeForError(
        new ProviderError('402', { provider: 'maxstudio', reason: 'insufficient-credits', isRetryable: false }),
      ),
    ).toBe(5);
    expect(
      exitCodeForError(new ProviderError('500', { provider: 'maxstudio', reason: 'server', isRetryable: true })),
    ).toBe(1);
    expect(exitCodeForError(new StorageError('S3 get of "models.json" failed', { operation: 'get' }))).toBe(7);
    expect(exitCodeForError(new ModelBusyError('andie', 4242))).toBe(8);
    expect(exitCodeForError(new DOMException('stop', 'AbortError'))).toBe(130);
    expect(exitCodeForError(new Error('bug'))).toBe(1);
    expect(exitCodeForError('a string')).toBe(1);
  });

  it('maps run outcomes', () => {
    expect(exitCodeForOutcome({ outcome: 'completed', failed: [] })).toBe(exitCodes.ok);
    expect(exitCodeForOutcome({ outcome: 'completed', failed: [{}] })).toBe(exitCodes.unitsFailed);
    expect(exitCodeForOutcome({ outcome: 'aborted', failed: [] })).toBe(130);
    expect(exitCodeForOutcome({ outcome: 'budget-exceeded', failed: [] })).toBe(4);
    expect(exitCodeForOutcome({ outcome: 'insufficient-credits', failed: [] })).toBe(5);
    expect(exitCodeForOutcome({ outcome: 'consent-revoked', failed: [] })).toBe(3);
    // Copies to the result store that failed: the units are done, running again finishes the copies.
    expect(exitCodeForOutcome({ outcome: 'completed', failed: [], copyFailures: [{}] })).toBe(exitCodes.storage);
    expect(exitCodeForOutcome({ outcome: 'completed', failed: [{}], copyFailures: [{}] })).toBe(exitCodes.unitsFailed);
  });
});
