import { countBackends } from '../simpletuner/multidatabackend.js';
import type { PreflightFinding, PreflightImage } from './preflight-finding.js';

/** No webp, every image captioned, every caption within the token limit. */
export function checkImagesAndCaptions(
  images: readonly PreflightImage[],
  tokenLimit: number,
  tokenCount: (text: string) => number,
): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const webp = images.filter((image) => /\.webp$/i.test(image.name)).map((image) => image.name);
  if (webp.length > 0) {
    findings.push({
      check: 'webp',
      severity: 'error',
      message: `${webp.length} webp image(s): SimpleTuner's loaders fail on them.`,
      fix: 'Convert them to JPEG or PNG.',
      images: webp,
    });
  }
  const missing = images.filter((image) => !image.caption?.trim()).map((image) => image.name);
  if (missing.length > 0) {
    findings.push({
      check: 'caption-missing',
      severity: 'error',
      message: `${missing.length} image(s) have no caption (.txt).`,
      fix: 'Caption them, or leave them out of the dataset.',
      images: missing,
    });
  }
  const long = images
    .filter((image) => image.caption?.trim() && tokenCount(image.caption) > tokenLimit)
    .map((i) => i.name);
  if (long.length > 0) {
    findings.push({
      check: 'caption-too-long',
      severity: 'warning',
      message: `${long.length} caption(s) exceed the family's ${tokenLimit}-token limit: the end is cut off in training.`,
      fix: 'Shorten them (the trigger word should come first).',
      images: long,
    });
  }
  return findings;
}

/** At least one image dataset and exactly one default text-embeds dataset in multidatabackend.json. */
export function checkBackends(backends: readonly Record<string, unknown>[]): PreflightFinding[] {
  const { images, defaultTextEmbeds } = countBackends(backends);
  const findings: PreflightFinding[] = [];
  if (images === 0) {
    findings.push({
      check: 'image-dataset',
      severity: 'error',
      message: 'multidatabackend.json has no image dataset.',
      fix: 'Build the dataset with buildDataset, or add an image dataset entry.',
    });
  }
  if (defaultTextEmbeds !== 1) {
    findings.push({
      check: 'text-embeds',
      severity: 'error',
      message: `multidatabackend.json has ${defaultTextEmbeds} default text-embeds datasets; SimpleTuner needs exactly one.`,
      fix: 'Keep one entry with dataset_type "text_embeds" and default true.',
    });
  }
  return findings;
}
