import { ModelStudioError } from '../errors/index.js';
import type { Storage } from '../interfaces/storage.js';
import { readAll } from './read-all.js';
import type { CopyFailure, PlannedUnit, StudioEvent, StudioSettings } from './studio-types.js';

/** What {@link mirrorResults} did: copies made, and copies that failed. */
export interface MirrorOutcome {
  copied: number;
  failures: CopyFailure[];
}

/** What {@link mirrorResults} needs. */
export interface MirrorContext {
  settings: StudioSettings;
  storage: Storage;
  signal: AbortSignal;
  emit: (event: StudioEvent) => void;
}

/**
 * Copies a unit's results (`keys`) to every result store. With `onlyMissing`, keys a store already has are skipped: a
 * later run uses it to finish copies a crash or a storage error left undone after the unit was done. Never throws: a
 * failed copy is reported (a `result-mirror-failed` event and the returned failures) and the next run tries it again;
 * once the run is stopped, the copies not yet made are left to the next run.
 */
export async function mirrorResults(
  context: MirrorContext,
  unit: PlannedUnit,
  keys: readonly string[],
  options: { onlyMissing?: boolean } = {},
): Promise<MirrorOutcome> {
  const outcome: MirrorOutcome = { copied: 0, failures: [] };
  for (const store of context.settings.resultStores ?? []) {
    for (const key of keys) {
      if (context.signal.aborted) return outcome;
      try {
        if (options.onlyMissing && (await store.head(key, { signal: context.signal }))) continue;
        const bytes = await readAll(await context.storage.get(key, { signal: context.signal }));
        await store.put(key, bytes, { contentType: 'image/jpeg', signal: context.signal });
      } catch (error) {
        if (context.signal.aborted) return outcome;
        const failure: CopyFailure = {
          unitId: unit.id,
          store: store.provider,
          key,
          code: ModelStudioError.isInstance(error) ? error.code : 'error',
          message: error instanceof Error ? error.message : String(error),
        };
        outcome.failures.push(failure);
        context.emit({ type: 'result-mirror-failed', ...failure });
        const note = `Copying ${key} to result store "${store.provider}" failed; the next run tries again.`;
        context.settings.logger?.warn(note, { error: failure.message });
        continue;
      }
      context.emit({ type: 'result-mirrored', unitId: unit.id, key, store: store.provider });
      outcome.copied += 1;
    }
  }
  return outcome;
}
