import type { CaptionStyle } from '@model-studio/core';

/**
 * The instructions a VLM gets by default, per caption style. They ask for what should stay variable in training
 * (framing, pose, expression, clothing, setting, lighting) and never for the person's identity.
 */
export const defaultCaptionPrompts: Readonly<Record<CaptionStyle, string>> = {
  natural:
    'Describe this photo in one or two plain sentences for an image-generation training caption: framing, pose, ' +
    'expression, clothing, setting and lighting. Do not name the person or guess who they are. No preamble.',
  tags:
    'Describe this photo as 5 to 10 short comma-separated tags for an image-generation training caption: pose, ' +
    'expression, clothing, setting, lighting. Do not name the person. No sentences, no preamble.',
};

/** The prompt for a request: its own, else the default for its subject's style (natural without a subject). */
export function promptFor(request: { prompt?: string; subject?: { style: CaptionStyle } }): string {
  return request.prompt ?? defaultCaptionPrompts[request.subject?.style ?? 'natural'];
}
