import { assertStorageKey, ValidationError } from '@model-studio/core';

/**
 * Normalises the configured key prefix: no leading `/`, exactly one trailing `/` (or `''` for none), and every
 * segment a safe storage-key segment.
 *
 * @internal
 */
export function normalizeKeyPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return '';
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  try {
    assertStorageKey(trimmed, 'prefix');
  } catch (error) {
    throw new ValidationError(
      `S3Storage prefix ${JSON.stringify(prefix)} is not a safe key prefix: ${(error as Error).message}`,
      { field: 'prefix', value: prefix, cause: error },
    );
  }
  return `${trimmed}/`;
}

/**
 * Checks a `list` prefix. It may end mid-segment (`models/an`) or with `/`, but may not climb out of the root.
 *
 * @internal
 */
export function assertListPrefix(prefix: string): void {
  if (prefix === '') return;
  const segments = prefix.split('/');
  const last = segments.pop();
  const problem =
    prefix.startsWith('/') ||
    prefix.includes('\\') ||
    prefix.includes('\0') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..') ||
    last === '.' ||
    last === '..';
  if (problem) {
    throw new ValidationError(
      `List prefix ${JSON.stringify(prefix)} is not a relative key prefix. Use something like "models/andie/" (no leading "/", "." or ".." segments, or "\\").`,
      { field: 'prefix', value: prefix },
    );
  }
}
