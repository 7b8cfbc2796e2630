import type { LedgerDimension } from '../../ledger/index.js';
import type { StudioContext } from '../studio-context.js';
import type { ModelCosts } from '../studio-types.js';

/**
 * `studio.costs`: the model's cost ledger summed per operation and rating (or `by`). Read-only: the file is read as it
 * is, without a lock, and never repaired (a last line another process is writing is skipped, not cut).
 */
export async function modelCosts(
  context: StudioContext,
  model: string,
  options: { by?: LedgerDimension[] } = {},
): Promise<ModelCosts> {
  await context.workspace.getModel(model);
  const ledger = await context.records.ledger(model);
  return {
    model,
    file: ledger.path,
    summary: ledger.summary({ by: options.by ?? ['op', 'rating'] }),
    skippedLines: ledger.skippedLines,
  };
}
