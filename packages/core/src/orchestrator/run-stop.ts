import { ConsentError, ModelStudioError, ProviderError, StorageError } from '../errors/index.js';
import { modelRecordFiles } from '../naming/index.js';
import type { PlannedUnit, RunSummary, UnitFailure } from './studio-types.js';

/** Storage failures that will repeat for every write: the run stops submitting at the first one. */
const repeatingStorageCodes = new Set(['EROFS', 'ENOSPC', 'EACCES', 'EDQUOT', 'EPERM', 'EFBIG', 'AccessDenied']);

/** Storage failures in a row after which the run stops submitting, whatever their cause. */
export const storageFailuresInARow = 3;

/**
 * Whether a storage error will repeat for every write (full disk, read-only, permissions), or comes from the model's
 * records (the journal or the ledger refuse every write after one failed: nothing may be paid without them).
 */
export function isRepeatingStorageError(error: unknown): boolean {
  if (!StorageError.isInstance(error)) return false;
  if (repeatingStorageCodes.has(error.backendCode ?? '')) return true;
  const key = error.key ?? '';
  return error.operation === 'journal' || recordFiles.some((file) => key.endsWith(`/${file}`));
}

const recordFiles = [modelRecordFiles.journal, modelRecordFiles.ledger];

/** Errors that stop the whole run rather than fail one unit. */
export function isRunStopping(error: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  if (!ModelStudioError.isInstance(error)) return false;
  if (error.code === 'budget-exceeded' || error.code === 'consent') return true;
  if (isRepeatingStorageError(error)) return true;
  return (
    ProviderError.isInstance(error) && (error.reason === 'insufficient-credits' || error.reason === 'authentication')
  );
}

/**
 * How a run-stopping error stops the run: `drain` stops new submissions but still waits for the jobs already accepted
 * (they are paid for: budget, insufficient credits); `halt` stops waiting too, leaving accepted jobs journaled in
 * flight for `resume` (Ctrl-C, revoked consent, a storage that fails, anything else).
 */
export function stopKind(error: unknown): 'drain' | 'halt' {
  if (ModelStudioError.isInstance(error) && error.code === 'budget-exceeded') return 'drain';
  if (ProviderError.isInstance(error) && error.reason === 'insufficient-credits') return 'drain';
  return 'halt';
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
  if (StorageError.isInstance(reason)) return 'storage-failed';
  if (reason === undefined || (reason as { name?: string }).name === 'AbortError') return 'aborted';
  return 'failed';
}
