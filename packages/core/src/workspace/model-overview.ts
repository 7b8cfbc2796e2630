import type { Storage } from '../interfaces/storage.js';
import { parseResultName, parseSourceName, parseTargetName, storageKeys } from '../naming/index.js';
import { listStorageKeys } from '../storage/list-storage-keys.js';
import type { ModelConfig } from './model-config.js';

/** Counts of a model's files and the state of its consent, for lists, menus and dashboards. */
export interface ModelOverview {
  name: string;
  /** Source photos stored. */
  sources: number;
  /** Targets stored, per rating. */
  targets: Record<string, number>;
  /** Enhanced results stored, per rating. */
  results: Record<string, number>;
  /** `recorded`: a consent record is in force; `revoked`: it was revoked; `none`: never recorded. */
  consent: 'none' | 'revoked' | 'recorded';
  /** Ratings the consent record covers (empty when none or revoked). */
  allowedRatings: string[];
}

/** Lists a model's files once and counts them by kind, from the naming rules. Internal: see `Workspace.overview`. */
export async function modelOverview(
  storage: Storage,
  config: ModelConfig,
  options: { signal?: AbortSignal } = {},
): Promise<ModelOverview> {
  const name = config.name;
  const revoked = config.consent?.revokedAt !== undefined;
  const overview: ModelOverview = {
    name,
    sources: 0,
    targets: {},
    results: {},
    consent: !config.consent ? 'none' : revoked ? 'revoked' : 'recorded',
    allowedRatings: config.consent && !revoked ? [...config.consent.allowedRatings] : [],
  };
  const prefix = storageKeys.modelPrefix(name);
  for await (const key of listStorageKeys(storage, { prefix, signal: options.signal })) {
    const rest = key.slice(prefix.length);
    const [folder, second] = rest.split('/');
    const file = rest.slice(rest.lastIndexOf('/') + 1);
    if (folder === 'source') {
      if (parseSourceName(file)?.model === name) overview.sources += 1;
    } else if (folder === 'targets' && second !== undefined) {
      if (parseTargetName(file)?.model === name) overview.targets[second] = (overview.targets[second] ?? 0) + 1;
    } else if (folder === 'results') {
      const result = parseResultName(file);
      if (result?.model === name && result.stage === 'enhanced') {
        overview.results[result.rating] = (overview.results[result.rating] ?? 0) + 1;
      }
    }
  }
  return overview;
}
