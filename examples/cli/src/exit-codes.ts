/**
 * Exit codes of the `studio` command. Scripts can rely on them. What each means is in {@link exitCodeMeanings}, the one
 * table `studio --help` and the READMEs are generated from.
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

/**
 * What each exit code means, in a few words: the one table `studio --help` and the READMEs' exit-code tables are
 * generated from (a test checks that the READMEs agree). Typed by {@link exitCodes}' names, so a new code cannot be
 * added without its meaning.
 */
export const exitCodeMeanings: Readonly<Record<keyof typeof exitCodes, string>> = Object.freeze({
  ok: 'done: everything asked for was done',
  unexpected: 'unexpected error (set `STUDIO_DEBUG=1` for the stack)',
  usage: 'usage or validation: a bad flag, name, path, image or setting; a confirmation needed without a terminal',
  consent: 'consent: the record is missing, revoked or does not cover the rating or use',
  budgetExceeded: 'the budget would be exceeded (nothing over budget was submitted)',
  insufficientCredits: 'the provider reports insufficient credits',
  unitsFailed:
    'the run is incomplete: some units failed or are uncertain (the summary lists them and how to settle them)',
  storage:
    'storage failed (S3 or the workspace folder; the message says what to check) or results were not copied to S3: fix it and run again',
  modelBusy: 'the model is being processed by another process (one run per model at a time): wait for it or stop it',
  interrupted: 'interrupted (Ctrl-C); `studio resume <model>` continues',
});

/** Every exit code with its meaning, in ascending order of code. */
export function exitCodeTable(): { code: number; meaning: string }[] {
  return (Object.keys(exitCodes) as (keyof typeof exitCodes)[])
    .map((name) => ({ code: exitCodes[name], meaning: exitCodeMeanings[name] }))
    .sort((a, b) => a.code - b.code);
}

/** The exit codes for `studio --help`: one line per code. */
export function exitCodesHelp(): string {
  const rows = exitCodeTable();
  const width = Math.max(...rows.map((row) => String(row.code).length));
  return ['Exit codes:', ...rows.map((row) => `  ${String(row.code).padStart(width)}  ${row.meaning}`)].join('\n');
}

/** The exit codes as a Markdown table, as the READMEs show it (between `<!-- exit-codes:start/end -->` markers). */
export function exitCodesMarkdown(): string {
  return [
    '| code | meaning |',
    '| ---- | ------- |',
    ...exitCodeTable().map((row) => `| ${row.code} | ${row.meaning} |`),
  ].join('\n');
}

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
    case 'incomplete':
      return exitCodes.unitsFailed;
    case 'storage-failed':
      return exitCodes.storage;
    default:
      if (summary.failed.length > 0) return exitCodes.unitsFailed;
      return (summary.copyFailures?.length ?? 0) > 0 ? exitCodes.storage : exitCodes.ok;
  }
}
