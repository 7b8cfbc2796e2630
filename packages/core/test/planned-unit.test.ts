/**
 * The units a plan is made of: their ids and stage ids are written without checking the parts again (a run of 100,000
 * units reads them several times per unit), so they must be exactly what the naming rules give, and a unit must not
 * change after it was made and checked.
 */
import { stageId, storageKeys, unitId, unitStages, ValidationError } from '@model-studio/core';
import { describe, expect, it } from 'vitest';
import { LeanPlannedUnit } from '../src/orchestrator/planned-unit.js';
import { stageIdOf } from '../src/orchestrator/run-unit.js';

const samples = [
  { model: 'andie', source: 2, target: 3, rating: 'sfw' },
  { model: 'a', source: 1, target: 1, rating: 'sfw' },
  { model: 'mary-ann-2', source: 12, target: 999, rating: 'nsfw' },
  { model: 'x-t001', source: 100, target: 1000, rating: 'sfw' },
  { model: 'b', source: 9, target: 123456, rating: 'nsfw' },
];

describe('LeanPlannedUnit', () => {
  it('has the id, stage ids and keys of the naming rules', () => {
    for (const parts of samples) {
      const unit = new LeanPlannedUnit(parts.model, parts.source, parts.target, parts.rating);
      expect(unit.id).toBe(unitId(parts));
      for (const stage of unitStages) {
        expect(unit.stageId(stage)).toBe(stageId({ ...parts, stage }));
        expect(stageIdOf(unit, { result: stage })).toBe(stageId({ ...parts, stage }));
        // A plain unit (as a plan read back from JSON has) gets the same id through the checked path.
        expect(stageIdOf({ ...unit.toJSON() }, { result: stage })).toBe(stageId({ ...parts, stage }));
      }
      expect(unit.targetKey).toBe(storageKeys.target(parts.model, parts.rating, parts.target));
      expect(JSON.parse(JSON.stringify(unit))).toMatchObject({ ...parts, id: unitId(parts) });
    }
  });

  it('refuses bad parts when made and a bad stage when asked, and cannot be changed', () => {
    expect(() => new LeanPlannedUnit('Bad Name', 1, 1, 'sfw')).toThrow(ValidationError);
    expect(() => new LeanPlannedUnit('andie', 0, 1, 'sfw')).toThrow(ValidationError);
    expect(() => new LeanPlannedUnit('andie', 1, 1.5, 'sfw')).toThrow(ValidationError);
    const unit = new LeanPlannedUnit('andie', 1, 2, 'sfw');
    expect(() => unit.stageId('thumbnail' as never)).toThrow(ValidationError);
    expect(() => {
      (unit as { model: string }).model = '../../etc';
    }).toThrow(TypeError);
    expect(unit.id).toBe('andie:s1:t002:sfw');
  });
});
