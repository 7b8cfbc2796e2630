import type { S3Client } from '@aws-sdk/client-s3';

/** Static credentials, or a provider function such as one from `@aws-sdk/credential-providers`. */
export type S3StorageCredentials =
  | { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>);

/** Options for {@link S3Storage}. */
export interface S3StorageOptions {
  /** The bucket. It must exist. */
  bucket: string;
  /**
   * A key prefix inside the bucket, e.g. `studio/` so the workspace tree lives under `studio/models/...`. Keys passed
   * to and returned from the storage never include it.
   * @default '' (the bucket root)
   */
  prefix?: string;
  /**
   * The bucket's region. On AWS, signed URLs are regional virtual-hosted
   * (`https://<bucket>.s3.<region>.amazonaws.com/<key>`).
   * @default the SDK's provider chain (AWS_REGION, ~/.aws/config); `us-east-1` when `endpoint` is set
   */
  region?: string;
  /**
   * A custom S3-compatible endpoint: R2 (`https://<account>.r2.cloudflarestorage.com`), MinIO, Swift, RunPod.
   * @default AWS S3
   */
  endpoint?: string;
  /**
   * Path-style URLs (`<endpoint>/<bucket>/<key>`) instead of virtual-hosted ones.
   * @default true when `endpoint` is set, false on AWS
   */
  forcePathStyle?: boolean;
  /**
   * Credentials. Never logged or put into error messages.
   * @default the SDK's default provider chain (environment, shared config, SSO, instance or container role)
   */
  credentials?: S3StorageCredentials;
  /**
   * Use this client instead of creating one (`bucket` and `prefix` still apply; `region`, `endpoint`,
   * `forcePathStyle` and `credentials` are then ignored). Create it with
   * `requestChecksumCalculation: 'WHEN_REQUIRED'` and `responseChecksumValidation: 'WHEN_REQUIRED'` if it talks
   * to an S3-compatible server: recent SDK defaults send streamed bodies aws-chunked with a trailing CRC32, which
   * Swift refuses and some servers store verbatim. S3Storage never destroys an injected client.
   */
  client?: S3Client;
  /**
   * Multipart part size in bytes (S3's minimum is 5 MiB). A body that fits in one part is sent with one PutObject.
   * @default 8 MiB
   */
  partSize?: number;
  /**
   * How many parts upload in parallel. Each in-flight part holds one reused `partSize` buffer, so an upload holds
   * about `partSize * queueSize` bytes (32 MiB by default) however large the body. 4 saturates a local or in-region
   * link; raise it (8-16) for far-away regions.
   * @default 4
   */
  queueSize?: number;
  /**
   * Default expiry of signed URLs, in seconds.
   * @default 3600
   */
  signedUrlExpiresIn?: number;
  /**
   * The longest expiry accepted by `signedUrl`, in seconds; at most S3's limit of 7 days (604800).
   * @default 604800
   */
  maxSignedUrlExpiresIn?: number;
  /**
   * Whether signed URLs can be fetched from the internet (core refuses to hand non-public URLs to cloud APIs).
   * AWS and R2 URLs are public. A custom endpoint on a loopback or private address (127.0.0.1, localhost, 10.x,
   * 192.168.x, 172.16-31.x) is not; a LAN MinIO with a public-looking host name may not be either, so set this
   * explicitly when you know better.
   * @default false for loopback/private-address endpoints, true otherwise
   */
  publicUrls?: boolean;
}
