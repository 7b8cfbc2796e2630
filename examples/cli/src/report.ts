import type { CostEstimate, ImportResult, ModelStatus, RunSummary } from '@model-studio/core';
import pc from 'picocolors';
import type { Output } from './output.js';
import type { S3Settings } from './settings.js';

/**
 * `Face detected in 3/4 targets`: files with at least one face over the files that reached face detection (files
 * refused earlier, for their format, size or as duplicates, are not counted).
 */
export function faceCheckSummary(results: readonly ImportResult[], noun = 'targets'): string {
  const checked = results.filter((result) => result.faces !== undefined);
  const withFace = checked.filter((result) => (result.faces ?? 0) > 0).length;
  return `Face detected in ${withFace}/${checked.length} ${noun}`;
}

/**
 * One line per file: the new name (and any warning), why it was refused, or why it was skipped (files of a folder that
 * are not images, see `collectInputFiles`); then how many hidden files were ignored, so every file is accounted for.
 */
export function printImportResults(
  out: Output,
  results: readonly ImportResult[],
  skipped: readonly { name: string; reason: { code: string; message: string } }[] = [],
  hidden = 0,
): void {
  for (const result of results) {
    if (result.accepted) {
      const size = result.width && result.height ? `${result.width}x${result.height}` : '';
      const faces = result.faces === undefined ? '' : `${result.faces} face${result.faces === 1 ? '' : 's'}`;
      const detail = [size, faces].filter(Boolean).join(', ');
      const name = result.key?.split('/').pop() ?? '';
      out.line(`  ${pc.green('✔')} ${result.name} → ${name}${detail ? ` (${detail})` : ''}`);
      for (const warning of result.warnings ?? []) out.line(pc.yellow(`      ! ${warning.message} [${warning.code}]`));
    } else {
      out.line(
        `  ${pc.red('✖')} ${result.name}: ${result.reason?.message ?? 'refused'} [${result.reason?.code ?? 'refused'}]`,
      );
    }
  }
  for (const file of skipped) out.line(`  ${pc.dim('–')} ${file.name}: ${file.reason.message} [${file.reason.code}]`);
  if (hidden > 0) out.line(pc.dim(`  ${hidden} hidden file(s) ignored (names starting with a dot, e.g. .DS_Store)`));
}

/** `40 credits` or `40 credits + 1 USD`. */
export function formatAmounts(amounts: Record<string, number>): string {
  const parts = Object.entries(amounts).map(([unit, amount]) => `${round(amount)} ${unit}`);
  return parts.length > 0 ? parts.join(' + ') : '0 credits';
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The estimate: per operation and in total, with the price-table note. */
export function printEstimate(out: Output, estimate: CostEstimate): void {
  const ops = Object.entries(estimate.perOp).map(
    ([op, entry]) =>
      `${op}: ${entry.count} × ${round(entry.amount / Math.max(1, entry.count))} = ${round(entry.amount)} ${entry.unit}`,
  );
  out.line(`Estimated cost: ${pc.bold(formatAmounts(estimate.total))}${ops.length > 0 ? ` (${ops.join('; ')})` : ''}`);
  if (estimate.alreadyDone > 0) out.line(`  ${estimate.alreadyDone} unit(s) already done will be skipped.`);
  out.line(pc.dim(`  ${estimate.note}`));
}

/** Facts the summary shows besides the run summary itself. */
export interface SummaryContext {
  /** Absolute path of the workspace folder. */
  workspaceDir: string;
  /** A sandbox run: the summary says so. */
  sandbox: boolean;
  /** The sandbox ran in this process: the hints to continue say `studio --sandbox ...`. */
  inProcessSandbox?: boolean;
  /** Where results were uploaded (e.g. `s3://bucket/prefix`), when a result store is configured. */
  uploadTarget?: string;
  /** Extra lines (e.g. the demo's minimum-side note). */
  notes?: string[];
}

/** `3/3 units verified`: units whose swap was verified and enhanced (this run or earlier) over the plan's units. */
export function verifiedLine(summary: RunSummary): string {
  return `${summary.succeeded + summary.skipped}/${summary.total} units verified`;
}

/**
 * The command that continues this work: with the sandbox flag after a run on the in-process sandbox
 * (`studio --sandbox resume`), so the hint does not ask for an API key the user never set.
 */
function again(context: SummaryContext, command: 'run' | 'resume'): string {
  return `studio${context.inProcessSandbox ? ' --sandbox' : ''} ${command}`;
}

/** The run summary: successes, failures with reasons, where results are, storage upload, credits used. */
export function printSummary(out: Output, summary: RunSummary, context: SummaryContext): void {
  const title = `${context.sandbox ? '[SANDBOX] ' : ''}Summary for model "${summary.model}"`;
  out.line();
  out.line(pc.bold(title));
  const outcome = summary.outcome === 'completed' ? pc.green('completed') : pc.yellow(summary.outcome);
  out.line(`  Outcome: ${outcome} in ${(summary.durationMs / 1000).toFixed(1)} s`);
  out.line(
    `  Successful: ${pc.green(verifiedLine(summary))}${summary.skipped > 0 ? ` (${summary.skipped} done earlier)` : ''}`,
  );
  if (summary.reattached > 0) out.line(`  Reattached to ${summary.reattached} job(s) recorded before a restart`);
  out.line(`  Failed: ${summary.failed.length === 0 ? '0' : pc.red(String(summary.failed.length))}`);
  for (const failure of summary.failed) {
    out.line(`    - ${failure.unitId} at ${failure.stage}: ${failure.message} [${failure.code}]`);
  }
  if (summary.uncertain.length > 0) {
    out.line(
      pc.yellow(
        `  Uncertain: ${summary.uncertain.length} submission(s) may have been charged without a recorded job id: ` +
          `${summary.uncertain.join(', ')}. Settle each from your provider account: \`${again(context, 'resume')} ${summary.model} --attach <stage-id>=<job-id>\` ` +
          `when you find its job; \`studio costs settle <stage-id> --not-charged\` (or --charged) when you do not; \`--resubmit-uncertain\` resubmits them (may pay twice).`,
      ),
    );
  }
  const resultsDir = `${context.workspaceDir}/models/${summary.model}/results/`;
  out.line(`  Results: ${summary.outputs.length} new file(s) under ${resultsDir}`);
  for (const key of summary.outputs.slice(0, 5)) out.line(pc.dim(`    ${key.split('/').pop()}`));
  if (summary.outputs.length > 5) out.line(pc.dim(`    ... and ${summary.outputs.length - 5} more`));
  printStorageUpload(out, summary, context);
  if (summary.overBudget.length > 0) {
    out.line(
      pc.yellow(
        `  Not run: ${summary.overBudget.length} unit(s) the budget does not cover whole (nothing paid for them): ${summary.overBudget.slice(0, 5).join(', ')}${summary.overBudget.length > 5 ? ', ...' : ''}`,
      ),
    );
  }
  printMoney(out, summary, context);
  out.line(pc.dim(`    ${summary.costNote}`));
  for (const note of context.notes ?? []) out.line(`  ${note}`);
  const stopped = stopHints[summary.outcome];
  if (stopped) out.line(pc.yellow(`  ${stopped} ${again(context, 'resume')} ${summary.model}`));
  else if (summary.failed.some((failure) => failure.retryable)) {
    // Only failures that may pass: an input the provider refused (or a failed verification) fails again, paid again.
    out.line(
      `  Retry the failed units (done ones are skipped, never paid again): ${again(context, 'run')} ${summary.model}`,
    );
  }
}

/**
 * `Credits used: 34 credits (charged 24, in flight 10: resume fetches their results without paying again)`: what this
 * run may have spent, by state. Never "0" when the provider accepted a job.
 */
function printMoney(out: Output, summary: RunSummary, context: SummaryContext): void {
  const { money } = summary;
  const parts = [
    Object.keys(money.charged).length > 0 ? `charged ${formatAmounts(money.charged)}` : '',
    Object.keys(money.inFlight).length > 0
      ? `in flight ${formatAmounts(money.inFlight)} (accepted, so charged; \`${again(context, 'resume')} ${summary.model}\` fetches the results without paying again)`
      : '',
    Object.keys(money.uncertain).length > 0
      ? `uncertain ${formatAmounts(money.uncertain)} (may have been charged)`
      : '',
  ].filter(Boolean);
  const breakdown = parts.length > 1 || Object.keys(money.charged).length === 0 ? parts.join('; ') : '';
  out.line(
    `  Credits used: ${pc.bold(formatAmounts(summary.spent))}${breakdown ? ` (${breakdown})` : ''}${context.sandbox ? ' (sandbox credits, nothing paid)' : ''}`,
  );
}

/** Copy failures listed one by one in the summary; the rest are counted. */
const listedCopyFailures = 3;

/**
 * The summary's "Storage upload" line: copies made and, when some failed, how many, why, and that running again
 * finishes them (the units are done and their results stored locally).
 */
function printStorageUpload(out: Output, summary: RunSummary, context: SummaryContext): void {
  const failures = summary.copyFailures;
  if (!context.uploadTarget && failures.length === 0) {
    out.line('  Storage upload: not configured (set S3_BUCKET and the S3_* settings to upload results)');
    return;
  }
  const where = context.uploadTarget ?? 'the result store';
  const copied = `${summary.mirrored} file(s) copied to ${where}`;
  if (failures.length === 0) {
    out.line(`  Storage upload: ${copied}`);
    return;
  }
  out.line(
    `  Storage upload: ${copied}; ${pc.red(`${failures.length} ${failures.length === 1 ? 'copy' : 'copies'} failed`)} (the results are stored in the workspace):`,
  );
  for (const failure of failures.slice(0, listedCopyFailures)) {
    out.line(`    - ${failure.key.split('/').pop()}: ${failure.message} [${failure.code}]`);
  }
  if (failures.length > listedCopyFailures) out.line(`    ... and ${failures.length - listedCopyFailures} more`);
  out.line(
    pc.yellow(
      `    Running again finishes the copies (done units are skipped, never paid again): ${again(context, 'run')} ${summary.model}`,
    ),
  );
}

/**
 * What to check when a storage fails (exit code 7): for S3 the bucket, the endpoint (without any credentials in it)
 * and the settings to look at; for the local workspace folder, the folder. Never includes secret values.
 */
export function storageErrorHint(message: string, s3: S3Settings | undefined, workspaceDir: string): string {
  const again = 'Everything recorded so far is kept: run the command again once the storage works.';
  if (s3 && !message.startsWith('LocalStorage')) {
    const endpoint = s3.endpoint ? `endpoint ${withoutCredentials(s3.endpoint)}` : 'AWS endpoint for the region';
    return (
      `The S3 storage (bucket "${s3.bucket}", ${endpoint}) could not be reached or refused the request. ` +
      'Check S3_ENDPOINT, S3_BUCKET and S3_REGION, and the credentials (S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, ' +
      `or the AWS credential chain). ${again}`
    );
  }
  return `The workspace folder ${workspaceDir} could not be used: check that it exists, is writable and has free space. ${again}`;
}

/** A URL without the user name and password it may carry. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return '(S3_ENDPOINT is not a valid URL)';
  }
}

const stopHints: Partial<Record<RunSummary['outcome'], string>> = {
  aborted: 'Interrupted: submitted jobs are recorded in the journal and will not be paid again. Continue with:',
  'budget-exceeded': 'Stopped before exceeding the budget. Continue (with a larger --budget) with:',
  'insufficient-credits': 'Stopped: the provider reports insufficient credits. Buy credits, then continue with:',
  'storage-failed':
    'Stopped: a storage kept failing (full or read-only disk, permissions), so nothing new was submitted. Jobs already accepted are recorded (or saved in the recovery file named above) and are polled, not paid again. Fix the storage, then continue with:',
};

/**
 * The journal-derived status of a model: how many units are complete (enhanced and stored), then its stages (a swap
 * stage and an enhance stage per unit) by state.
 */
export function printStatus(out: Output, status: ModelStatus): void {
  const { units, stages } = status;
  out.line(`${pc.bold(`Status of model "${status.model}"`)}: ${units.done} of ${units.total} unit(s) complete`);
  out.line(`  Stages (${stages.total}: a swap and an enhance per unit):`);
  out.line(`    Done: ${stages.done}`);
  out.line(`    Pending: ${stages.pending}`);
  out.line(`    In flight (reattachable): ${stages.inFlight}`);
  for (const job of status.inFlight) out.line(`      - ${job.stageId}: ${job.op} job ${job.jobId}`);
  out.line(`    Uncertain: ${stages.uncertain}`);
  for (const id of status.uncertain) out.line(`      - ${id}`);
  out.line(`    Failed: ${stages.failed}`);
  for (const failure of status.failed) {
    out.line(`      - ${failure.stageId ?? failure.unitId} at ${failure.stage}: ${failure.message}`);
  }
}
