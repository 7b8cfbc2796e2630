import { assertConsent } from '../../consent/index.js';
import { ValidationError } from '../../errors/index.js';
import type { DatasetBuildCandidate, DatasetBuildSummary } from '../../interfaces/dataset-builder.js';
import { assertVersionName, formatResultName, modelStageId, parseStageId, storageKeys } from '../../naming/index.js';
import { readAll } from '../read-all.js';
import type { StudioContext } from '../studio-context.js';

/** The journal op of the dataset stage. */
export const DATASET_OP = 'dataset';

/** Options of `studio.buildDataset`. */
export interface BuildModelDatasetOptions {
  /** The dataset version to write, e.g. `v1`. */
  version: string;
  /** Ratings to take images from; consent must allow `train` for each. @default every rating with enhanced results */
  ratings?: string[];
  /** Lowest training score. @default the model's `thresholds.minTrainingScore` */
  minScore?: number;
  /** Accept captions nobody has reviewed yet. @default false */
  allowUnreviewed?: boolean;
  /** Builder settings (base model family, repeats, resolution, layouts). */
  config?: Record<string, unknown>;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number; name?: string }) => void;
}

/**
 * `studio.buildDataset`: gathers the model's enhanced results (from the journal), their captions and scores (from the
 * caption manifest) and the model's trigger/class words and score threshold, and has the studio's `datasetBuilder`
 * write dataset version `options.version`. Journaled as `<model>:dataset:<version>` (free: no ledger entry); a version
 * already built is returned as it is. Consent: the record must allow `train` for every rating used.
 */
export async function buildModelDataset(
  context: StudioContext,
  model: string,
  options: BuildModelDatasetOptions,
): Promise<DatasetBuildSummary> {
  const builder = context.settings.datasetBuilder;
  if (!builder) {
    throw new ValidationError(
      'To build a dataset, createStudio needs a dataset builder (createDatasetBuilder() from @model-studio/lora-trainer): pass it as "datasetBuilder".',
      { field: 'datasetBuilder' },
    );
  }
  assertVersionName(options.version);
  const config = await context.workspace.getModel(model);
  const recorder = await context.records.recorder(model);
  const stageId = modelStageId({ model, stage: 'dataset', version: options.version });
  // Built already (or built by a run that stopped before journaling it): the version is never written twice.
  const built = await builder.read?.(context.storage, model, options.version, { signal: options.signal });
  if (built) {
    if (recorder.state(stageId).status !== 'done') {
      await recorder.planned([{ stageId, op: DATASET_OP }]);
      await recorder.completed(stageId, DATASET_OP, [built.manifestKey, built.archiveKey]);
      await recorder.flush();
    }
    return { ...built, alreadyBuilt: true };
  }
  const candidates = await gatherCandidates(context, model, options);
  const ratings = options.ratings ?? [...new Set(candidates.map((candidate) => candidate.rating))].sort();
  for (const rating of ratings) assertConsent(config, { rating, use: 'train' });
  if (candidates.length === 0) {
    throw new ValidationError(
      `Model "${model}" has no enhanced results to build a dataset from${options.ratings ? ` for ${options.ratings.join(', ')}` : ''}: run it (and caption it) first.`,
      { field: 'model', hint: { action: 'run', model } },
    );
  }
  await recorder.planned([{ stageId, op: DATASET_OP }]);
  try {
    const summary = await builder.build({
      model,
      version: options.version,
      candidates,
      triggerWord: config.settings.triggerWord,
      classWord: config.settings.classWord,
      minScore: options.minScore ?? config.settings.thresholds.minTrainingScore,
      storage: context.storage,
      ...(options.allowUnreviewed !== undefined && { allowUnreviewed: options.allowUnreviewed }),
      ...(options.config && { config: options.config }),
      ...(options.signal && { signal: options.signal }),
      ...(options.onProgress && { onProgress: options.onProgress }),
    });
    await recorder.completed(stageId, DATASET_OP, [summary.manifestKey, summary.archiveKey]);
    await recorder.flush();
    return summary;
  } catch (error) {
    await recorder.failed(stageId, DATASET_OP, {
      code: (error as { code?: string }).code ?? 'error',
      message: (error as Error).message,
      retryable: false,
    });
    throw error;
  }
}

/** The model's enhanced results (done in the journal), with caption, state and score from the caption manifest. */
async function gatherCandidates(
  context: StudioContext,
  model: string,
  options: BuildModelDatasetOptions,
): Promise<DatasetBuildCandidate[]> {
  const journal = await context.records.journal(model);
  const captions = new Map((await context.records.captionEntries(model)).map((entry) => [entry.name, entry]));
  const candidates: DatasetBuildCandidate[] = [];
  for (const state of journal.stages()) {
    const parts = parseStageId(state.unitId);
    if (!parts || parts.model !== model || parts.stage !== 'enhanced' || state.status !== 'done') continue;
    if (options.ratings && !options.ratings.includes(parts.rating)) continue;
    const result = { ...parts, stage: 'enhanced' as const };
    const name = formatResultName(result);
    const key = storageKeys.result(result);
    const entry = captions.get(name);
    candidates.push({
      name,
      key,
      rating: parts.rating,
      read: async (call) => readAll(await context.storage.get(key, call)),
      caption: entry && { text: entry.text, state: entry.state },
      score: entry?.score?.value,
      // A failed swap is never enhanced: every enhanced result passed the identity check.
      samePerson: true,
    });
  }
  return candidates.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
