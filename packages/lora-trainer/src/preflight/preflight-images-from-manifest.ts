import type { DatasetManifest } from '../dataset/dataset-manifest.js';
import type { PreflightImage } from './preflight-finding.js';

/** The pre-flight's view of a built dataset: each file's name, pixel size (when recorded) and caption. */
export function preflightImagesFromManifest(manifest: Pick<DatasetManifest, 'files'>): PreflightImage[] {
  return manifest.files.map((file) => ({
    name: file.file,
    width: file.width,
    height: file.height,
    caption: file.caption,
  }));
}
