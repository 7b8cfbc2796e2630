import { ValidationError } from '../errors/index.js';
import { assertImageNumber, padTargetNumber, parseCanonicalNumber } from './image-number.js';
import { assertModelName, isModelName } from './model-name.js';
import { assertRating } from './rating-and-version.js';
import { quoteValue } from './slug-rules.js';

/** The stages a result image goes through: the raw swap, then the 2x enhanced image. */
export type ResultStage = 'swapped' | 'enhanced';

/** Every stage, in pipeline order. */
export const resultStages: readonly ResultStage[] = Object.freeze(['swapped', 'enhanced']);

/** What identifies one result image (and one unit of work). */
export interface ResultNameParts {
  /** Model name (see `assertModelName`). */
  model: string;
  /** Source photo number, from 1. */
  source: number;
  /** Target photo number, from 1. */
  target: number;
  /** Content rating, e.g. `sfw` or `nsfw` (see `assertRating`). */
  rating: string;
  stage: ResultStage;
}

/** Checks every part of a result name; throws a `ValidationError` naming the bad part. */
export function assertResultNameParts(parts: ResultNameParts): void {
  assertModelName(parts.model);
  assertImageNumber(parts.source, 'source');
  assertImageNumber(parts.target, 'target');
  assertRating(parts.rating);
  assertResultStage(parts.stage);
}

/** Checks a stage: `swapped` or `enhanced`. Throws a `ValidationError`. */
export function assertResultStage(stage: unknown): asserts stage is ResultStage {
  if (resultStages.includes(stage as ResultStage)) return;
  throw new ValidationError(
    `Invalid stage ${quoteValue(stage)}: the stage is "swapped" or "enhanced"; for example "enhanced".`,
    { field: 'stage', value: stage },
  );
}

/** `{model}-s{source}-t{target:03}-{rating}-{stage}` without the extension. Parts must be valid. */
export function resultBaseName(parts: ResultNameParts): string {
  assertResultNameParts(parts);
  return `${parts.model}-s${parts.source}-t${padTargetNumber(parts.target)}-${parts.rating}-${parts.stage}`;
}

/**
 * Formats a result file name: `{model}-s{source}-t{target}-{rating}-{stage}.jpg`, the target zero-padded to at
 * least 3 digits. Throws a `ValidationError` when a part breaks its rule.
 *
 * @example
 * ```ts
 * formatResultName({ model: 'andie', source: 2, target: 3, rating: 'sfw', stage: 'enhanced' });
 * // 'andie-s2-t003-sfw-enhanced.jpg'
 * ```
 */
export function formatResultName(parts: ResultNameParts): string {
  return `${resultBaseName(parts)}.jpg`;
}

const resultNamePattern = /^(.+)-s(\d+)-t(\d{3,})-([a-z0-9]+)-(swapped|enhanced)\.jpg$/;

/**
 * Parses a result file name written by {@link formatResultName}. Returns `undefined` (never throws) when the name
 * does not follow the rule, so it can filter directory listings; this includes non-canonical numbers such as
 * `s02` or `t0003` (each result has exactly one name). Ratings contain no hyphen, so parsing is unambiguous even
 * when the model name contains `-s1-t001-` itself.
 *
 * @example
 * ```ts
 * parseResultName('andie-s2-t003-sfw-enhanced.jpg');
 * // { model: 'andie', source: 2, target: 3, rating: 'sfw', stage: 'enhanced' }
 * parseResultName('holiday.jpg'); // undefined
 * ```
 */
export function parseResultName(name: string): ResultNameParts | undefined {
  const match = resultNamePattern.exec(name);
  return match ? resultPartsFromMatch(match) : undefined;
}

/**
 * Builds checked parts from a match of `(model)(source digits)(target digits)(rating)(stage)`; `undefined` when a part
 * breaks its rule or a number is not written canonically. Shared by result-name and unit-id parsing. Internal.
 */
export function resultPartsFromMatch(match: RegExpExecArray): ResultNameParts | undefined {
  const [, model = '', sourceDigits = '', targetDigits = '', rating = '', stage = ''] = match;
  const source = parseCanonicalNumber(sourceDigits, false);
  const target = parseCanonicalNumber(targetDigits, true);
  if (source === undefined || target === undefined || !isModelName(model)) return undefined;
  const parts: ResultNameParts = { model, source, target, rating, stage: stage as ResultStage };
  try {
    assertResultNameParts(parts);
  } catch {
    return undefined; // e.g. a rating that is a Windows device name
  }
  return parts;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sort comparator for result file names: by model, then source number, target number (numerically, so `t1000`
 * comes after `t999`), rating, and stage (`swapped` before `enhanced`). Names that do not parse sort after all
 * result names, in plain string order.
 *
 * @example
 * ```ts
 * names.sort(compareResultNames);
 * ```
 */
export function compareResultNames(a: string, b: string): number {
  const left = parseResultName(a);
  const right = parseResultName(b);
  if (!left || !right) return left ? -1 : right ? 1 : compareText(a, b);
  return (
    compareText(left.model, right.model) ||
    left.source - right.source ||
    left.target - right.target ||
    compareText(left.rating, right.rating) ||
    resultStages.indexOf(left.stage) - resultStages.indexOf(right.stage)
  );
}
