import { ValidationError } from '../errors/index.js';
import type { StudioSettings } from './studio-types.js';

/** The adapters a Studio may be given; each verb asks only for those it uses. */
export type StudioAdapterName = 'swapper' | 'enhancer' | 'faceChecker' | 'imageProcessor' | 'captioner';

const examples: Record<StudioAdapterName, string> = {
  swapper:
    "a face swapper (any FaceSwapper: a provider package's, or createMockSwapper from '@model-studio/core/testing')",
  enhancer: "an enhancer (any Enhancer: a provider package's, or createMockEnhancer from '@model-studio/core/testing')",
  faceChecker:
    "a face checker (any FaceChecker: @model-studio/quality's, or createMockFaceChecker from the testing entry)",
  imageProcessor:
    "an image processor (any ImageProcessor: @model-studio/quality's, or createMockImageProcessor from the testing entry)",
  captioner:
    "a captioner (any Captioner: @model-studio/captioning's, e.g. createOfflineCaptioner() which needs no provider)",
};

/**
 * The adapter `name` of the studio's settings, or a `ValidationError` saying which verb needs it. Adapters are
 * optional in `createStudio` so that verbs which pay nothing (plan, estimate, status, costs) need none.
 */
export function requireAdapter<Name extends StudioAdapterName>(
  settings: StudioSettings,
  name: Name,
  purpose: string,
): NonNullable<StudioSettings[Name]> {
  const adapter = settings[name];
  if (adapter === undefined || adapter === null) {
    throw new ValidationError(`To ${purpose}, createStudio needs ${examples[name]}: pass it as "${name}".`, {
      field: name,
    });
  }
  return adapter as NonNullable<StudioSettings[Name]>;
}
