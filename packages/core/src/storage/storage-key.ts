import { ValidationError } from '../errors/index.js';

/** Longest accepted key, in UTF-8 bytes (the S3 limit). */
const MAX_KEY_BYTES = 1024;
/** Longest accepted key segment, in UTF-8 bytes (the usual file-name limit, NAME_MAX). */
const MAX_SEGMENT_BYTES = 255;

/** In `u` mode a well-formed surrogate pair is one code point, so this matches only unpaired halves. */
const loneSurrogate = /[\uD800-\uDFFF]/u;
const controlCharacter = /[\u0000-\u001f\u007f]/;
/** Characters Windows refuses in file names (besides `\`, `/` and control characters). `:` also names drives and streams. */
const windowsReservedCharacter = /[<>:"|?*]/;
/** Windows device names, which open a device instead of a file whatever the extension: `CON`, `nul.txt`, `COM1.jpg`. */
const windowsDeviceName = /^(con|prn|aux|nul|com[1-9¹²³]|lpt[1-9¹²³])[ ]*(\..*)?$/i;

/**
 * Why `segment` cannot be part of a storage key, or `undefined` when it can.
 * Used by {@link assertStorageKey} and, to skip stray files, by `LocalStorage.list`.
 *
 * @internal
 */
export function storageKeySegmentProblem(segment: string): string | undefined {
  if (segment === '') return 'has an empty segment (a leading, trailing or doubled "/")';
  if (segment === '.' || segment === '..') return `has a "${segment}" segment, which could escape the storage root`;
  if (segment.startsWith('.')) return `has a segment starting with "." ("${segment}"); hidden names are reserved`;
  if (segment.includes('\\')) return 'contains a backslash; use "/" to separate segments';
  if (controlCharacter.test(segment)) return 'contains a NUL or other control character';
  if (windowsReservedCharacter.test(segment))
    return 'contains one of < > : " | ? *, which Windows refuses in file names';
  if (windowsDeviceName.test(segment)) return `has the Windows device name "${segment}" as a segment`;
  if (segment.endsWith(' ') || segment.endsWith('.')) return `has a segment ending in a space or "." ("${segment}")`;
  if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES)
    return `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`;
  return undefined;
}

/** Why `key` is not a safe storage key, or `undefined` when it is. */
function storageKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return `must be a string, got ${key === null ? 'null' : typeof key}`;
  if (key === '') return 'is empty';
  if (loneSurrogate.test(key)) return 'contains an unpaired UTF-16 surrogate';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `is longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/') || /^[a-z]:/i.test(key)) return 'is an absolute path (or starts with a drive letter)';
  for (const segment of key.split('/')) {
    const problem = storageKeySegmentProblem(segment);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Checks that `key` is a safe storage key and throws a {@link ValidationError} naming the broken rule if not.
 *
 * A key is a `/`-separated relative path such as `models/andie/source/andie-source-1.jpg`, at most 1024 UTF-8 bytes,
 * whose segments are non-empty, at most 255 bytes, and are none of: `.`, `..`, names starting with `.`, names ending in
 * a space or `.`, Windows device names (`CON`, `PRN`, `AUX`, `NUL`, `COM1`-`COM9`, `LPT1`-`LPT9`, any case, with or
 * without an extension), names containing `\`, control characters (NUL included) or any of `< > : " | ? *`.
 * Such keys map to the same file on Linux, macOS and Windows and can never resolve outside a storage root.
 *
 * @param key - The key to check.
 * @param field - The name reported in the error's `field`.
 * @default field `'key'`
 * @throws {ValidationError} When the key breaks a rule; the message says which.
 *
 * @example
 * ```ts
 * assertStorageKey('models/andie/config.json'); // fine
 * assertStorageKey('../etc/passwd'); // throws ValidationError
 * ```
 */
export function assertStorageKey(key: unknown, field = 'key'): asserts key is string {
  const problem = storageKeyProblem(key);
  if (problem === undefined) return;
  const shown = typeof key === 'string' ? ` ${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)}` : '';
  throw new ValidationError(
    `Storage key${shown} ${problem}. Use a relative "/"-separated path of safe names, such as "models/andie/config.json".`,
    { field, value: typeof key === 'string' && key.length <= 1024 ? key : undefined },
  );
}

/**
 * Orders keys by Unicode code point, which is the UTF-8 byte order S3 lists in.
 *
 * @internal
 */
export function compareStorageKeys(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
