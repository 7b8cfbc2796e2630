/**
 * `@model-studio/captioning`: captioners (Hugging Face VLMs and image-to-text endpoints, OpenAI-compatible servers,
 * Ollama, an offline attribute captioner), caption text functions (templates, cleanup, token counts, checks) and the
 * CLIP-IQA image scorer. The sandbox for tests is in `@model-studio/captioning/testing`.
 *
 * @packageDocumentation
 */

export {
  type CaptionTemplateValues,
  defaultCaptionTemplates,
  fillCaptionTemplate,
} from './caption/caption-template.js';
export { type CaptionCheck, checkCaption } from './caption/check-caption.js';
export { cleanCaption, findCaptionArtifacts, removeRepeatedPhrases } from './caption/clean-caption.js';
export { type ComposeCaptionInput, composeCaption, countTrigger } from './caption/compose-caption.js';
export {
  clipTokenLimit,
  countClipTokens,
  countTokens,
  estimateT5Tokens,
  type TokenCount,
  t5TokenLimit,
} from './caption/count-tokens.js';
export {
  lightingFromFacts,
  orientationFromFacts,
  peopleFromFacts,
  type ShotType,
  shotFromFacts,
  shotThresholds,
} from './caption/describe-facts.js';
export { defaultCaptionPrompts, promptFor } from './captioners/caption-prompts.js';
export { finishCaption } from './captioners/finish-caption.js';
export {
  createHfImageToTextCaptioner,
  type HfImageToTextCaptionerSettings,
} from './captioners/hf-image-to-text-captioner.js';
export { createHfVlmCaptioner, defaultHfVlmModel, type HfVlmCaptionerSettings } from './captioners/hf-vlm-captioner.js';
export { createOfflineCaptioner, describeFacts, offlineCaptionerModel } from './captioners/offline-captioner.js';
export {
  createOllamaCaptioner,
  createOpenAiCompatibleCaptioner,
  type OpenAiCompatibleCaptionerSettings,
} from './captioners/openai-compatible-captioner.js';
export type { RetrySettings } from './http/retry-settings.js';
export { type SniffedImage, sniffImage } from './image/sniff-image.js';
export * from './review/index.js';
export {
  type ClipIqaScorerSettings,
  clipIqaLabels,
  clipIqaScore,
  createClipIqaScorer,
} from './scoring/clip-iqa-scorer.js';
