/**
 * `@model-studio/storage-s3`: core's storage interface on Amazon S3 and S3-compatible servers (R2, MinIO, Swift,
 * RunPod volumes), and a helper that mirrors a local workspace folder to a bucket prefix and back.
 *
 * @packageDocumentation
 */
export { type S3EnvOverrides, s3StorageOptionsFromEnv } from './s3-options-from-env.js';
export { MAX_SIGNED_URL_EXPIRES_IN, type S3ObjectInfo, type S3PutProviderOptions, S3Storage } from './s3-storage.js';
export type { S3StorageCredentials, S3StorageOptions } from './s3-storage-options.js';
export {
  SYNC_MD5_METADATA,
  type SyncDirectoryOptions,
  type SyncProgressEvent,
  type SyncResult,
  syncDirectory,
} from './sync-directory.js';
