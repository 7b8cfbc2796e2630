import { type CallOptions, NotFoundError, type Storage, storageKeys } from '@model-studio/core';
import { type FinalLoraPointer, type LoraVersionRecord, loraVersionFiles } from './lora-version-record.js';
import { readJsonIfExists } from './storage-io.js';

/** A version in {@link listLoraVersions}: its record and whether it is the promoted final one. */
export interface LoraVersionSummary extends LoraVersionRecord {
  final: boolean;
}

/** `models/<model>/loras/final.json`. */
export function finalPointerKey(model: string): string {
  return `${storageKeys.lorasPrefix(model)}final.json`;
}

/** Every recorded LoRA version of a model, oldest first, with the final one marked. */
export async function listLoraVersions(
  storage: Storage,
  model: string,
  options: CallOptions = {},
): Promise<LoraVersionSummary[]> {
  const prefix = storageKeys.lorasPrefix(model);
  const final = await readJsonIfExists<FinalLoraPointer>(storage, finalPointerKey(model), options);
  const versions: LoraVersionSummary[] = [];
  for await (const info of storage.list({ prefix, signal: options.signal })) {
    const rest = info.key.slice(prefix.length);
    if (rest.split('/').length !== 2 || !rest.endsWith(`/${loraVersionFiles.record}`)) continue;
    const record = await readJsonIfExists<LoraVersionRecord>(storage, info.key, options);
    if (record) versions.push({ ...record, final: final?.version === record.version });
  }
  return versions.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.version.localeCompare(b.version));
}

/**
 * Reads one version's record.
 *
 * @throws NotFoundError when the version was not recorded.
 */
export async function readLoraVersion(
  storage: Storage,
  model: string,
  version: string,
  options: CallOptions = {},
): Promise<LoraVersionRecord> {
  const record = await readJsonIfExists<LoraVersionRecord>(
    storage,
    storageKeys.lora(model, version, loraVersionFiles.record),
    options,
  );
  if (!record) {
    throw new NotFoundError(
      `LoRA version "${version}" of model "${model}" does not exist: list the versions to see which do.`,
      {
        kind: 'lora-version',
        name: version,
      },
    );
  }
  return record;
}
