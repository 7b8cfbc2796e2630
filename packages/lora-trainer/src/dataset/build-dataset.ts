import { createHash } from 'node:crypto';
import { type CallOptions, type Storage, storageKeys, ValidationError } from '@model-studio/core';
import type { ModelFamily } from '../model-family.js';
import { familyPresets } from '../simpletuner/family-presets.js';
import { buildMultiDataBackend } from '../simpletuner/multidatabackend.js';
import { captionFileName, captionLine } from './caption-line.js';
import { clearIncompleteVersion } from './clear-incomplete-version.js';
import { type DatasetArchiveWriter, datasetArchiveName, openDatasetArchive } from './dataset-archive.js';
import type { DatasetCandidate, SelectionDecision } from './dataset-candidate.js';
import type { DatasetManifest, DatasetManifestFile } from './dataset-manifest.js';
import { kohyaDatasetToml, kohyaFolderName } from './kohya-dataset-toml.js';
import { type SelectDatasetImagesOptions, selectDatasetImages } from './select-dataset-images.js';

/** A dataset layout. */
export type DatasetLayout = 'simpletuner' | 'kohya';

/** Progress of {@link buildDataset}. */
export interface DatasetBuildProgress {
  phase: 'select' | 'write' | 'finish';
  done: number;
  total: number;
  /** The image just written, in the `write` phase. */
  name?: string;
}

/** Options for {@link buildDataset}. */
export interface BuildDatasetOptions extends SelectDatasetImagesOptions, CallOptions {
  /** Where the dataset goes (the model's storage). */
  storage: Storage;
  /** The model's slug. */
  model: string;
  /** Dataset version name (a slug, e.g. `v1`); must not exist yet. */
  version: string;
  /** The enhanced results to choose from. */
  candidates: readonly DatasetCandidate[];
  /** Base model family (default resolution, kohya TOML). */
  family: ModelFamily;
  /** Trigger word, e.g. `andie`. */
  trigger: string;
  /** Class word, e.g. `woman`. */
  classWord: string;
  /** kohya repeats (passes per epoch, >= 1); SimpleTuner gets one less. @default 10 */
  repeats?: number;
  /** Training resolution. @default the family preset's */
  resolution?: number;
  /** Layouts to write. @default ['simpletuner', 'kohya'] */
  layouts?: readonly DatasetLayout[];
  /** Where the training machine unpacks the archive (used in `multidatabackend.json`). @default '/workspace/dataset' */
  remoteRoot?: string;
  /** Progress callback. */
  onProgress?: (progress: DatasetBuildProgress) => void;
  /** Clock, for tests. @default () => new Date() */
  now?: () => Date;
}

/** What {@link buildDataset} did. */
export interface DatasetBuildResult {
  /** Storage prefix of the version, `models/<model>/datasets/<version>/`. */
  prefix: string;
  manifestKey: string;
  manifest: DatasetManifest;
  /** Every candidate's decision, in input order. */
  decisions: SelectionDecision[];
}

function checkOptions(options: BuildDatasetOptions): void {
  const names = new Set<string>();
  for (const candidate of options.candidates) {
    if (!/^[\w][\w.-]*\.(jpe?g|png|webp)$/i.test(candidate.name) || names.has(candidate.name)) {
      throw new ValidationError(
        `Dataset image name "${candidate.name}" must be a unique plain file name ending in .jpg, .jpeg or .png.`,
        { field: 'candidates', value: candidate.name },
      );
    }
    names.add(candidate.name);
  }
  if (!/^[\p{L}\p{N}_-]+$/u.test(options.trigger) || !/^[\p{L}\p{N} _-]+$/u.test(options.classWord)) {
    throw new ValidationError('The trigger word must be one word and the class word plain words (no "/" or dots).', {
      field: 'trigger',
    });
  }
}

function noneSelected(decisions: readonly SelectionDecision[]): ValidationError {
  const counts = new Map<string, number>();
  for (const decision of decisions) counts.set(decision.reason, (counts.get(decision.reason) ?? 0) + 1);
  const summary = [...counts].map(([reason, count]) => `${count} ${reason}`).join(', ') || 'no candidates';
  return new ValidationError(
    `No image passed the dataset selection (${summary}): review captions, lower the score threshold or add results.`,
    { field: 'candidates' },
  );
}

interface Writer {
  storage: Storage;
  prefix: string;
  archive: DatasetArchiveWriter | undefined;
  layouts: readonly DatasetLayout[];
  kohyaFolder: string;
  call: CallOptions;
}

async function writeImage(
  writer: Writer,
  candidate: DatasetCandidate,
  decision: SelectionDecision,
): Promise<DatasetManifestFile> {
  const bytes = await candidate.read({ signal: writer.call.signal });
  const caption = captionLine(candidate.caption?.text ?? '');
  const captionBytes = new TextEncoder().encode(`${caption}\n`);
  const txt = captionFileName(candidate.name);
  const { storage, prefix, call } = writer;
  const text = { ...call, contentType: 'text/plain' };
  const writes: Array<Promise<unknown>> = [];
  if (writer.layouts.includes('simpletuner')) {
    writes.push(storage.put(`${prefix}simpletuner/images/${candidate.name}`, bytes, call));
    writes.push(storage.put(`${prefix}simpletuner/images/${txt}`, captionBytes, text));
  }
  if (writer.layouts.includes('kohya')) {
    writes.push(storage.put(`${prefix}kohya/${writer.kohyaFolder}/${candidate.name}`, bytes, call));
    writes.push(storage.put(`${prefix}kohya/${writer.kohyaFolder}/${txt}`, captionBytes, text));
  }
  // The layouts' files are written side by side while the archive takes the same bytes (one image in memory at a time).
  const archived = (async () => {
    await writer.archive?.add(`simpletuner/images/${candidate.name}`, bytes);
    await writer.archive?.add(`simpletuner/images/${txt}`, captionBytes);
  })();
  const settled = await Promise.allSettled([...writes, archived]);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return {
    file: candidate.name,
    sourceKey: candidate.key,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.byteLength,
    caption,
    captionState: candidate.caption?.state ?? 'generated',
    score: candidate.score ?? 0,
    width: candidate.width,
    height: candidate.height,
    reason: decision.detail,
  };
}

/**
 * Builds a dataset version from enhanced results: selects the images (each decision with its reason), writes
 * `models/<model>/datasets/<version>/` with the SimpleTuner layout (images, `.txt` captions, `multidatabackend.json`)
 * and the kohya layout (`kohya/<repeats>_<trigger> <class>/`, `kohya/dataset.toml`), the upload archive
 * `dataset.tar` (see `openDatasetArchive`) and `manifest.json` (file, sha256, caption, score, size, reason), last.
 * What an interrupted earlier build of the same version left (no manifest) is deleted first.
 *
 * @throws ValidationError for bad names, an existing version, or when no image passes the selection.
 */
export async function buildDataset(options: BuildDatasetOptions): Promise<DatasetBuildResult> {
  const { storage, model, version, candidates, family, trigger, classWord, repeats = 10, signal } = options;
  const layouts = options.layouts ?? ['simpletuner', 'kohya'];
  const resolution = options.resolution ?? (familyPresets[family].config.resolution as number);
  const remoteRoot = options.remoteRoot ?? '/workspace/dataset';
  const scoreThreshold = options.scoreThreshold ?? 0.6;
  checkOptions(options);
  const prefix = storageKeys.datasetPrefix(model, version);
  const manifestKey = `${prefix}manifest.json`;
  if (await storage.head(manifestKey, { signal })) {
    throw new ValidationError(
      `Dataset version "${version}" of model "${model}" exists already: choose a new version name.`,
      {
        field: 'version',
        value: version,
      },
    );
  }
  const backends = buildMultiDataBackend({
    instanceDataDir: `${remoteRoot}/simpletuner/images`,
    cacheDir: `${remoteRoot}/cache`,
    kohyaRepeats: repeats,
    resolution,
    resolutionType: family === 'sd15' ? 'pixel' : 'pixel_area',
  });
  const decisions = selectDatasetImages(candidates, options);
  await clearIncompleteVersion(storage, prefix, { signal });
  const chosen = candidates.filter((_, index) => decisions[index]?.selected);
  options.onProgress?.({ phase: 'select', done: candidates.length, total: candidates.length });
  if (chosen.length === 0) throw noneSelected(decisions);
  const archive = openDatasetArchive(storage, `${prefix}${datasetArchiveName}`, { signal });
  const kohyaFolder = kohyaFolderName(repeats, trigger, classWord);
  const writer: Writer = { storage, prefix, archive, layouts, kohyaFolder, call: { signal } };
  const files: DatasetManifestFile[] = [];
  try {
    for (const [index, candidate] of chosen.entries()) {
      signal?.throwIfAborted();
      files.push(await writeImage(writer, candidate, decisions[candidates.indexOf(candidate)] as SelectionDecision));
      options.onProgress?.({ phase: 'write', done: index + 1, total: chosen.length, name: candidate.name });
    }
    const backendJson = new TextEncoder().encode(`${JSON.stringify(backends, null, 2)}\n`);
    await archive.add('simpletuner/multidatabackend.json', backendJson);
    if (layouts.includes('simpletuner'))
      await storage.put(`${prefix}simpletuner/multidatabackend.json`, backendJson, { signal });
    if (layouts.includes('kohya')) {
      const toml = kohyaDatasetToml({
        imageDir: `${remoteRoot}/kohya/${kohyaFolder}`,
        repeats,
        classTokens: `${trigger} ${classWord}`,
        resolution,
      });
      await storage.put(`${prefix}kohya/dataset.toml`, new TextEncoder().encode(toml), { signal });
    }
  } catch (error) {
    archive.abort(error);
    throw error;
  }
  const archiveInfo = await archive.finish();
  const manifest: DatasetManifest = {
    manifestVersion: 1,
    model,
    version,
    family,
    createdAt: (options.now?.() ?? new Date()).toISOString(),
    trigger,
    classWord,
    repeats,
    scoreThreshold,
    layouts: [...layouts],
    files,
    rejected: decisions
      .filter((decision) => !decision.selected)
      .map((d) => ({ file: d.name, sourceKey: d.key, reason: d.reason, detail: d.detail })),
    archive: { ...archiveInfo, format: 'tar' },
  };
  await storage.put(manifestKey, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`), {
    signal,
    contentType: 'application/json',
  });
  options.onProgress?.({ phase: 'finish', done: chosen.length, total: chosen.length });
  return { prefix, manifestKey, manifest, decisions };
}
