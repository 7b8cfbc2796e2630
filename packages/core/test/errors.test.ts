import {
  BudgetExceededError,
  ConsentError,
  ModelStudioError,
  NotFoundError,
  ProviderError,
  StorageError,
  ValidationError,
} from '@model-studio/core';
import { describe, expect, it } from 'vitest';

describe('errors', () => {
  it('recognises errors by code across copies via Symbol.for', () => {
    const e = new ValidationError('bad name', { field: 'model' });
    expect(ModelStudioError.isInstance(e)).toBe(true);
    expect(ValidationError.isInstance(e)).toBe(true);
    expect(ConsentError.isInstance(e)).toBe(false);
    // A structurally different copy carrying the shared marker is recognised too.
    const copy = Object.assign(Object.create(null), { [Symbol.for('model-studio.error')]: true, code: 'validation' });
    expect(ValidationError.isInstance(copy)).toBe(true);
    expect(ModelStudioError.isInstance(new Error('x'))).toBe(false);
  });

  it('budget error says what is left', () => {
    const e = new BudgetExceededError('over', { budget: 100, committed: 92, requested: 10, unit: 'credits' });
    expect(e.remaining).toBe(8);
    expect(e.code).toBe('budget-exceeded');
  });

  it('each subclass has its own code', () => {
    expect(new NotFoundError('m', { kind: 'key', name: 'a' }).code).toBe('not-found');
    expect(new StorageError('m', { operation: 'put' }).code).toBe('storage');
    expect(new ProviderError('m', { provider: 'x', reason: 'server', isRetryable: true }).isRetryable).toBe(true);
    expect(new ConsentError('m', { model: 'a', missing: ['x'] }).missing).toEqual(['x']);
  });
});
