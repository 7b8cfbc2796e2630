import { ValidationError } from '../errors/index.js';
import type { StudioSettings } from './studio-types.js';

/**
 * Refuses a provider that fetches images by URL from the internet paired with a storage whose URLs only work on this
 * machine: every paid call would fail after being sent.
 */
export function assertReachableUrls(settings: StudioSettings): void {
  const storage = settings.workspace.storage;
  if (storage.publicUrls) return;
  const needy = [settings.faceDetector, settings.swapper, settings.enhancer].filter(
    (provider) => provider?.requiresPublicUrls,
  );
  if (needy.length > 0) {
    throw new ValidationError(
      `The ${needy[0]!.provider} provider fetches images by URL from the internet, but the workspace storage "${storage.provider}" only gives loopback URLs. ` +
        'Use storage with public URLs (e.g. S3Storage from @model-studio/storage-s3) or run against the sandbox.',
      { field: 'storage' },
    );
  }
}
