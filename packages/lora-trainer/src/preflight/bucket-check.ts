import type { PreflightFinding, PreflightImage } from './preflight-finding.js';

/** The dataset settings the bucket manager uses. */
export interface BucketSettings {
  resolution: number;
  resolutionType: 'pixel' | 'pixel_area' | 'area';
  minimumImageSize: number;
  batchSize: number;
  /** SimpleTuner repeats (extra passes). */
  repeats: number;
}

function tooSmall(width: number, height: number, settings: BucketSettings): boolean {
  if (settings.resolutionType === 'pixel') return Math.min(width, height) < settings.minimumImageSize;
  if (settings.resolutionType === 'pixel_area') return Math.sqrt(width * height) < settings.minimumImageSize;
  return (width * height) / 1e6 < settings.minimumImageSize;
}

/** The aspect bucket of an image: its aspect ratio after resizing to the training resolution in steps of 64 px. */
export function aspectBucket(width: number, height: number, settings: BucketSettings): string {
  let scale: number;
  if (settings.resolutionType === 'pixel') scale = settings.resolution / Math.min(width, height);
  else if (settings.resolutionType === 'pixel_area') scale = settings.resolution / Math.sqrt(width * height);
  else scale = Math.sqrt((settings.resolution * 1e6) / (width * height));
  const w = Math.max(64, Math.round((width * scale) / 64) * 64);
  const h = Math.max(64, Math.round((height * scale) / 64) * 64);
  return (w / h).toFixed(2);
}

/**
 * Emulates SimpleTuner's bucket manager: drops images under `minimum_image_size`, groups the rest by aspect bucket,
 * and drops buckets with fewer samples (images x (repeats + 1)) than the batch size. When nothing is left SimpleTuner
 * stops with "no images discovered by the bucket manager": that is an error here, before a GPU is rented.
 */
export function checkBuckets(images: readonly PreflightImage[], settings: BucketSettings): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const unknown = images.filter((image) => !image.width || !image.height).map((image) => image.name);
  const small: string[] = [];
  const buckets = new Map<string, string[]>();
  for (const image of images) {
    if (!image.width || !image.height) continue;
    if (tooSmall(image.width, image.height, settings)) {
      small.push(image.name);
      continue;
    }
    const bucket = aspectBucket(image.width, image.height, settings);
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), image.name]);
  }
  if (unknown.length > 0) {
    findings.push({
      check: 'image-size-unknown',
      severity: 'warning',
      message: `${unknown.length} image(s) have no known size, so their buckets were not checked.`,
      fix: 'Pass width and height for every image.',
      images: unknown,
    });
  }
  if (small.length > 0) {
    findings.push({
      check: 'minimum-image-size',
      severity: 'warning',
      message: `${small.length} image(s) are below minimum_image_size ${settings.minimumImageSize} and will be skipped.`,
      fix: 'Use larger images or lower minimum_image_size in multidatabackend.json.',
      images: small,
    });
  }
  const samplesPer = settings.repeats + 1;
  let usable = 0;
  for (const [bucket, names] of buckets) {
    if (names.length * samplesPer >= settings.batchSize) {
      usable += names.length;
      continue;
    }
    findings.push({
      check: 'buckets',
      severity: 'warning',
      message: `Aspect bucket ${bucket} has ${names.length} image(s) x ${samplesPer} pass(es), fewer than the batch size ${settings.batchSize}: SimpleTuner drops it.`,
      fix: 'Add images of that shape, raise repeats, or lower train_batch_size.',
      images: names,
    });
  }
  if (usable === 0 && images.length > unknown.length) {
    findings.push({
      check: 'buckets',
      severity: 'error',
      message:
        'No aspect bucket keeps enough images: SimpleTuner would stop with "no images discovered by the bucket manager".',
      fix: 'Lower train_batch_size (1 is safe), raise repeats, lower minimum_image_size, or add images.',
    });
  }
  return findings;
}
