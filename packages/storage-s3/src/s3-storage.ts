import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import {
  assertStorageKey,
  type BinaryInput,
  type CallOptions,
  type SignedUrlOptions,
  type Storage,
  StorageError,
  type StorageListOptions,
  type StorageObjectInfo,
  type StoragePutOptions,
  ValidationError,
} from '@model-studio/core';
import { abortableStream } from './abortable-stream.js';
import { isPrivateEndpoint } from './endpoint-visibility.js';
import { uploadBody } from './multipart-upload.js';
import { type FailedCall, toStorageError } from './s3-error.js';
import { assertListPrefix, normalizeKeyPrefix } from './s3-key.js';
import { addContentMd5, stripPresignChecksums } from './s3-middleware.js';
import type { S3StorageOptions } from './s3-storage-options.js';

const MiB = 1024 * 1024;
/** S3's longest presigned-URL lifetime (SigV4): 7 days. */
export const MAX_SIGNED_URL_EXPIRES_IN = 604_800;
const minPartSize = 5 * MiB;
const deleteBatchSize = 1000;
const maxPageSize = 1000;

/** Metadata of an S3 object: core's {@link StorageObjectInfo} plus user metadata (`x-amz-meta-*`) from `head`. */
export interface S3ObjectInfo extends StorageObjectInfo {
  /** User metadata, lower-case names without the `x-amz-meta-` prefix. Only `head` fills it (listings lack it). */
  metadata?: Record<string, string>;
}

/**
 * S3-specific put options, passed as `providerOptions: { s3: { ... } }` to {@link S3Storage.put}.
 */
export interface S3PutProviderOptions {
  /** User metadata stored with the object (`x-amz-meta-<name>`); ASCII names and values. */
  metadata?: Record<string, string>;
}

function stripQuotes(etag: string | undefined): string | undefined {
  return etag?.replace(/^"|"$/g, '');
}

function positiveInteger(value: number, field: string, min: number, max: number, unit: string): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`${field} must be a whole number of ${unit} from ${min} to ${max}, got ${value}.`, {
      field,
      value,
    });
  }
  return value;
}

/**
 * Checks a presigned URL's lifetime: a whole number of seconds from 1 to `max`. Over S3's limit (SigV4 signatures
 * last at most 7 days) the `ValidationError` says so, since no setting can lift it.
 */
function signedUrlLifetime(expiresIn: number, max: number): number {
  if (Number.isInteger(expiresIn) && expiresIn > MAX_SIGNED_URL_EXPIRES_IN) {
    const days = Math.round((expiresIn / 86_400) * 10) / 10;
    throw new ValidationError(
      `S3 presigned URLs last at most 7 days (604800 seconds; a SigV4 limit no setting lifts), got ${expiresIn} seconds (${days} days). Ask for 7 days or less and sign new links when they expire.`,
      { field: 'expiresIn', value: expiresIn },
    );
  }
  if (Number.isInteger(expiresIn) && expiresIn > max) {
    throw new ValidationError(
      `expiresIn must be at most ${max} seconds (this storage's maxSignedUrlExpiresIn), got ${expiresIn}.`,
      { field: 'expiresIn', value: expiresIn },
    );
  }
  return positiveInteger(expiresIn, 'expiresIn', 1, max, 'seconds');
}

function s3PutOptions(options: StoragePutOptions): S3PutProviderOptions {
  const raw = options.providerOptions?.s3;
  if (raw === undefined) return {};
  const metadata = raw.metadata;
  if (metadata === undefined) return {};
  if (
    typeof metadata !== 'object' ||
    metadata === null ||
    Object.values(metadata as Record<string, unknown>).some((value) => typeof value !== 'string')
  ) {
    throw new ValidationError('providerOptions.s3.metadata must be an object of string values.', {
      field: 'providerOptions.s3.metadata',
    });
  }
  return { metadata: metadata as Record<string, string> };
}

/**
 * Core's {@link Storage} on Amazon S3 and S3-compatible servers (Cloudflare R2, MinIO, OpenStack Swift, RunPod network
 * volumes), built on `@aws-sdk/client-s3` and `@aws-sdk/s3-request-presigner`.
 *
 * - `put` takes bytes or a web stream: one PutObject with Content-MD5 when the body fits in `partSize`, otherwise a
 *   multipart upload with `queueSize` parts in flight from a pool of reused buffers (memory stays near
 *   `partSize * queueSize` however large the body), with progress via `onProgress`.
 * - `get` returns a web stream; `list` pages through ListObjectsV2; `delete` batches 1000 keys per DeleteObjects.
 * - Missing keys throw core's `NotFoundError`; other failures `StorageError` with S3's code in `backendCode`.
 * - Checksums are sent only where S3 requires them (`WHEN_REQUIRED`), plus Content-MD5 on DeleteObjects, so streamed
 *   uploads and batch deletes work on AWS and on S3-compatible servers alike, and presigned PUTs accept real bodies.
 * - Every call takes an AbortSignal; an aborted call rejects with the signal's reason.
 *
 * @example
 * ```ts no-run
 * import { S3Storage } from '@model-studio/storage-s3';
 *
 * const storage = new S3Storage({ bucket: 'my-studio', region: 'eu-west-2', prefix: 'studio/' });
 * await storage.put('models/andie/config.json', new TextEncoder().encode('{}'), { contentType: 'application/json' });
 * const url = await storage.signedUrl('models/andie/config.json', { method: 'GET', expiresIn: 600 });
 * ```
 */
export class S3Storage implements Storage {
  readonly specificationVersion = 'v1' as const;
  readonly provider = 's3';
  /** Whether signed URLs can be fetched from the internet; see {@link S3StorageOptions.publicUrls}. */
  readonly publicUrls: boolean;
  /** The bucket. */
  readonly bucket: string;
  /** The normalised key prefix (`''` or ending in `/`). */
  readonly prefix: string;
  /** The S3 client in use (the injected one, or one created from the options). */
  readonly client: S3Client;
  /** Multipart part size in bytes. */
  readonly partSize: number;
  /** Parts uploaded in parallel. */
  readonly queueSize: number;
  readonly #ownsClient: boolean;
  readonly #signedUrlExpiresIn: number;
  readonly #maxSignedUrlExpiresIn: number;

  constructor(options: S3StorageOptions) {
    if (typeof options?.bucket !== 'string' || options.bucket.trim() === '') {
      throw new ValidationError('S3Storage needs a `bucket` name.', { field: 'bucket' });
    }
    this.bucket = options.bucket;
    this.prefix = normalizeKeyPrefix(options.prefix);
    this.partSize = positiveInteger(options.partSize ?? 8 * MiB, 'partSize', minPartSize, 5 * 1024 * MiB, 'bytes');
    this.queueSize = positiveInteger(options.queueSize ?? 4, 'queueSize', 1, 64, 'parts');
    this.#maxSignedUrlExpiresIn = positiveInteger(
      options.maxSignedUrlExpiresIn ?? MAX_SIGNED_URL_EXPIRES_IN,
      'maxSignedUrlExpiresIn',
      1,
      MAX_SIGNED_URL_EXPIRES_IN,
      'seconds',
    );
    this.#signedUrlExpiresIn = positiveInteger(
      options.signedUrlExpiresIn ?? Math.min(3600, this.#maxSignedUrlExpiresIn),
      'signedUrlExpiresIn',
      1,
      this.#maxSignedUrlExpiresIn,
      'seconds',
    );
    const endpoint = options.endpoint;
    if (endpoint !== undefined && !/^https?:\/\/[^/]/i.test(endpoint)) {
      throw new ValidationError(`S3Storage endpoint must be an http(s) URL, got ${JSON.stringify(endpoint)}.`, {
        field: 'endpoint',
        value: endpoint,
      });
    }
    this.publicUrls = options.publicUrls ?? !(endpoint !== undefined && isPrivateEndpoint(endpoint));
    if (options.client) {
      this.client = options.client;
      this.#ownsClient = false;
    } else {
      const region = options.region ?? (endpoint === undefined ? undefined : 'us-east-1');
      const config: S3ClientConfig = {
        forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        ...(region === undefined ? {} : { region }),
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      };
      this.client = new S3Client(config);
      this.#ownsClient = true;
    }
  }

  /** The S3 object key for a storage key (validated). */
  #objectKey(key: string): string {
    assertStorageKey(key);
    return this.prefix + key;
  }

  #fail(error: unknown, call: Omit<FailedCall, 'bucket'>): unknown {
    return toStorageError(error, { ...call, bucket: this.bucket });
  }

  /**
   * Writes `body` to `key`. A body that fits in `partSize` goes in one PutObject (with Content-MD5, so the server
   * verifies it); a larger one as a multipart upload (`queueSize` parts in flight, progress to `onProgress`) that is
   * aborted on failure or abort, so no orphaned parts are left and the old object, if any, stays.
   *
   * S3-specific: `providerOptions: { s3: { metadata: { name: 'value' } } }` stores user metadata.
   * The returned `lastModified` is the local time the upload finished (S3 does not return it); `head` gives the
   * server's.
   */
  async put(key: string, body: BinaryInput, options: StoragePutOptions = {}): Promise<S3ObjectInfo> {
    const objectKey = this.#objectKey(key);
    const { signal, contentType, onProgress } = options;
    const { metadata } = s3PutOptions(options);
    signal?.throwIfAborted();
    const total = body instanceof Uint8Array ? body.byteLength : undefined;
    try {
      const { etag, size } = await uploadBody(body, {
        client: this.client,
        bucket: this.bucket,
        key: objectKey,
        contentType,
        metadata,
        partSize: this.partSize,
        queueSize: this.queueSize,
        signal,
        onProgress: onProgress && ((loaded) => onProgress({ loaded, ...(total === undefined ? {} : { total }) })),
      });
      signal?.throwIfAborted();
      return this.#info(key, size, etag, contentType, metadata);
    } catch (error) {
      throw this.#fail(error, { operation: 'put', key, signal });
    }
  }

  #info(
    key: string,
    size: number,
    etag: string | undefined,
    contentType: string | undefined,
    metadata: Record<string, string> | undefined,
  ): S3ObjectInfo {
    const info: S3ObjectInfo = { key, size, lastModified: new Date() };
    const tag = stripQuotes(etag);
    if (tag !== undefined) info.etag = tag;
    if (contentType !== undefined) info.contentType = contentType;
    if (metadata !== undefined) info.metadata = metadata;
    return info;
  }

  /** Reads `key` as a web stream. Throws `NotFoundError` when missing. Aborting `signal` also stops a stream in flight. */
  async get(key: string, options: CallOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const objectKey = this.#objectKey(key);
    const { signal } = options;
    signal?.throwIfAborted();
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }), {
        abortSignal: signal,
      });
      if (!response.Body) return new ReadableStream({ start: (controller) => controller.close() });
      return abortableStream(response.Body.transformToWebStream() as ReadableStream<Uint8Array>, signal);
    } catch (error) {
      throw this.#fail(error, { operation: 'get', key, signal });
    }
  }

  /** Metadata of `key` (with user metadata), or `undefined` when missing. */
  async head(key: string, options: CallOptions = {}): Promise<S3ObjectInfo | undefined> {
    const objectKey = this.#objectKey(key);
    const { signal } = options;
    signal?.throwIfAborted();
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }), {
        abortSignal: signal,
      });
      const info: S3ObjectInfo = {
        key,
        size: response.ContentLength ?? 0,
        lastModified: response.LastModified ?? new Date(0),
      };
      const etag = stripQuotes(response.ETag);
      if (etag !== undefined) info.etag = etag;
      if (response.ContentType !== undefined) info.contentType = response.ContentType;
      if (response.Metadata && Object.keys(response.Metadata).length > 0) info.metadata = response.Metadata;
      return info;
    } catch (error) {
      const mapped = this.#fail(error, { operation: 'head', key, signal });
      if (typeof mapped === 'object' && mapped !== null && (mapped as { code?: unknown }).code === 'not-found') {
        return undefined;
      }
      throw mapped;
    }
  }

  /**
   * Every object under `prefix`, in key (UTF-8 byte) order, fetched one ListObjectsV2 page (`pageSize` keys, at most
   * 1000) at a time. Returned keys never include the storage's own `prefix`. Objects whose names are not valid
   * storage keys (written by other tools, e.g. `a//b`) are skipped.
   */
  async *list(options: StorageListOptions = {}): AsyncIterable<S3ObjectInfo> {
    const { signal, prefix = '' } = options;
    assertListPrefix(prefix);
    const pageSize = positiveInteger(options.pageSize ?? maxPageSize, 'pageSize', 1, Number.MAX_SAFE_INTEGER, 'keys');
    let continuationToken: string | undefined;
    do {
      signal?.throwIfAborted();
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            MaxKeys: Math.min(pageSize, maxPageSize),
            ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        throw this.#fail(error, { operation: 'list', signal });
      }
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined || !object.Key.startsWith(this.prefix)) continue;
        const key = object.Key.slice(this.prefix.length);
        try {
          assertStorageKey(key);
        } catch {
          continue;
        }
        const info: S3ObjectInfo = { key, size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
        const etag = stripQuotes(object.ETag);
        if (etag !== undefined) info.etag = etag;
        yield info;
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }

  /**
   * Deletes keys; missing keys are ignored. More than one key goes through DeleteObjects in batches of 1000 (with
   * Content-MD5). Keys the server refused to delete are reported together in one `StorageError`.
   */
  async delete(keys: string | readonly string[], options: CallOptions = {}): Promise<void> {
    const { signal } = options;
    const list = [...new Set(typeof keys === 'string' ? [keys] : keys)];
    const objectKeys = list.map((key) => this.#objectKey(key));
    signal?.throwIfAborted();
    const [only] = list;
    if (list.length === 1 && only !== undefined) {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + only }), {
          abortSignal: signal,
        });
      } catch (error) {
        const mapped = this.#fail(error, { operation: 'delete', key: only, signal });
        if ((mapped as { code?: unknown }).code !== 'not-found') throw mapped;
      }
      return;
    }
    for (let start = 0; start < objectKeys.length; start += deleteBatchSize) {
      const batch = objectKeys.slice(start, start + deleteBatchSize);
      const command = new DeleteObjectsCommand({
        Bucket: this.bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      });
      addContentMd5(command.middlewareStack);
      let errors: { Key?: string; Code?: string; Message?: string }[];
      try {
        const response = await this.client.send(command, { abortSignal: signal });
        errors = (response.Errors ?? []).filter((error) => error.Code !== 'NoSuchKey');
      } catch (error) {
        throw this.#fail(error, { operation: 'delete', signal });
      }
      if (errors.length > 0) {
        const failed = errors.map(
          (error) => `${(error.Key ?? '?').slice(this.prefix.length)} (${error.Code ?? 'unknown'})`,
        );
        const firstKey = errors[0]?.Key?.slice(this.prefix.length);
        throw new StorageError(
          `S3 delete failed for ${errors.length} of ${batch.length} keys in bucket "${this.bucket}": ${failed.slice(0, 10).join(', ')}${failed.length > 10 ? ', ...' : ''}. Keys before this batch were deleted; retry the call to delete the rest.`,
          {
            operation: 'delete',
            ...(firstKey === undefined ? {} : { key: firstKey }),
            ...(errors[0]?.Code === undefined ? {} : { backendCode: errors[0].Code }),
            isRetryable: errors.some((error) => error.Code === 'InternalError' || error.Code === 'SlowDown'),
          },
        );
      }
    }
  }

  /**
   * A presigned URL granting `GET` or `PUT` on `key` for `expiresIn` seconds (default `signedUrlExpiresIn`, at most
   * `maxSignedUrlExpiresIn` and S3's 7 days). On AWS the URL is regional virtual-hosted
   * (`https://<bucket>.s3.<region>.amazonaws.com/<key>?X-Amz-...`); with a custom endpoint it is path-style.
   *
   * A PUT URL carries no checksum of its own, so the uploader's real body is accepted. With `contentType`, the
   * Content-Type header is signed: the uploader must send exactly that header.
   */
  async signedUrl(key: string, options: SignedUrlOptions): Promise<string> {
    const objectKey = this.#objectKey(key);
    const { signal, method, contentType } = options ?? ({} as SignedUrlOptions);
    if (method !== 'GET' && method !== 'PUT') {
      throw new ValidationError(`signedUrl method must be "GET" or "PUT", got ${JSON.stringify(method)}.`, {
        field: 'method',
        value: method,
      });
    }
    const expiresIn = signedUrlLifetime(options.expiresIn ?? this.#signedUrlExpiresIn, this.#maxSignedUrlExpiresIn);
    signal?.throwIfAborted();
    const command =
      method === 'GET'
        ? new GetObjectCommand({ Bucket: this.bucket, Key: objectKey })
        : new PutObjectCommand({
            Bucket: this.bucket,
            Key: objectKey,
            ...(contentType === undefined ? {} : { ContentType: contentType }),
          });
    stripPresignChecksums(command.middlewareStack);
    try {
      // Loaded on first use: most uploads never sign a URL, and the presigner costs memory and start-up time.
      const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
      const url = await getSignedUrl(this.client, command, {
        expiresIn,
        ...(method === 'PUT' && contentType !== undefined ? { signableHeaders: new Set(['content-type']) } : {}),
      });
      signal?.throwIfAborted();
      return url;
    } catch (error) {
      throw this.#fail(error, { operation: 'signedUrl', key, signal });
    }
  }

  /** Closes the sockets of the client S3Storage created. An injected client is left alone. */
  destroy(): void {
    if (this.#ownsClient) this.client.destroy();
  }
}
