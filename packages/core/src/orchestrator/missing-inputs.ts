import type { Storage } from '../interfaces/storage.js';
import { mapConcurrent } from '../storage/list-files.js';
import { storedPhotoNumbers } from '../workspace/stored-photo-numbers.js';
import type { RunRecorder } from './run-recorder.js';
import { stageIdOf, type UnitOutcome } from './run-unit.js';
import type { PaidStage, StagePhoto } from './stage.js';
import type { PlannedUnit, UnitFailure } from './studio-types.js';

type Failed = Extract<UnitOutcome, { kind: 'failed' }>;

/** The photos of one kind (sources, or one rating's targets): a unit that reads each, by photo number. */
type PhotoGroup = { photo: StagePhoto; readers: Map<number, PlannedUnit> };

/**
 * From this many photos of one group on, the group's folder is listed once (a page of up to 1,000 keys per request on
 * S3, directory listings only on a local disk) instead of asking for each photo: 100,000 targets cost 100 listing
 * requests, not 100,000 heads.
 */
const LIST_FROM = 1000;

/**
 * Units whose source or target file no longer exists (deleted after they were planned), each failed with its reason
 * and the failure journaled on its first stage not done. A stage needs the photos it `reads` until it is sent: a
 * stage done or in flight needs none.
 *
 * Each photo is checked once, a few at a time (a remote storage answers every head with a round trip), or, for a group
 * of {@link LIST_FROM} photos or more, by listing its folder once and asking only for the photos the listing misses.
 * The photos are held as numbers with one unit that reads each, and a unit's needs are worked out again only for the
 * units whose photo is gone: a plan of 100,000 units holds no key or set per unit while the photos are checked.
 */
export async function missingInputsOf(
  units: readonly PlannedUnit[],
  stages: readonly PaidStage[],
  context: { storage: Storage; recorder: RunRecorder; signal: AbortSignal },
): Promise<Map<string, Failed>> {
  const groups = new Map<string, PhotoGroup>();
  for (const unit of units) {
    for (const photo of photosNeeded(unit, stages, context.recorder)) {
      const name = groupOf(unit, photo);
      let group = groups.get(name);
      if (!group) {
        group = { photo, readers: new Map() };
        groups.set(name, group);
      }
      if (!group.readers.has(numberOf(unit, photo))) group.readers.set(numberOf(unit, photo), unit);
    }
  }
  const gone = new Map<string, Set<number>>();
  for (const [name, { photo, readers }] of groups) {
    const readerList = [...readers.values()];
    const listed = readerList.length >= LIST_FROM ? await storedNumbers(readerList[0]!, photo, context) : undefined;
    // A photo the listing does not show is asked for all the same (a storage whose listings lag behind its writes, as
    // OpenStack Swift's can, must not fail a unit whose photo is there).
    const unlisted = listed ? readerList.filter((unit) => !listed.has(numberOf(unit, photo))) : readerList;
    const found = await mapConcurrent(
      unlisted,
      8,
      async (unit) => (await context.storage.head(keyOf(unit, photo), { signal: context.signal })) !== undefined,
    );
    const missingNumbers = new Set(unlisted.filter((_, index) => !found[index]).map((unit) => numberOf(unit, photo)));
    if (missingNumbers.size > 0) gone.set(name, missingNumbers);
  }
  const missing = new Map<string, Failed>();
  if (gone.size === 0) return missing;
  const isGone = (unit: PlannedUnit, photo: StagePhoto) => gone.get(groupOf(unit, photo))?.has(numberOf(unit, photo));
  for (const unit of units) {
    if (!isGone(unit, 'source') && !isGone(unit, 'target')) continue;
    const needs = photosNeeded(unit, stages, context.recorder);
    const photo = (['source', 'target'] as const).find((p) => needs.has(p) && isGone(unit, p));
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

/** The numbers of the photos stored in the folder of `unit`'s group, from one listing. */
async function storedNumbers(unit: PlannedUnit, photo: StagePhoto, context: { storage: Storage; signal: AbortSignal }) {
  const rating = photo === 'source' ? undefined : unit.rating;
  return new Set(await storedPhotoNumbers(context.storage, unit.model, rating, { signal: context.signal }));
}

/** The photos a unit's stages still read: those of each stage neither done nor in flight. */
function photosNeeded(unit: PlannedUnit, stages: readonly PaidStage[], recorder: RunRecorder): Set<StagePhoto> {
  const photos = new Set<StagePhoto>();
  for (const stage of stages) {
    if (stage.reads.length === 0) continue;
    const status = recorder.status(stageIdOf(unit, stage));
    if (status !== 'done' && status !== 'in-flight') for (const photo of stage.reads) photos.add(photo);
  }
  return photos;
}

/** The group of a unit's photo: its model's sources, or its model's targets of its rating. */
function groupOf(unit: PlannedUnit, photo: StagePhoto): string {
  return photo === 'source' ? `${unit.model}/source` : `${unit.model}/target/${unit.rating}`;
}

function numberOf(unit: PlannedUnit, photo: StagePhoto): number {
  return photo === 'source' ? unit.source : unit.target;
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
