import type { CaptionStyle } from '@model-studio/core';

/** The default templates: comma tags for SD1.5/SDXL (CLIP), a sentence for FLUX (T5). */
export const defaultCaptionTemplates: Readonly<Record<CaptionStyle, string>> = {
  tags: 'a photo of {trigger}, {class}, {shot}, {description}',
  natural: 'a {shot} photo of {trigger}, a {class}. {description}',
};

/** The values a template's placeholders take; a missing or empty value removes its placeholder and separator. */
export interface CaptionTemplateValues {
  trigger: string;
  class?: string;
  description?: string;
  rating?: string;
  shot?: string;
}

const placeholder = /\{(trigger|class|description|rating|shot)\}/g;

/**
 * Fills `{trigger}`, `{class}`, `{description}`, `{rating}` and `{shot}`. An empty value takes its comma with it, so
 * `a photo of {trigger}, {class}, {shot}` without a shot reads `a photo of andie, woman`.
 *
 * @example
 * ```ts
 * import { fillCaptionTemplate } from '@model-studio/captioning';
 * console.log(fillCaptionTemplate('a photo of {trigger}, {class}, {shot}', { trigger: 'andie', class: 'woman' }));
 * ```
 */
export function fillCaptionTemplate(template: string, values: CaptionTemplateValues): string {
  const filled = template.replace(placeholder, (_, name: keyof CaptionTemplateValues) => {
    const value = values[name]?.trim();
    return value ? value : '\u0000';
  });
  return filled
    .replace(/\s*,\s*\u0000/g, '')
    .replace(/\u0000\s*,\s*/g, '')
    .replace(/\u0000/g, '')
    .replace(/\s+([,.])/g, '$1')
    .replace(/,\s*\./g, '.')
    .replace(/\.\s*\./g, '.')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,.]+|[\s,]+$/g, '')
    .trim();
}
