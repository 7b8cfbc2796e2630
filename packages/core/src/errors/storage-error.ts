import { ModelStudioError, type ModelStudioErrorOptions } from './model-studio-error.js';

/** Options for {@link StorageError}. */
export interface StorageErrorOptions extends ModelStudioErrorOptions {
  /** The storage operation: `put`, `get`, `head`, `list`, `delete`, `signedUrl`. */
  operation: string;
  /** The key involved, if any. */
  key?: string;
  /** The backend's own error code (e.g. S3's `AccessDenied`, or `EACCES`). */
  backendCode?: string;
  /** Whether retrying the same call may succeed. */
  isRetryable?: boolean;
}

/** A storage backend failed for a reason other than a missing key. */
export class StorageError extends ModelStudioError {
  readonly operation: string;
  readonly key: string | undefined;
  readonly backendCode: string | undefined;
  readonly isRetryable: boolean;
  constructor(message: string, options: StorageErrorOptions) {
    super('storage', message, options);
    this.name = 'StorageError';
    this.operation = options.operation;
    this.key = options.key;
    this.backendCode = options.backendCode;
    this.isRetryable = options.isRetryable ?? false;
  }
  static override isInstance(error: unknown): error is StorageError {
    return ModelStudioError.hasCode(error, 'storage');
  }
}
