import type { CaptionRequest, CaptionResult } from '@model-studio/core';
import { cleanCaption } from '../caption/clean-caption.js';
import { composeCaption } from '../caption/compose-caption.js';
import { invalidResponseError } from '../http/provider-failure.js';

/**
 * The captioners' last step: an empty description is an invalid response (retryable); with a subject the text is the
 * finished training caption ({@link composeCaption}), without one the cleaned description. `raw` keeps the original.
 */
export function finishCaption(
  provider: string,
  raw: unknown,
  request: CaptionRequest,
  result: Omit<CaptionResult, 'text' | 'raw'>,
): CaptionResult {
  if (typeof raw !== 'string' || cleanCaption(raw) === '') {
    throw invalidResponseError(
      provider,
      typeof raw === 'string' ? 'the caption is empty' : 'no caption in the response',
    );
  }
  const text = request.subject
    ? composeCaption({ description: raw, subject: request.subject, facts: request.facts })
    : cleanCaption(raw);
  return { ...result, text, raw };
}

/** The text of an OpenAI-style message content (a string, or an array of `{type:'text', text}` parts). */
export function messageText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content
    .map((part) => (typeof part?.text === 'string' ? (part.text as string) : ''))
    .filter((text) => text !== '');
  return texts.length > 0 ? texts.join(' ') : undefined;
}
