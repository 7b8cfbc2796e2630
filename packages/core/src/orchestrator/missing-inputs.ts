import type { Storage } from '../interfaces/storage.js';
import { mapConcurrent } from '../storage/list-files.js';
import type { RunRecorder } from './run-recorder.js';
import { stageIdOf, type UnitOutcome } from './run-unit.js';
import type { PaidStage, StagePhoto } from './stage.js';
import type { PlannedUnit, UnitFailure } from './studio-types.js';

type Failed = Extract<UnitOutcome, { kind: 'failed' }>;

/**
 * Units whose source or target file no longer exists (deleted after they were planned), each failed with its reason
 * and the failure journaled on its first stage not done. A stage needs the photos it `reads` until it is sent: a
 * stage done or in flight needs none.
 */
export async function missingInputsOf(
  units: readonly PlannedUnit[],
  stages: readonly PaidStage[],
  context: { storage: Storage; recorder: RunRecorder; signal: AbortSignal },
): Promise<Map<string, Failed>> {
  const needs = new Map<PlannedUnit, Set<StagePhoto>>();
  for (const unit of units) {
    const photos = new Set<StagePhoto>();
    for (const stage of stages) {
      const status = context.recorder.status(stageIdOf(unit, stage));
      if (status !== 'done' && status !== 'in-flight') for (const photo of stage.reads) photos.add(photo);
    }
    needs.set(unit, photos);
  }
  // Each photo once, a few at a time (a remote storage answers every head with a round trip): only the heads in
  // flight hold a promise, not one per photo of the plan.
  const keys = [...new Set(units.flatMap((unit) => [...needs.get(unit)!].map((photo) => keyOf(unit, photo))))];
  const found = await mapConcurrent(
    keys,
    8,
    async (key) => (await context.storage.head(key, { signal: context.signal })) !== undefined,
  );
  const existing = new Set(keys.filter((_, index) => found[index]));
  const missing = new Map<string, Failed>();
  for (const unit of units) {
    const photo = (['source', 'target'] as const).find((p) => needs.get(unit)!.has(p) && !existing.has(keyOf(unit, p)));
    if (!photo) continue;
    const first = stages.find((stage) => context.recorder.status(stageIdOf(unit, stage)) !== 'done')!;
    const stageId = stageIdOf(unit, first);
    const failure = missingPhoto(unit, photo, stageId);
    const { code, message, retryable } = failure;
    await context.recorder.failed(stageId, failure.stage, { code, message, retryable });
    missing.set(unit.id, { kind: 'failed', failure });
  }
  return missing;
}

function keyOf(unit: PlannedUnit, photo: StagePhoto): string {
  return photo === 'source' ? unit.sourceKey : unit.targetKey;
}

/** The failure of a unit whose source or target photo no longer exists. */
function missingPhoto(unit: PlannedUnit, photo: StagePhoto, stageId: string): UnitFailure {
  const name = photo === 'source' ? `Source ${unit.source}` : `Target ${unit.target} (${unit.rating})`;
  return {
    unitId: unit.id,
    stageId,
    stage: photo === 'source' ? 'source-check' : 'target-check',
    code: photo === 'source' ? 'missing-source' : 'missing-target',
    message:
      `${name} of model "${unit.model}" no longer exists (${keyOf(unit, photo)}): this unit was skipped and nothing ` +
      'was paid for it in this run. Put the photo back under that key to run it; the other units are not affected.',
    retryable: false,
  };
}
