import { ValidationError } from '@model-studio/core';
import type { NewJob } from '../job-queue.js';

/** Checks what `add` was given: non-empty strings for type, model and owner, and JSON-serialisable params. */
export function validateNewJob(job: NewJob<unknown>): void {
  for (const field of ['type', 'model', 'owner'] as const) {
    const value = (job as unknown as Record<string, unknown>)?.[field];
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
      throw new ValidationError(`A job needs a "${field}": a non-empty string of at most 200 characters.`, {
        field,
      });
    }
  }
  try {
    JSON.stringify(job.params ?? null);
  } catch (cause) {
    throw new ValidationError("A job's params must be a JSON value (no cycles, no BigInt).", {
      field: 'params',
      cause,
    });
  }
}
