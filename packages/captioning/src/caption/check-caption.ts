import type { CaptionSubject } from '@model-studio/core';
import { findCaptionArtifacts } from './clean-caption.js';
import { countTrigger } from './compose-caption.js';
import { countTokens, type TokenCount } from './count-tokens.js';

/** What {@link checkCaption} found. */
export interface CaptionCheck {
  /** No issue found. */
  valid: boolean;
  /** `empty`, `trigger-missing`, `trigger-repeated`, `too-long`, `artifact`. */
  issues: Array<'empty' | 'trigger-missing' | 'trigger-repeated' | 'too-long' | 'artifact'>;
  tokens: TokenCount;
  /** The artifacts found (see `findCaptionArtifacts`). */
  artifacts: string[];
}

/**
 * Checks a training caption: non-empty, the trigger word exactly once, within the style's token limit, and free of
 * known captioner artifacts. Review screens and the dataset builder use it to flag captions.
 *
 * @example
 * ```ts
 * import { checkCaption } from '@model-studio/captioning';
 * const check = checkCaption('a photo of andie, andie, arafed woman', { trigger: 'andie', classWord: 'woman', style: 'tags' });
 * console.log(check.issues); // [ 'trigger-repeated', 'artifact' ]
 * ```
 */
export function checkCaption(text: string, subject: Pick<CaptionSubject, 'trigger' | 'style'>): CaptionCheck {
  const issues: CaptionCheck['issues'] = [];
  const tokens = countTokens(text, subject.style);
  const artifacts = findCaptionArtifacts(text);
  if (text.trim() === '') issues.push('empty');
  const triggers = countTrigger(text, subject.trigger);
  if (triggers === 0) issues.push('trigger-missing');
  if (triggers > 1) issues.push('trigger-repeated');
  if (tokens.over) issues.push('too-long');
  if (artifacts.length > 0) issues.push('artifact');
  return { valid: issues.length === 0, issues, tokens, artifacts };
}
