import { ConsentError, ModelStudioError, ProviderError } from '../errors/index.js';
import type { PlannedUnit, RunSummary, UnitFailure } from './studio-types.js';

/** Errors that stop the whole run rather than fail one unit. */
export function isRunStopping(error: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  if (!ModelStudioError.isInstance(error)) return false;
  if (error.code === 'budget-exceeded' || error.code === 'consent') return true;
  return (
    ProviderError.isInstance(error) && (error.reason === 'insufficient-credits' || error.reason === 'authentication')
  );
}

/** A unit's failure from the error that ended it at `step`. */
export function toFailure(
  unit: PlannedUnit,
  step: { stage: UnitFailure['stage']; stageId?: string },
  error: unknown,
): UnitFailure {
  const provider = ProviderError.isInstance(error);
  const message = error instanceof Error ? error.message : String(error);
  const code = provider ? error.reason : ModelStudioError.isInstance(error) ? error.code : 'error';
  return { unitId: unit.id, ...step, code, message, retryable: provider ? error.isRetryable : false };
}

/** The outcome a run reports for the reason it stopped. */
export function outcomeOf(reason: unknown): RunSummary['outcome'] {
  if (ProviderError.isInstance(reason) && reason.reason === 'insufficient-credits') return 'insufficient-credits';
  if (ConsentError.isInstance(reason)) return 'consent-revoked';
  if ((reason as { code?: string } | undefined)?.code === 'budget-exceeded') return 'budget-exceeded';
  if (reason === undefined || (reason as { name?: string }).name === 'AbortError') return 'aborted';
  return 'failed';
}
