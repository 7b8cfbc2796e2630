import { assertSlug, type SlugRule, slugProblem } from './slug-rules.js';

const ratingRule: SlugRule = {
  field: 'rating',
  pattern: /^[a-z0-9]+$/,
  maxLength: 32,
  rule:
    'Ratings are 1-32 lower-case letters (a-z) and digits, without hyphens (so result names parse unambiguously), ' +
    'and not a Windows device name',
  examples: ['sfw', 'nsfw'],
  hyphens: false,
};

const versionRule: SlugRule = {
  field: 'version',
  pattern: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/,
  maxLength: 64,
  rule:
    'Dataset and LoRA versions are 1-64 lower-case letters (a-z), digits and hyphens, neither starting nor ending ' +
    'with a hyphen, and not a Windows device name',
  examples: ['v1', '2026-01-15'],
  hyphens: true,
};

/** The rating of content that needs no adult-content consent. Every other rating is treated as adult content. */
export const SAFE_RATING = 'sfw';

/** True when `rating` is an accepted content rating (see {@link assertRating}). */
export function isRating(rating: unknown): rating is string {
  return slugProblem(rating, ratingRule) === undefined;
}

/**
 * Checks a content rating such as `sfw` or `nsfw`: 1-32 lower-case letters and digits, no hyphens (a hyphen would
 * make `{model}-s{n}-t{ttt}-{rating}-{stage}.jpg` ambiguous), not a Windows device name.
 * Throws a `ValidationError` that names the problem and gives an example.
 */
export function assertRating(rating: unknown): asserts rating is string {
  assertSlug(rating, ratingRule);
}

/** True when `version` is an accepted dataset/LoRA version name (see {@link assertVersionName}). */
export function isVersionName(version: unknown): version is string {
  return slugProblem(version, versionRule) === undefined;
}

/**
 * Checks a dataset or LoRA version name (`datasets/<version>/`, `loras/<version>/`): the same slug rule as model names
 * (1-64 lower-case letters, digits, hyphens; no leading/trailing hyphen; not a device name). Dots are refused, so write
 * `v1-2` rather than `v1.2`. Throws a `ValidationError`.
 */
export function assertVersionName(version: unknown): asserts version is string {
  assertSlug(version, versionRule);
}
