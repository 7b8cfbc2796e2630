export {
  type AiToolkitConfig,
  type AiToolkitProcess,
  aiToolkitConfigSchema,
  aiToolkitProcessSchema,
} from './ai-toolkit-config-schema.js';
export { aiToolkitFiles, parseAiToolkitConfig } from './ai-toolkit-files.js';
export {
  type AiToolkitRunFacts,
  aiToolkitFileNames,
  aiToolkitFileStep,
  aiToolkitRunFacts,
  padAiToolkitStep,
} from './ai-toolkit-outputs.js';
export { type AiToolkitPreset, aiToolkitPresets } from './ai-toolkit-presets.js';
export {
  type AiToolkitLineProgress,
  aiToolkitLossPoints,
  lastAiToolkitProgress,
  parseAiToolkitLine,
} from './ai-toolkit-progress.js';
export {
  type AiToolkitOverrides,
  type BuildAiToolkitConfigOptions,
  buildAiToolkitConfig,
  deepMerge,
  expandDottedKeys,
} from './build-ai-toolkit-config.js';
export { validateAiToolkitConfig, validateAiToolkitJob } from './validate-ai-toolkit-config.js';
