import { padTargetNumber } from './image-number.js';
import { assertResultNameParts, type ResultNameParts, resultPartsFromMatch } from './result-name.js';

/**
 * The stable id of one unit of work, used by the progress journal and cost ledger:
 * `<model>:s<n>:t<ttt>:<rating>:<stage>`. Throws a `ValidationError` when a part breaks its rule.
 *
 * @example
 * ```ts
 * unitId({ model: 'andie', source: 2, target: 3, rating: 'sfw', stage: 'enhanced' }); // 'andie:s2:t003:sfw:enhanced'
 * ```
 */
export function unitId(parts: ResultNameParts): string {
  assertResultNameParts(parts);
  return `${parts.model}:s${parts.source}:t${padTargetNumber(parts.target)}:${parts.rating}:${parts.stage}`;
}

/** Parses an id written by {@link unitId}; `undefined` when it does not follow the rule. */
export function parseUnitId(id: string): ResultNameParts | undefined {
  const match = /^([^:]+):s(\d+):t(\d{3,}):([^:]+):(swapped|enhanced)$/.exec(id);
  return match ? resultPartsFromMatch(match) : undefined;
}
