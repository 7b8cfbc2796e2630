import { ValidationError } from '../errors/validation-error.js';
import { assertModelName, isModelName } from './model-name.js';
import { assertVersionName, isVersionName } from './rating-and-version.js';
import { quoteValue } from './slug-rules.js';

/** The stages that belong to a whole model rather than to one unit: building a dataset, training a LoRA. */
export type ModelStage = 'dataset' | 'train';

/** Every model-level stage, in pipeline order. */
export const modelStages: readonly ModelStage[] = Object.freeze(['dataset', 'train']);

/** What a model stage id names: one model-level stage of one version (`<model>:<stage>:<version>`). */
export interface ModelStageIdParts {
  model: string;
  stage: ModelStage;
  /** The dataset or LoRA version, e.g. `v1`. */
  version: string;
}

/**
 * The stable id of a model-level stage, used by the progress journal and the cost ledger:
 * `<model>:<stage>:<version>`. Unit stage ids (`<model>:s<n>:t<ttt>:<rating>:<stage>`) never look like one.
 * Throws a `ValidationError` when a part breaks its rule.
 *
 * @example
 * ```ts
 * modelStageId({ model: 'andie', stage: 'train', version: 'v1' }); // 'andie:train:v1'
 * ```
 */
export function modelStageId(parts: ModelStageIdParts): string {
  assertModelName(parts.model);
  if (!modelStages.includes(parts.stage)) {
    throw new ValidationError(
      `Invalid model stage ${quoteValue(parts.stage)}: the stage is "dataset" or "train"; for example "train".`,
      { field: 'stage', value: parts.stage },
    );
  }
  assertVersionName(parts.version);
  return `${parts.model}:${parts.stage}:${parts.version}`;
}

/** Parses a model stage id written by {@link modelStageId}; `undefined` for anything else (unit stage ids included). */
export function parseModelStageId(id: string): ModelStageIdParts | undefined {
  const [model, stage, version, ...rest] = id.split(':');
  if (rest.length > 0 || !isModelName(model) || !isVersionName(version)) return undefined;
  if (!modelStages.includes(stage as ModelStage)) return undefined;
  return { model, stage: stage as ModelStage, version };
}
