import { type CaptionEntry, type CaptionState, ValidationError } from '@model-studio/core';
import type { CaptionCheck } from '../caption/check-caption.js';

/** Which captions a review operation applies to; every field given must match. */
export interface CaptionFilter {
  /** Review state(s): `generated`, `reviewed`, `edited`. */
  state?: CaptionState | CaptionState[];
  /** Rating of the image (`sfw`, `nsfw`). */
  rating?: string;
  /** Who wrote the current text: `captioner`, `person`, `imported`, or a captioner's provider name. */
  source?: string;
  /** A regular expression (or its source text) the caption must match. */
  match?: RegExp | string;
  /** Only captions longer than the style's token limit (`true`), or than this many tokens. */
  overTokens?: boolean | number;
  /** Only these images (result file names). */
  names?: string[];
}

/** A caption with its check (token count, trigger, artifacts), as review lists show it. */
export interface ReviewedCaption extends CaptionEntry {
  check: CaptionCheck;
}

/** Turns a regex given as text into a RegExp; a bad one is a clear error. */
export function toRegExp(pattern: RegExp | string, flags = ''): RegExp {
  if (pattern instanceof RegExp) return pattern;
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new ValidationError(`Not a valid regular expression: /${pattern}/ (${(error as Error).message}).`, {
      field: 'pattern',
      value: pattern,
    });
  }
}

/** Whether a caption passes `filter`. */
export function matchesFilter(caption: ReviewedCaption, filter: CaptionFilter = {}): boolean {
  const states = filter.state === undefined ? undefined : [filter.state].flat();
  if (states && !states.includes(caption.state)) return false;
  if (filter.rating !== undefined && caption.rating !== filter.rating) return false;
  if (filter.names && !filter.names.includes(caption.name)) return false;
  if (filter.source !== undefined) {
    const provider = caption.source.kind === 'captioner' ? caption.source.provider : undefined;
    if (caption.source.kind !== filter.source && provider !== filter.source) return false;
  }
  if (filter.match !== undefined) {
    const pattern = toRegExp(filter.match);
    pattern.lastIndex = 0;
    if (!pattern.test(caption.text)) return false;
  }
  if (filter.overTokens !== undefined && filter.overTokens !== false) {
    const limit = filter.overTokens === true ? caption.check.tokens.limit : filter.overTokens;
    if (caption.check.tokens.tokens <= limit) return false;
  }
  return true;
}
