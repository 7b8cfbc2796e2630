import { ModelStudioError, NotFoundError, StorageError } from '@model-studio/core';

/** The fields of an AWS SDK v3 service or network error that the mapping reads. */
interface SdkErrorLike {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

const notFoundCodes = new Set(['NoSuchKey', 'NotFound', 'NoSuchVersion']);
const credentialCodes = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TimeoutError',
]);

/** S3's error code for an SDK error (`NoSuchKey`, `AccessDenied`, ...), or a Node network code. @internal */
export function s3ErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as SdkErrorLike;
  const code = e.Code ?? (typeof e.code === 'string' ? e.code : undefined) ?? e.name;
  return code === 'Error' || code === 'UnknownError' ? undefined : code;
}

function hint(code: string | undefined, status: number | undefined, bucket: string): string {
  if (code && credentialCodes.has(code)) {
    return 'Check the access key id and secret (S3Storage `credentials`, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) and the region.';
  }
  if (code === 'AccessDenied' || status === 403) {
    return `Check that these credentials may use bucket "${bucket}" (IAM policy or bucket policy).`;
  }
  if (code === 'NoSuchBucket') return `Create bucket "${bucket}" first, or fix the bucket name, endpoint and region.`;
  if (
    code === 'PermanentRedirect' ||
    code === 'AuthorizationHeaderMalformed' ||
    code === 'IllegalLocationConstraintException'
  ) {
    return `Bucket "${bucket}" is in another region: set S3Storage's \`region\` to the bucket's region.`;
  }
  if (code && networkCodes.has(code)) return 'Check that the S3 endpoint is reachable; retrying may help.';
  if (code === 'NotImplemented' || status === 501) return 'This S3-compatible server does not support the operation.';
  if (status !== undefined && status >= 500) return 'The S3 server failed; retrying may help.';
  return 'See the S3 error code for details.';
}

/** What {@link toStorageError} needs to know about the failed call. @internal */
export interface FailedCall {
  operation: 'put' | 'get' | 'head' | 'list' | 'delete' | 'signedUrl';
  bucket: string;
  /** The caller's key (without the S3Storage prefix). */
  key?: string;
  signal?: AbortSignal | undefined;
}

/**
 * Maps an AWS SDK error to core's errors: a missing key becomes `NotFoundError`, anything else `StorageError` with S3's
 * code in `backendCode`. When the caller's signal fired, its reason is returned instead (the interface's abort rule);
 * errors that already are core errors (a `ValidationError` about the body) pass through.
 *
 * @internal
 */
export function toStorageError(error: unknown, call: FailedCall): unknown {
  if (call.signal?.aborted) return call.signal.reason;
  if (ModelStudioError.isInstance(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorLike;
  const code = s3ErrorCode(error);
  const status = e.$metadata?.httpStatusCode;
  const where = call.key === undefined ? `bucket "${call.bucket}"` : `"${call.key}" in bucket "${call.bucket}"`;
  if (code !== undefined && notFoundCodes.has(code) && call.key !== undefined) {
    return new NotFoundError(`No object "${call.key}" in bucket "${call.bucket}". Check the key, or put it first.`, {
      kind: 'key',
      name: call.key,
      cause: error,
    });
  }
  const isRetryable =
    e.$retryable !== undefined ||
    e.$fault === 'server' ||
    (status !== undefined && (status >= 500 || status === 429 || status === 408)) ||
    (code !== undefined && networkCodes.has(code));
  const detail = code ? `${code}${status ? ` (HTTP ${status})` : ''}` : (e.message ?? String(error));
  return new StorageError(`S3 ${call.operation} of ${where} failed: ${detail}. ${hint(code, status, call.bucket)}`, {
    operation: call.operation,
    ...(call.key === undefined ? {} : { key: call.key }),
    ...(code === undefined ? {} : { backendCode: code }),
    isRetryable,
    cause: error,
  });
}
