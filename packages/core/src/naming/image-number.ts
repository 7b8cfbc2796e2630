import { ValidationError } from '../errors/index.js';
import { quoteValue } from './slug-rules.js';

/**
 * Checks a source or target number: a whole number from 1 up to `Number.MAX_SAFE_INTEGER`.
 * Numbering starts at 1 (`andie-source-1.jpg`, `andie-t001.jpg`). Throws a `ValidationError`.
 */
export function assertImageNumber(value: unknown, field: 'source' | 'target'): asserts value is number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return;
  throw new ValidationError(
    `Invalid ${field} number ${quoteValue(value)}: ${field} numbers are whole numbers starting at 1; for example 1 or 12.`,
    { field, value },
  );
}

/** Formats a target number zero-padded to at least 3 digits: `3` → `003`, `1000` → `1000`. */
export function padTargetNumber(target: number): string {
  assertImageNumber(target, 'target');
  return String(target).padStart(3, '0');
}

/**
 * Parses digits written by {@link padTargetNumber} (at least 3 digits) or a plain source number.
 * Returns `undefined` for non-canonical spellings (`t0003`, `s01`, `t000`), so each number has exactly one name.
 */
export function parseCanonicalNumber(digits: string, padded: boolean): number | undefined {
  const value = Number(digits);
  if (!Number.isSafeInteger(value) || value < 1) return undefined;
  const canonical = padded ? String(value).padStart(3, '0') : String(value);
  return canonical === digits ? value : undefined;
}
