/**
 * The base-model families this package trains LoRAs for.
 *
 * - `flux`: FLUX.1-dev (or schnell) through SimpleTuner's `flux` model family.
 * - `sdxl`: Stable Diffusion XL 1.0.
 * - `sd15`: Stable Diffusion 1.5.
 */
export type ModelFamily = 'flux' | 'sdxl' | 'sd15';

/** Every {@link ModelFamily}, in a stable order. */
export const modelFamilies: readonly ModelFamily[] = ['flux', 'sdxl', 'sd15'];

/** Whether `value` is a {@link ModelFamily}. */
export function isModelFamily(value: unknown): value is ModelFamily {
  return value === 'flux' || value === 'sdxl' || value === 'sd15';
}
