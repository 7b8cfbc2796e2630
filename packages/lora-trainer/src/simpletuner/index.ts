export { type BuildSimpleTunerConfigOptions, buildSimpleTunerConfig } from './build-simpletuner-config.js';
export { type FamilyPreset, familyPresets } from './family-presets.js';
export {
  type BuildMultiDataBackendOptions,
  buildMultiDataBackend,
  countBackends,
  type SimpleTunerBackend,
  type SimpleTunerImageBackend,
  type SimpleTunerTextEmbedsBackend,
  simpleTunerRepeats,
} from './multidatabackend.js';
export { type SimpleTunerConfig, simpleTunerConfigSchema } from './simpletuner-config-schema.js';
export { simpleTunerFiles } from './simpletuner-files.js';
export { normaliseConfigKeys, validateSimpleTunerConfig } from './validate-simpletuner-config.js';
