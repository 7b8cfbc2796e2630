import { assertUnitStage, storageKeys, type UnitStage, unitId } from '../naming/index.js';
import { formatUnitId } from '../naming/unit-id.js';
import type { PlannedUnit } from './studio-types.js';

/**
 * A unit of a plan as the planner makes it: its model, source, target and rating, with its id and storage keys
 * computed when read (from the naming rules, checked once when it is made) instead of kept as strings. A plan of
 * 100,000 units then holds four fields per unit, not five strings built piece by piece (about 1.3 KB a unit); the
 * keys are built again only for the units that run. `JSON.stringify` writes every field, keys included, as a plain
 * {@link PlannedUnit} would have them.
 * @internal
 */
export class LeanPlannedUnit implements PlannedUnit {
  constructor(
    readonly model: string,
    readonly source: number,
    readonly target: number,
    readonly rating: string,
  ) {
    // Checks every part by the naming rules (a bad part is a ValidationError now, not when a key is first read), and
    // keeps the unit as made: its id and stage ids are then written without checking the parts again (a run of
    // 100,000 units reads them several times per unit).
    unitId(this);
    Object.freeze(this);
  }

  /** `<model>:s<n>:t<ttt>:<rating>` (see `unitId()`). */
  get id(): string {
    return formatUnitId(this);
  }

  /** The id of the unit's stage `stage`: `<unit id>:<stage>` (see `stageId()`). */
  stageId(stage: UnitStage): string {
    assertUnitStage(stage);
    return `${this.id}:${stage}`;
  }

  get sourceKey(): string {
    return storageKeys.source(this.model, this.source);
  }

  get targetKey(): string {
    return storageKeys.target(this.model, this.rating, this.target);
  }

  get swappedKey(): string {
    return storageKeys.result({ ...this.parts(), stage: 'swapped' });
  }

  get enhancedKey(): string {
    return storageKeys.result({ ...this.parts(), stage: 'enhanced' });
  }

  /** The unit as a plain {@link PlannedUnit} (every field, keys included), for `JSON.stringify`. */
  toJSON(): PlannedUnit {
    const { id, sourceKey, targetKey, swappedKey, enhancedKey } = this;
    return { id, ...this.parts(), sourceKey, targetKey, swappedKey, enhancedKey };
  }

  private parts() {
    return { model: this.model, source: this.source, target: this.target, rating: this.rating };
  }
}
