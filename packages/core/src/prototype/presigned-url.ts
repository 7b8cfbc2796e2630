/** What a prototype `s3_url` says: the object's key (from the URL's path) and when its signature expired. */
export interface PresignedUrlInfo {
  /** The S3 key, e.g. `results/nsfw/source_1/swapped/sar-s1-t3-nsfw-swapped.jpg`. */
  key: string;
  /** The bucket, when the host or path names it. */
  bucket?: string;
  /** When the signature expires (from `X-Amz-Date` + `X-Amz-Expires`), when the URL is presigned. */
  expiresAt?: Date;
}

const amzDate = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Reads a presigned (or plain) S3 URL as the prototype stored it: the key is the URL's path without the query string,
 * so an expired signature does not matter. Virtual-hosted (`<bucket>.s3.<region>.amazonaws.com/<key>`) and path-style
 * (`s3.<region>.amazonaws.com/<bucket>/<key>`) URLs are understood. `undefined` for a value that is not such a URL.
 *
 * @example
 * ```ts
 * keyFromS3Url('https://b.s3.us-east-2.amazonaws.com/results/a.jpg?X-Amz-Expires=604800')?.key; // 'results/a.jpg'
 * ```
 */
export function keyFromS3Url(value: unknown): PresignedUrlInfo | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:' && url.protocol !== 's3:') return undefined;
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const virtual = /^(.+)\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/i.exec(url.hostname);
  let bucket: string | undefined;
  if (url.protocol === 's3:') bucket = url.hostname;
  else if (virtual) bucket = virtual[1];
  else if (/^s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/i.test(url.hostname)) bucket = segments.shift();
  if (segments.length === 0) return undefined;
  const info: PresignedUrlInfo = { key: segments.join('/') };
  if (bucket !== undefined) info.bucket = bucket;
  const date = amzDate.exec(url.searchParams.get('X-Amz-Date') ?? '');
  const expires = Number(url.searchParams.get('X-Amz-Expires'));
  if (date && Number.isFinite(expires)) {
    const [, y, mo, d, h, mi, s] = date;
    info.expiresAt = new Date(Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`) + expires * 1000);
  }
  return info;
}
