import { assertConsent } from '../../consent/index.js';
import { ValidationError } from '../../errors/index.js';
import { SAFE_RATING } from '../../naming/index.js';
import type { ModelConfig } from '../../workspace/index.js';
import { modelOverview } from '../../workspace/model-overview.js';
import { configEtag, rememberRunConfig } from '../current-config.js';
import { LeanPlannedUnit } from '../planned-unit.js';
import type { StudioContext } from '../studio-context.js';
import type { Plan, PlannedUnit, PlanOptions } from '../studio-types.js';

/**
 * The unit that swaps source `source` onto target `target` of `rating`; its id and keys follow the naming rules and
 * are computed when read (see {@link LeanPlannedUnit}: a plan holds four fields per unit).
 */
export function plannedUnit(model: string, source: number, target: number, rating: string): PlannedUnit {
  return new LeanPlannedUnit(model, source, target, rating);
}

/**
 * `studio.plan`: every unit (source x target x rating) for the chosen sources, targets and ratings, in name order.
 * Checks consent for every rating, that every requested source and target exists, and that every target has a
 * provenance record. Nothing is journaled until the plan runs.
 */
export async function planRun(context: StudioContext, model: string, options: PlanOptions = {}): Promise<Plan> {
  const { workspace } = context;
  const etag = await configEtag(context, model);
  const config = await workspace.getModel(model);
  rememberRunConfig(context, model, etag, config);
  const ratings = options.ratings ?? (await defaultRatings(context, config));
  if (ratings.length === 0) {
    throw new ValidationError('Choose at least one rating to plan, e.g. ["sfw"].', { field: 'ratings' });
  }
  for (const rating of ratings) assertConsent(config, { rating, use: 'swap' });
  const available = await workspace.sourceNumbers(model);
  if (available.length === 0) {
    throw new ValidationError(`Model "${model}" has no source photos: import some first (studio.importSources).`, {
      field: 'sources',
      hint: { action: 'import-sources', model },
    });
  }
  const sources = options.sources ? chosen(options.sources, available, { model, what: 'source' }) : available;
  const units: PlannedUnit[] = [];
  for (const rating of ratings) {
    const imported = await workspace.targetNumbers(model, rating);
    const targets = options.targets ? chosen(options.targets, imported, { model, what: 'target', rating }) : imported;
    const recorded = new Set((config.targets[rating] ?? []).map((record) => record.n));
    const unrecorded = targets.filter((n) => !recorded.has(n));
    if (unrecorded.length > 0) {
      throw new ValidationError(
        `Targets ${unrecorded.slice(0, 10).join(', ')}${unrecorded.length > 10 ? ', ...' : ''} of model "${model}" (${rating}) have no provenance record: ` +
          'import targets with studio.importTargets (or record where they came from and your rights with workspace.recordTargets) before planning.',
        { field: 'targets', value: unrecorded, hint: { action: 'import-targets', model, rating } },
      );
    }
    for (const source of sources) for (const target of targets) units.push(plannedUnit(model, source, target, rating));
  }
  return { model, ratings: [...ratings], units };
}

/**
 * The ratings a plan takes by default: every rating that has targets and that the consent record covers. Without a
 * usable consent record it throws the `ConsentError` planning would; with none of them left, a `ValidationError`.
 */
async function defaultRatings(context: StudioContext, config: ModelConfig): Promise<string[]> {
  const model = config.name;
  const overview = await modelOverview(context.storage, config);
  const withTargets = Object.keys(overview.targets).sort();
  if (overview.consent !== 'recorded') {
    assertConsent(config, { rating: withTargets[0] ?? SAFE_RATING, use: 'swap' });
  }
  const ratings = withTargets.filter((rating) => overview.allowedRatings.includes(rating));
  if (ratings.length > 0) return ratings;
  if (withTargets.length === 0) {
    throw new ValidationError(`Model "${model}" has no target photos: import some first (studio.importTargets).`, {
      field: 'ratings',
      hint: { action: 'import-targets', model },
    });
  }
  throw new ValidationError(
    `Model "${model}" has targets for [${withTargets.join(', ')}] but its consent covers only [${overview.allowedRatings.join(', ')}].`,
    { field: 'ratings', value: withTargets, hint: { action: 'set-consent', model } },
  );
}

/**
 * The requested source or target numbers (each once, in the order given), after checking that the model has every
 * one of them: a plan with a number that does not exist would journal units that can never run.
 */
function chosen(
  requested: readonly number[],
  available: readonly number[],
  where: { model: string; what: 'source' | 'target'; rating?: string },
): number[] {
  const have = new Set(available);
  const numbers = [...new Set(requested)];
  const missing = numbers.filter((n) => !have.has(n));
  if (missing.length === 0) return numbers;
  const kind = where.rating === undefined ? where.what : `${where.rating} ${where.what}`;
  const importCall = where.what === 'source' ? 'studio.importSources' : 'studio.importTargets';
  throw new ValidationError(
    `Model "${where.model}" has no ${kind}${missing.length === 1 ? '' : 's'} ${numberRanges(missing)} ` +
      `(${available.length === 0 ? `it has no ${kind}s` : `its ${kind}s: ${numberRanges(available)}`}). ` +
      `Plan only ${where.what}s it has, or import more first (${importCall}). Nothing was planned or journaled.`,
    {
      field: `${where.what}s`,
      value: missing,
      hint:
        where.what === 'source'
          ? { action: 'import-sources', model: where.model }
          : {
              action: 'import-targets',
              model: where.model,
              ...(where.rating !== undefined && { rating: where.rating }),
            },
    },
  );
}

/** `1-3, 5, 9-12`: sorted numbers with runs shortened, for messages. */
function numberRanges(numbers: readonly number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(start === sorted[i] ? String(start) : `${start}-${sorted[i]}`);
  }
  return parts.join(', ');
}
