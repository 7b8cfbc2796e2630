import { ValidationError } from '@model-studio/core';
import { countBackends, type SimpleTunerBackend } from './multidatabackend.js';
import type { SimpleTunerConfig } from './simpletuner-config-schema.js';

/**
 * The two files SimpleTuner reads, as pretty-printed JSON: `config.json` and `multidatabackend.json` (written where
 * the config's `data_backend_config` points).
 *
 * @throws ValidationError when the backends lack an image dataset or do not have exactly one default text-embeds one.
 */
export function simpleTunerFiles(
  config: SimpleTunerConfig,
  backends: readonly SimpleTunerBackend[],
): { 'config.json': string; 'multidatabackend.json': string } {
  const counts = countBackends(backends as unknown as Record<string, unknown>[]);
  if (counts.images < 1 || counts.defaultTextEmbeds !== 1) {
    throw new ValidationError(
      `multidatabackend.json needs at least one image dataset and exactly one default text-embeds dataset (found ${counts.images} and ${counts.defaultTextEmbeds}).`,
      { field: 'multidatabackend' },
    );
  }
  return {
    'config.json': `${JSON.stringify(config, null, 2)}\n`,
    'multidatabackend.json': `${JSON.stringify(backends, null, 2)}\n`,
  };
}
