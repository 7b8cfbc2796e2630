/**
 * Exit codes of the `studio` command. Scripts can rely on them; the README documents the same table.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | everything asked for was done |
 * | 1 | an unexpected error (a bug, a provider failure that is not one of the cases below) |
 * | 2 | usage or validation: a bad flag, name, path or image, a missing setting |
 * | 3 | consent: the model's consent record is missing, revoked or does not cover the work |
 * | 4 | the budget would be exceeded; nothing over budget was submitted |
 * | 5 | the provider reports insufficient credits |
 * | 6 | the run finished but some units failed (the summary lists why) |
 * | 7 | a storage could not be reached or refused an operation (S3 settings, disk), or a run finished with results not
 *       copied to the result store; fix the storage and run again (done units are skipped, never paid again) |
 * | 8 | the model is being processed by another process (one run per model); wait for it or stop it |
 * | 130 | interrupted (Ctrl-C); `studio resume <model>` continues |
 */
export const exitCodes = Object.freeze({
  ok: 0,
  unexpected: 1,
  usage: 2,
  consent: 3,
  budgetExceeded: 4,
  insufficientCredits: 5,
  unitsFailed: 6,
  storage: 7,
  modelBusy: 8,
  interrupted: 130,
});

/** One of {@link exitCodes}' values. */
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

interface CodedError {
  code?: unknown;
  reason?: unknown;
  name?: unknown;
}

/**
 * The exit code for an error thrown by a command. Reads the stable `code` of `@model-studio/core` errors (and a
 * `ProviderError`'s `reason`) without importing core, so the CLI's cold start stays small.
 */
export function exitCodeForError(error: unknown): ExitCode {
  const coded = (typeof error === 'object' && error !== null ? error : {}) as CodedError;
  if (coded.name === 'AbortError' || coded.reason === 'aborted') return exitCodes.interrupted;
  switch (coded.code) {
    case 'validation':
    case 'not-found':
    case 'usage':
      return exitCodes.usage;
    case 'consent':
      return exitCodes.consent;
    case 'budget-exceeded':
      return exitCodes.budgetExceeded;
    case 'storage':
      return exitCodes.storage;
    case 'model-busy':
      return exitCodes.modelBusy;
    case 'provider':
      if (coded.reason === 'insufficient-credits') return exitCodes.insufficientCredits;
      return exitCodes.unexpected;
    default:
      if (typeof coded.code === 'string' && coded.code.startsWith('commander.')) return exitCodes.usage;
      return exitCodes.unexpected;
  }
}

/**
 * What a run summary means for the exit code (see {@link exitCodes}): how the run stopped first, then failed units,
 * then copies to the result store that failed (the units are done; running again finishes the copies).
 */
export function exitCodeForOutcome(summary: {
  outcome: string;
  failed: readonly unknown[];
  copyFailures?: readonly unknown[];
}): ExitCode {
  switch (summary.outcome) {
    case 'aborted':
      return exitCodes.interrupted;
    case 'budget-exceeded':
      return exitCodes.budgetExceeded;
    case 'insufficient-credits':
      return exitCodes.insufficientCredits;
    case 'consent-revoked':
      return exitCodes.consent;
    case 'failed':
      return exitCodes.unitsFailed;
    default:
      if (summary.failed.length > 0) return exitCodes.unitsFailed;
      return (summary.copyFailures?.length ?? 0) > 0 ? exitCodes.storage : exitCodes.ok;
  }
}
