import type { CaptionSubject, ImageFacts } from '@model-studio/core';
import { defaultCaptionTemplates, fillCaptionTemplate } from './caption-template.js';
import { cleanCaption } from './clean-caption.js';
import { countTokens } from './count-tokens.js';
import { shotFromFacts } from './describe-facts.js';

/** What {@link composeCaption} turns into a training caption. */
export interface ComposeCaptionInput {
  /** The captioner's description of the image (raw: it is cleaned here). */
  description: string;
  /** The model's caption settings. */
  subject: CaptionSubject;
  /** What the pipeline knows of the image: the shot type and rating come from here unless given. */
  facts?: ImageFacts;
  /** The shot type (`close-up`, `portrait`, `half body`, `full body`); defaults to the one the face box implies. */
  shot?: string;
  /** The rating; defaults to `facts.rating`. */
  rating?: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function wordPattern(word: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_-])${escapeRegExp(word)}(?![\\p{L}\\p{N}_-])`, 'giu');
}

/** How many times `trigger` appears in `text` as a whole word (case-insensitive). */
export function countTrigger(text: string, trigger: string): number {
  return trigger.trim() === '' ? 0 : (text.match(wordPattern(trigger.trim())) ?? []).length;
}

function keepFirstTrigger(text: string, trigger: string): string {
  let seen = false;
  const kept = text.replace(wordPattern(trigger), (match) => {
    if (seen) return '';
    seen = true;
    return match;
  });
  return kept
    .replace(/\s*,\s*(?:,\s*)+/g, ', ')
    .replace(/\s+([,.])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

function joinParts(parts: Array<string | undefined>, style: CaptionSubject['style']): string {
  const kept = parts.map((part) => part?.trim()).filter((part): part is string => Boolean(part));
  return kept.join(style === 'tags' ? ', ' : ' ');
}

function shortenDescription(description: string, style: CaptionSubject['style']): string {
  const separator = style === 'tags' ? /,\s*/ : /(?<=[.!?])\s+/;
  const parts = description.split(separator).filter(Boolean);
  parts.pop();
  return parts.join(style === 'tags' ? ', ' : ' ');
}

/**
 * Turns a captioner's description into the finished training caption for `subject`: cleans known artifacts
 * ({@link cleanCaption}), removes the trigger word from the description, fills the template (`subject.template` or the
 * style's default, see {@link defaultCaptionTemplates}) with trigger, class, shot, rating and description, adds the
 * prefix and suffix, keeps the trigger exactly once (prepended when the template lacks `{trigger}`), and drops trailing
 * description parts until the caption fits its encoder's token limit ({@link countTokens}). Every built-in captioner
 * uses it; third-party captioners should too.
 *
 * @example
 * ```ts
 * import { composeCaption } from '@model-studio/captioning';
 * const text = composeCaption({
 *   description: 'there is a arafed woman in a studio, studio lighting, professional photography',
 *   shot: 'full body',
 *   subject: { trigger: 'andie', classWord: 'woman', style: 'tags' },
 * });
 * console.log(text); // a photo of andie, woman, full body, woman in a studio, studio lighting, professional photography
 * ```
 */
export function composeCaption(input: ComposeCaptionInput): string {
  const { subject } = input;
  const trigger = subject.trigger.trim();
  let description = cleanCaption(input.description);
  if (trigger) description = cleanCaption(description.replace(wordPattern(trigger), ' '));
  // A sentence follows the natural template's first sentence: start it with a capital.
  if (subject.style === 'natural') description = description.charAt(0).toUpperCase() + description.slice(1);
  const template = subject.template ?? defaultCaptionTemplates[subject.style];
  const shot = input.shot ?? shotFromFacts(input.facts);
  const rating = input.rating ?? input.facts?.rating;
  const build = (text: string): string => {
    const body = fillCaptionTemplate(template, { trigger, class: subject.classWord, shot, rating, description: text });
    let caption = joinParts([subject.prefix, body, subject.suffix], subject.style);
    if (trigger && countTrigger(caption, trigger) === 0) caption = joinParts([trigger, caption], 'tags');
    return trigger ? keepFirstTrigger(caption, trigger) : caption;
  };
  let caption = build(description);
  while (description !== '' && countTokens(caption, subject.style).over) {
    description = shortenDescription(description, subject.style);
    caption = build(description);
  }
  return caption;
}
