/**
 * Settings of the loopback server behind `LocalStorage.signedUrl`. Every field is optional: `signedUrls: {}` turns
 * signed URLs on with the defaults.
 */
export interface LocalStorageSignedUrlOptions {
  /**
   * Interface the URL server listens on. Keep it on loopback: LocalStorage declares `publicUrls: false` whatever
   * the host, and anything that can reach the port can use a valid URL.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * TCP port of the URL server; `0` picks a free port each time the server starts.
   * @default 0
   */
  port?: number;
  /**
   * HMAC key that signs URLs: a string (used as its UTF-8 bytes, so a hex string works) or bytes, at least 16 bytes.
   * Pass a fixed secret (and port) for URLs that stay valid across restarts.
   * @default 32 random bytes per instance
   */
  secret?: string | Uint8Array;
  /**
   * Lifetime of a URL when `signedUrl` is called without `expiresIn`, in seconds.
   * @default 3600
   */
  defaultExpiresIn?: number;
  /**
   * Longest lifetime `signedUrl` accepts, in seconds.
   * @default 604800 (7 days, as S3)
   */
  maxExpiresIn?: number;
}

/**
 * Options of {@link LocalStorage}.
 *
 * @example
 * ```ts
 * const storage = new LocalStorage({ root: './workspace', signedUrls: {} });
 * ```
 */
export interface LocalStorageOptions {
  /** Directory holding the files, absolute or relative to the working directory. Created if missing. */
  root: string;
  /** Turns on {@link LocalStorage.signedUrl}, served by a loopback HTTP server started on first use. Off when omitted. */
  signedUrls?: LocalStorageSignedUrlOptions;
}
