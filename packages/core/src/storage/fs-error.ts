import { ModelStudioError, NotFoundError, StorageError } from '../errors/index.js';

/** An error thrown by `node:fs`, with its errno code (`ENOENT`, `EACCES`, ...). */
export interface FsError extends Error {
  code: string;
  syscall?: string;
}

/** True for errors thrown by `node:fs` calls. @internal */
export function isFsError(error: unknown): error is FsError {
  return error instanceof Error && typeof (error as Partial<FsError>).code === 'string' && 'syscall' in error;
}

/** True for `ENOENT` and `ENOTDIR`: the path (or one of its parents) does not exist as expected. @internal */
export function isMissing(error: unknown): error is FsError {
  return isFsError(error) && (error.code === 'ENOENT' || error.code === 'ENOTDIR');
}

const retryable = new Set(['EAGAIN', 'EBUSY', 'EMFILE', 'ENFILE', 'ETIMEDOUT', 'EINTR']);

const hints: Record<string, string> = {
  EACCES: 'Check the permissions of the storage root.',
  EPERM: 'Check the permissions of the storage root.',
  EROFS: 'The storage root is on a read-only file system; choose a writable root.',
  ENOSPC: 'The disk is full; free some space and retry.',
  EDQUOT: 'The disk quota is exhausted; free some space and retry.',
  EISDIR: 'A directory exists where the file should be; delete the keys under it first.',
  ENOTDIR: 'A file exists where a directory should be; delete that key first.',
  EEXIST: 'A file exists where a directory should be; delete that key first.',
  EMFILE: 'Too many open files; retry with less concurrency.',
  ENFILE: 'Too many open files; retry with less concurrency.',
};

/** Builds the {@link NotFoundError} for a missing key. @internal */
export function keyNotFound(key: string, root: string): NotFoundError {
  return new NotFoundError(`Storage key "${key}" does not exist under ${root}. Check the key, or put it first.`, {
    kind: 'key',
    name: key,
  });
}

/**
 * Turns what a storage operation threw into the error its caller should see: typed errors and abort reasons pass
 * through unchanged, `node:fs` errors become a {@link StorageError} carrying the errno code as `backendCode`.
 *
 * @internal
 */
export function toStorageError(error: unknown, operation: string, key: string | undefined, root: string): unknown {
  if (!isFsError(error) || ModelStudioError.isInstance(error)) return error;
  const subject = key === undefined ? `under ${root}` : `"${key}" under ${root}`;
  const hint = hints[error.code] ?? 'Check that the storage root exists and is writable, then retry.';
  return new StorageError(`LocalStorage could not ${operation} ${subject}: ${error.code}. ${hint}`, {
    operation,
    key,
    backendCode: error.code,
    isRetryable: retryable.has(error.code),
    cause: error,
  });
}

/** The error for a key whose path leads outside the storage root through a symbolic link. @internal */
export function outsideRoot(operation: string, key: string, root: string): StorageError {
  return new StorageError(
    `LocalStorage refused to ${operation} "${key}": a symbolic link leads outside the storage root ${root}. Remove the link or use another key.`,
    { operation, key, backendCode: 'EOUTSIDEROOT' },
  );
}
