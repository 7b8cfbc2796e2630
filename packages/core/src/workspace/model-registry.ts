import { z } from 'zod';
import { ValidationError } from '../errors/index.js';
import type { Storage } from '../interfaces/storage.js';
import { isModelName, storageKeys } from '../naming/index.js';
import { describeKey, readJson, writeJson } from './storage-json.js';
import { validationErrorFromZod } from './zod-issues.js';

/** One entry of the model registry (`models.json`). */
export interface ModelSummary {
  name: string;
  /** ISO 8601. */
  createdAt: string;
}

/** The model registry, `models.json` at the workspace root. */
export interface ModelRegistry {
  version: 1;
  /** Sorted by name. */
  models: ModelSummary[];
}

/** Zod schema of {@link ModelRegistry}. */
export const modelRegistrySchema = z.object({
  version: z.literal(1),
  models: z.array(
    z.object({
      name: z.string().refine(isModelName, { message: 'not a valid model name' }),
      createdAt: z.iso.datetime({ offset: true }),
    }),
  ),
});

/** Reads `models.json`; an empty registry when it does not exist yet. */
export async function readModelRegistry(storage: Storage, signal?: AbortSignal): Promise<ModelRegistry> {
  const key = storageKeys.registry();
  const raw = await readJson(storage, key, { signal });
  if (raw === undefined) return { version: 1, models: [] };
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > 1) {
    throw new ValidationError(
      `${describeKey(storage, key)} has version ${version}, written by a newer @model-studio/core. Upgrade to open it.`,
      { field: 'version', value: version },
    );
  }
  const parsed = modelRegistrySchema.safeParse(raw);
  if (!parsed.success) {
    throw validationErrorFromZod(
      `${describeKey(storage, key)} is not a valid model registry`,
      parsed.error,
      'Fix that field in the file (or restore it from a backup) and retry.',
    );
  }
  return parsed.data as ModelRegistry;
}

/** Writes `models.json`, models sorted by name. */
export async function writeModelRegistry(storage: Storage, registry: ModelRegistry): Promise<void> {
  const models = [...registry.models].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  await writeJson(storage, storageKeys.registry(), { version: 1, models });
}
