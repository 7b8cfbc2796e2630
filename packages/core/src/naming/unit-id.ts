import { padTargetNumber } from './image-number.js';
import { assertResultNameParts, type ResultNameParts, resultPartsFromMatch } from './result-name.js';

/**
 * What a unit id names: a result's parts, with the stage optional. Without a stage the id names the whole unit
 * (swap and enhance of one source onto one target); with it, one stage of that unit.
 */
export type UnitIdParts = Omit<ResultNameParts, 'stage'> & { stage?: ResultNameParts['stage'] | undefined };

/**
 * The stable id of one unit of work, used by the progress journal and cost ledger (DESIGN.md, crash safety):
 * `<model>:s<n>:t<ttt>:<rating>:<stage>`, or `<model>:s<n>:t<ttt>:<rating>` for the whole unit when `stage` is
 * omitted. Throws a `ValidationError` when a part breaks its rule.
 *
 * @example
 * ```ts
 * unitId({ model: 'andie', source: 2, target: 3, rating: 'sfw', stage: 'enhanced' }); // 'andie:s2:t003:sfw:enhanced'
 * unitId({ model: 'andie', source: 2, target: 3, rating: 'sfw' });                    // 'andie:s2:t003:sfw'
 * ```
 */
export function unitId(parts: UnitIdParts): string {
  assertResultNameParts({ ...parts, stage: parts.stage ?? 'swapped' });
  const base = `${parts.model}:s${parts.source}:t${padTargetNumber(parts.target)}:${parts.rating}`;
  return parts.stage === undefined ? base : `${base}:${parts.stage}`;
}

/**
 * Parses an id written by {@link unitId}; `undefined` when it does not follow the rule. The result has a `stage`
 * only when the id has one.
 */
export function parseUnitId(id: string): UnitIdParts | undefined {
  const match = /^([^:]+):s(\d+):t(\d{3,}):([^:]+)(?::(swapped|enhanced))?$/.exec(id);
  if (!match) return undefined;
  const stage = match[5];
  match[5] = stage ?? 'swapped';
  const parts: UnitIdParts | undefined = resultPartsFromMatch(match);
  if (parts && stage === undefined) delete parts.stage;
  return parts;
}
