import type { Storage } from '../interfaces/storage.js';
import type { Workspace } from '../workspace/index.js';
import type { RunConfigCache } from './current-config.js';
import type { RecordStore } from './record-store.js';
import type { PaidStage } from './stage.js';
import type { StudioEvent, StudioSettings } from './studio-types.js';

/** A run of this studio in progress: how to stop it and when it has stopped. */
export interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * What every verb of a Studio is given: the settings, the workspace and its storage, the records the studio owns,
 * the stages every unit passes through, and the runs in progress. Verbs are plain functions of it, so each can be
 * tested without the whole Studio.
 */
export interface StudioContext {
  settings: StudioSettings;
  workspace: Workspace;
  storage: Storage;
  records: RecordStore;
  stages: readonly PaidStage[];
  runs: Map<string, ActiveRun>;
  /** The configs the studio last read, without target records, by model, with their ETags (see `runConfigFor`). */
  runConfigs: RunConfigCache;
}

/** Calls `onEvent` with an event; a handler that throws is logged, never stops the run. */
export function eventEmitter(
  context: StudioContext,
  onEvent: ((event: StudioEvent) => void) | undefined,
): (event: StudioEvent) => void {
  return (event) => {
    try {
      onEvent?.(event);
    } catch (error) {
      context.settings.logger?.warn('onEvent handler threw', { error: String(error) });
    }
  };
}
