import type { BinaryInput, CallOptions } from './shared.js';

/** Metadata of a stored object. */
export interface StorageObjectInfo {
  key: string;
  /** Size in bytes. */
  size: number;
  /** Last modification time. */
  lastModified: Date;
  /** An opaque version tag (ETag, hash, mtime) that changes when the content changes. */
  etag?: string;
  contentType?: string;
}

/** Options for {@link Storage.put}. */
export interface StoragePutOptions extends CallOptions {
  contentType?: string;
  /** Upload progress in bytes, for long uploads. */
  onProgress?: (progress: { loaded: number; total?: number }) => void;
}

/** Options for {@link Storage.list}. */
export interface StorageListOptions extends CallOptions {
  /** Only keys starting with this prefix. */
  prefix?: string;
  /** Keys per page fetched from the backend. */
  pageSize?: number;
}

/** Options for {@link Storage.signedUrl}. */
export interface SignedUrlOptions extends CallOptions {
  /** `GET` to read, `PUT` to upload. */
  method: 'GET' | 'PUT';
  /** How long the URL is valid, in seconds. Short by default (3600). */
  expiresIn?: number;
  /** For PUT: the content type the uploader will send. */
  contentType?: string;
}

/**
 * Where files live: local disk, S3, or anything else. Keys are `/`-separated relative paths
 * (see `storageKeys` for the layout); implementations must refuse keys that escape their root.
 *
 * Run `storageContractTests` from `@model-studio/core/testing` against your implementation.
 */
export interface Storage {
  readonly specificationVersion: 'v1';
  /** A short id for logs, e.g. `local`, `s3`. */
  readonly provider: string;
  /**
   * Whether signed URLs from {@link Storage.signedUrl} can be fetched from the internet.
   * `false` for loopback URLs: the orchestrator refuses to hand them to a real cloud API.
   */
  readonly publicUrls: boolean;
  /** Writes bytes or a stream to `key`, replacing what was there. Atomic where the backend allows. */
  put(key: string, body: BinaryInput, options?: StoragePutOptions): Promise<StorageObjectInfo>;
  /** Reads `key` as a stream. Throws `NotFoundError` when missing. */
  get(key: string, options?: CallOptions): Promise<ReadableStream<Uint8Array>>;
  /** Metadata of `key`, or `undefined` when missing. */
  head(key: string, options?: CallOptions): Promise<StorageObjectInfo | undefined>;
  /** Every object under a prefix, sorted by key, fetched page by page. */
  list(options?: StorageListOptions): AsyncIterable<StorageObjectInfo>;
  /**
   * The keys {@link Storage.list} would list, in the same order, without each object's details. Optional capability:
   * for a storage that pays for details per object (a local disk stats every file); `listStorageKeys` falls back to
   * `list` without it.
   */
  listKeys?(options?: StorageListOptions): AsyncIterable<string>;
  /** Deletes keys; missing keys are ignored. */
  delete(keys: string | readonly string[], options?: CallOptions): Promise<void>;
  /** A URL that grants `method` on `key` until it expires. Optional capability. */
  signedUrl?(key: string, options: SignedUrlOptions): Promise<string>;
}
