import {
  type CallOptions,
  type DatasetBuilder,
  type DatasetBuildRequest,
  type DatasetBuildSummary,
  type Storage,
  storageKeys,
  ValidationError,
} from '@model-studio/core';
import { isModelFamily, type ModelFamily } from '../model-family.js';
import { buildDataset, type DatasetLayout } from './build-dataset.js';
import type { DatasetManifest } from './dataset-manifest.js';

/** Defaults of {@link createDatasetBuilder}; a request's `config` overrides them per build. */
export interface DatasetBuilderOptions {
  /** Base model family. @default 'flux' */
  family?: ModelFamily;
  /** kohya repeats (SimpleTuner gets one less). @default 10 */
  repeats?: number;
  /** Training resolution. @default the family preset's */
  resolution?: number;
  /** Layouts to write. @default ['simpletuner', 'kohya'] */
  layouts?: readonly DatasetLayout[];
  /** Where the training machine unpacks the archive. @default '/workspace/dataset' */
  remoteRoot?: string;
  /** Clock, for tests. @default () => new Date() */
  now?: () => Date;
}

/**
 * Core's `DatasetBuilder` on {@link buildDataset}: give it to `createStudio({ datasetBuilder })` and `studio.buildDataset`
 * gathers the candidates and journals the stage. The request's `config` may set `family`, `repeats`, `resolution`.
 *
 * @example
 * ```ts no-run
 * const studio = createStudio({ workspace, datasetBuilder: createDatasetBuilder({ family: 'flux' }) });
 * const dataset = await studio.buildDataset('andie', { version: 'v1' });
 * ```
 */
export function createDatasetBuilder(options: DatasetBuilderOptions = {}): DatasetBuilder {
  return {
    specificationVersion: 'v1',
    async build(request: DatasetBuildRequest): Promise<DatasetBuildSummary> {
      const config = request.config ?? {};
      const family = config.family ?? options.family ?? 'flux';
      if (!isModelFamily(family)) {
        throw new ValidationError(`Unknown model family ${JSON.stringify(family)}: use flux, sdxl or sd15.`, {
          field: 'family',
          value: family,
        });
      }
      const repeats = typeof config.repeats === 'number' ? config.repeats : options.repeats;
      const resolution = typeof config.resolution === 'number' ? config.resolution : options.resolution;
      const total = request.candidates.length;
      const result = await buildDataset({
        storage: request.storage,
        model: request.model,
        version: request.version,
        family,
        trigger: request.triggerWord,
        classWord: request.classWord,
        scoreThreshold: request.minScore,
        ...(request.allowUnreviewed !== undefined && { allowUnreviewed: request.allowUnreviewed }),
        ...(repeats !== undefined && { repeats }),
        ...(resolution !== undefined && { resolution }),
        ...(options.layouts && { layouts: options.layouts }),
        ...(options.remoteRoot && { remoteRoot: options.remoteRoot }),
        ...(options.now && { now: options.now }),
        ...(request.signal && { signal: request.signal }),
        candidates: request.candidates.map((candidate) => ({
          name: candidate.name,
          key: candidate.key,
          read: candidate.read,
          caption: candidate.caption,
          score: candidate.score,
          identity: candidate.samePerson === undefined ? undefined : { samePerson: candidate.samePerson },
        })),
        onProgress: (progress) =>
          request.onProgress?.({
            done: progress.phase === 'select' ? 0 : progress.done,
            total: progress.phase === 'select' ? total : progress.total,
            ...(progress.name && { name: progress.name }),
          }),
      });
      return summaryOf(result.manifest, result.manifestKey);
    },
    async read(storage: Storage, model: string, version: string, call?: CallOptions) {
      const manifestKey = storageKeys.dataset(model, version, 'manifest.json');
      if (!(await storage.head(manifestKey, call))) return undefined;
      const text = await new Response(await storage.get(manifestKey, call)).text();
      return summaryOf(JSON.parse(text) as DatasetManifest, manifestKey);
    },
  };
}

function summaryOf(manifest: DatasetManifest, manifestKey: string): DatasetBuildSummary {
  return {
    model: manifest.model,
    version: manifest.version,
    prefix: storageKeys.datasetPrefix(manifest.model, manifest.version).replace(/\/$/, ''),
    manifestKey,
    archiveKey: manifest.archive.key,
    selected: manifest.files.map((file) => file.file),
    rejected: manifest.rejected.map((rejection) => ({
      name: rejection.file,
      reason: rejection.reason,
      detail: rejection.detail,
    })),
  };
}
