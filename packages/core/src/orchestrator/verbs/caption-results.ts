import type { CaptionEntry, CaptionRecords } from '../../captions/index.js';
import { assertConsent } from '../../consent/index.js';
import { ValidationError } from '../../errors/index.js';
import { formatResultName, parseStageId } from '../../naming/index.js';
import type { StudioContext } from '../studio-context.js';
import type { PlannedUnit, RunOptions, RunSummary } from '../studio-types.js';
import { plannedUnit } from './plan-run.js';
import { runPlan } from './run-plan.js';

/** Options of {@link captionResults}. */
export interface CaptionOptions extends RunOptions {
  /** Ratings to caption; each must be covered by a consent record that allows `train`. @default every rating with results */
  ratings?: string[];
}

/**
 * `studio.caption`: writes a training caption for every enhanced result of the model that has none, with the studio's
 * captioner, through the same run loop as the other stages (journaled, resumable after a crash, paid calls never
 * repeated, cost in the ledger, budget stops, events). Captions a person wrote or accepted are never rewritten.
 * Consent: the model's record must allow `train` for each rating.
 */
export async function captionResults(
  context: StudioContext,
  model: string,
  options: CaptionOptions = {},
): Promise<RunSummary> {
  const config = await context.workspace.getModel(model);
  const journal = await context.records.journal(model);
  const captioned = new Set((await context.records.captionEntries(model)).map((entry) => entry.name));
  const units = new Map<string, PlannedUnit>();
  for (const state of journal.stages()) {
    const parts = parseStageId(state.unitId);
    if (!parts || parts.model !== model || parts.stage !== 'enhanced' || state.status !== 'done') continue;
    if (options.ratings && !options.ratings.includes(parts.rating)) continue;
    if (captioned.has(formatResultName({ ...parts, stage: 'enhanced' }))) continue;
    const unit = plannedUnit(model, parts.source, parts.target, parts.rating);
    units.set(unit.id, unit);
  }
  const ratings = options.ratings ?? [...new Set([...units.values()].map((unit) => unit.rating))].sort();
  for (const rating of ratings) assertConsent(config, { rating, use: 'train' });
  if (units.size === 0 && captioned.size === 0) {
    throw new ValidationError(
      `Model "${model}" has no enhanced results to caption${options.ratings ? ` for ${options.ratings.join(', ')}` : ''}: run it first.`,
      { field: 'model', hint: { action: 'run', model } },
    );
  }
  const planned = [...units.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return runPlan(context, { model, ratings, units: planned, stages: ['caption'] }, options);
}

/** `studio.captions`: the model's captions as stored now (read-only). */
export function listCaptions(context: StudioContext, model: string): Promise<CaptionEntry[]> {
  return context.records.captionEntries(model);
}

/**
 * `studio.editCaptions`: runs `edit` with the model's caption writer, under the model's run lock (one process at a
 * time changes captions; another gets a `ModelBusyError`). Every change is stored when `edit` returns.
 */
export async function editCaptions<T>(
  context: StudioContext,
  model: string,
  edit: (records: CaptionRecords) => Promise<T>,
): Promise<T> {
  await context.workspace.getModel(model);
  const records = await context.records.captions(model);
  try {
    return await edit(records);
  } finally {
    await records.flush();
  }
}
