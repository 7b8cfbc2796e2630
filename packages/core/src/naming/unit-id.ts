import { ValidationError } from '../errors/validation-error.js';
import { assertResultNameParts, type ResultNameParts, resultPartsFromMatch } from './result-name.js';
import { quoteValue } from './slug-rules.js';

/** What a unit id names: one source swapped onto one target for one rating (`<model>:s<n>:t<ttt>:<rating>`). */
export type UnitIdParts = Omit<ResultNameParts, 'stage'>;

/**
 * The stages of a unit, in pipeline order: the two image stages of the result names (`swapped`, `enhanced`), then
 * the training caption of the enhanced image (`caption`, a `.txt` beside it).
 */
export type UnitStage = ResultNameParts['stage'] | 'caption';

/** Every stage of a unit, in pipeline order. */
export const unitStages: readonly UnitStage[] = Object.freeze(['swapped', 'enhanced', 'caption']);

/** What a stage id names: one stage of a unit (`<model>:s<n>:t<ttt>:<rating>:<stage>`). */
export type StageIdParts = UnitIdParts & { stage: UnitStage };

/** Checks a unit stage: `swapped`, `enhanced` or `caption`. Throws a `ValidationError`. */
export function assertUnitStage(stage: unknown): asserts stage is UnitStage {
  if (unitStages.includes(stage as UnitStage)) return;
  throw new ValidationError(
    `Invalid stage ${quoteValue(stage)}: the stage is "swapped", "enhanced" or "caption"; for example "enhanced".`,
    { field: 'stage', value: stage },
  );
}

/**
 * The stable id of one unit of work (DESIGN.md, crash safety): `<model>:s<n>:t<ttt>:<rating>`. A unit passes through
 * several stages; see {@link stageId} for the id of one of them. Throws a `ValidationError` when a part breaks its
 * rule, or when `parts` carries a `stage` (ask {@link stageId} for a stage's id).
 *
 * @example
 * ```ts
 * unitId({ model: 'andie', source: 2, target: 3, rating: 'sfw' }); // 'andie:s2:t003:sfw'
 * ```
 */
export function unitId(parts: UnitIdParts): string {
  if ((parts as { stage?: unknown }).stage !== undefined) {
    throw new ValidationError('unitId() names a whole unit and takes no stage: use stageId() for the id of a stage.', {
      field: 'stage',
      value: (parts as { stage?: unknown }).stage,
    });
  }
  assertResultNameParts({ ...parts, stage: 'swapped' });
  return formatUnitId(parts);
}

/** @internal `<model>:s<n>:t<ttt>:<rating>` of parts already checked (see {@link unitId}, which checks them). */
export function formatUnitId(parts: UnitIdParts): string {
  return `${parts.model}:s${parts.source}:t${String(parts.target).padStart(3, '0')}:${parts.rating}`;
}

/**
 * The stable id of one stage of a unit, used by the progress journal and the cost ledger:
 * `<model>:s<n>:t<ttt>:<rating>:<stage>`. Throws a `ValidationError` when a part breaks its rule.
 *
 * @example
 * ```ts
 * stageId({ model: 'andie', source: 2, target: 3, rating: 'sfw', stage: 'enhanced' }); // 'andie:s2:t003:sfw:enhanced'
 * ```
 */
export function stageId(parts: StageIdParts): string {
  assertUnitStage(parts.stage);
  assertResultNameParts({ ...parts, stage: 'swapped' });
  return `${formatUnitId(parts)}:${parts.stage}`;
}

const idPattern = /^([^:]+):s(\d+):t(\d{3,}):([^:]+)(?::([^:]+))?$/;

/** Parses a unit id written by {@link unitId}; `undefined` when it does not follow the rule (a stage id included). */
export function parseUnitId(id: string): UnitIdParts | undefined {
  const match = idPattern.exec(id);
  if (!match || match[5] !== undefined) return undefined;
  match[5] = 'swapped';
  const parts = resultPartsFromMatch(match);
  if (!parts) return undefined;
  const { stage: _stage, ...unit } = parts;
  return unit;
}

/** Parses a stage id written by {@link stageId}; `undefined` when it does not follow the rule. */
export function parseStageId(id: string): StageIdParts | undefined {
  const match = idPattern.exec(id);
  if (!match || match[5] === undefined) return undefined;
  const stage = match[5];
  if (!unitStages.includes(stage as UnitStage)) return undefined;
  match[5] = 'swapped';
  const parts = resultPartsFromMatch(match);
  return parts && { ...parts, stage: stage as UnitStage };
}

/** The unit id of a stage id (`andie:s2:t003:sfw` for `andie:s2:t003:sfw:enhanced`); `undefined` for a bad id. */
export function unitIdOfStage(id: string): string | undefined {
  const parts = parseStageId(id);
  if (!parts) return undefined;
  const { stage: _stage, ...unit } = parts;
  return unitId(unit);
}

/** The stage of a stage id (`enhanced` for `andie:s2:t003:sfw:enhanced`); `undefined` for a bad id. */
export function stageOfStageId(id: string): UnitStage | undefined {
  return parseStageId(id)?.stage;
}
