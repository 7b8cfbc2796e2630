import type { z } from 'zod';
import { ValidationError } from '../errors/index.js';

/** `settings.thresholds.maxBytes`, `models[0].name`: a readable path of a zod issue. */
export function issuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? '(top level)' : text;
}

/**
 * Turns a zod error into a `ValidationError` whose message names `what` (e.g. a file) and each bad field
 * (up to three), and whose `field` is the first bad field's path.
 */
export function validationErrorFromZod(what: string, error: z.ZodError, nextStep: string): ValidationError {
  const issues = error.issues.slice(0, 3).map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  const first = error.issues[0];
  return new ValidationError(`${what}: ${issues.join('; ')}${more}. ${nextStep}`, {
    field: first ? issuePath(first.path) : undefined,
    cause: error,
  });
}
