import type { CostEstimate, Plan, RunOptions, RunSummary } from '@model-studio/core';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { confirmOrYes } from '../confirm.js';
import { exitCodeForOutcome, exitCodes } from '../exit-codes.js';
import { createProgressReporter } from '../progress-reporter.js';
import { printRemainingCost, remainingCost } from '../remaining-cost.js';
import { printEstimate, printSummary, verifiedLine } from '../report.js';
import { type CliStudio, openCliStudio } from '../studio-factory.js';
import { UsageError } from '../usage-error.js';

/** Options of `studio estimate` and `studio run`. */
export interface PlanCommandOptions {
  ratings?: string[];
  sources?: number[];
  targets?: number[];
}

/** The plan for the command's options: the ratings given, else every rating with targets that consent covers. */
async function planFor(cli: CliStudio, model: string, options: PlanCommandOptions): Promise<Plan> {
  const planOptions: Parameters<CliStudio['studio']['plan']>[1] = {};
  if (options.ratings && options.ratings.length > 0) planOptions.ratings = options.ratings;
  if (options.sources) planOptions.sources = options.sources;
  if (options.targets) planOptions.targets = options.targets;
  return cli.studio.plan(model, planOptions);
}

/** `studio estimate <model>`. */
export async function estimateCommand(
  context: CliContext,
  model: string,
  options: PlanCommandOptions,
): Promise<number> {
  const cli = await openCliStudio(context, 'none');
  try {
    const plan = await planFor(cli, model, options);
    const estimate = await cli.studio.estimate(plan);
    context.out.result({ model, ratings: plan.ratings, units: plan.units.length, estimate }, () => {
      context.out.line(`${plan.units.length} unit(s) for model "${model}" (${plan.ratings.join(', ')})`);
      printEstimate(context.out, estimate);
    });
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}

/** Extra facts for the summary screen. */
export interface RunScreenOptions {
  notes?: string[];
  /** Skip the "Continue? [Y/n]" question (already answered). */
  confirmed?: boolean;
}

/** What {@link executePlan} did: the estimate shown, the summary (undefined when the user declined) and the exit code. */
export interface PlanExecution {
  estimate: CostEstimate;
  summary?: RunSummary;
  exitCode: number;
}

/**
 * Shows the estimate, asks "Continue? [Y/n]", runs the plan with a progress bar (Ctrl-C stops cleanly) and prints
 * the summary. Shared by `studio run`, the menu and `studio demo`.
 */
export async function executePlan(
  context: CliContext,
  cli: CliStudio,
  plan: Plan,
  screen: RunScreenOptions = {},
): Promise<PlanExecution> {
  const { out } = context;
  const estimate = await cli.studio.estimate(plan);
  out.line(
    `${cli.sandbox ? pc.yellow('[SANDBOX] ') : ''}${plan.units.length} unit(s) for model "${plan.model}" (${plan.ratings.join(', ')}) via ${cli.providerLabel}`,
  );
  printEstimate(out, estimate);
  if (!screen.confirmed && !(await confirmOrYes(context, 'Continue? [Y/n]'))) {
    out.line('Nothing was run.');
    return { estimate, exitCode: exitCodes.ok };
  }
  const summary = await withProgress(context, (runOptions) => cli.studio.run(plan, runOptions));
  reportRun(context, cli, summary, screen.notes);
  return { estimate, summary, exitCode: exitCodeForOutcome(summary) };
}

/**
 * Runs `start` with the options every run shares: Ctrl-C's signal, the `--budget`, and a progress display fed by the
 * run's events (stopped before anything else is printed).
 */
export async function withProgress(
  context: CliContext,
  start: (options: RunOptions) => Promise<RunSummary>,
): Promise<RunSummary> {
  const progress = createProgressReporter(context.out, { tty: context.interactive });
  const options: RunOptions = {
    signal: context.signal,
    onEvent: (event) => {
      progress.onEvent(event);
      // A charged job whose id the journal could not record: the person must see it, whatever else happens.
      if (event.type === 'job-unrecorded') {
        context.out.error(
          `The provider accepted ${event.op} job ${event.jobId} for ${event.stageId} (it is charged) but the journal could not record it: ` +
            (event.recoveryFile
              ? `its id is saved in ${event.recoveryFile}; \`studio resume ${event.model}\` polls it once the disk is writable.`
              : `note the id and run \`studio resume ${event.model} --attach ${event.stageId}=${event.jobId}\` once the disk is writable.`),
        );
      }
    },
  };
  if (context.options.budget !== undefined) options.budget = { limit: context.options.budget, unit: 'credits' };
  try {
    return await start(options);
  } finally {
    progress.stop();
  }
}

/** Prints the summary (human mode only), with the resume hint after an interruption. */
export function reportRun(context: CliContext, cli: CliStudio, summary: RunSummary, notes: string[] = []): void {
  if (context.out.json) return;
  const summaryContext: Parameters<typeof printSummary>[2] = {
    workspaceDir: cli.root,
    sandbox: cli.sandbox,
    inProcessSandbox: cli.inProcessSandbox,
    notes,
  };
  if (cli.uploadTarget) summaryContext.uploadTarget = cli.uploadTarget;
  printSummary(context.out, summary, summaryContext);
}

/** `studio run <model>`. */
export async function runCommand(context: CliContext, model: string, options: PlanCommandOptions): Promise<number> {
  const cli = await openCliStudio(context, 'configured');
  try {
    const plan = await planFor(cli, model, options);
    const execution = await executePlan(context, cli, plan);
    context.out.result(
      {
        model,
        ratings: plan.ratings,
        estimate: execution.estimate,
        summary: execution.summary ?? null,
        verified: execution.summary ? verifiedLine(execution.summary) : null,
      },
      () => {},
    );
    return execution.exitCode;
  } finally {
    await cli.close();
  }
}

/** Options of `studio resume`. */
export interface ResumeOptions {
  resubmitUncertain?: boolean;
  /** `<stage-id>=<job-id>` pairs: job ids of uncertain submissions found in the provider account. */
  attach?: string[];
}

/** Parses `--attach <stage-id>=<job-id>`. */
function parseAttach(spec: string): { stageId: string; jobId: string } {
  const at = spec.lastIndexOf('=');
  if (at <= 0 || at === spec.length - 1) {
    throw new UsageError(`--attach takes <stage-id>=<job-id>, e.g. andie:s1:t001:sfw:swapped=job_123 (got "${spec}").`);
  }
  return { stageId: spec.slice(0, at), jobId: spec.slice(at + 1) };
}

/**
 * `studio resume <model>`: records `--attach`ed job ids, shows what is left, asks first unless `--yes` (and, with
 * `--resubmit-uncertain`, says how much it may pay twice), then continues the last run.
 */
export async function resumeCommand(context: CliContext, model: string, options: ResumeOptions): Promise<number> {
  const cli = await openCliStudio(context, 'configured');
  try {
    for (const spec of options.attach ?? []) {
      const { stageId, jobId } = parseAttach(spec);
      await cli.studio.attachJob(model, stageId, jobId);
      context.out.line(`Attached job ${jobId} to ${stageId}: this resume polls it and never pays for it again.`);
    }
    const status = await cli.studio.status(model);
    context.out.line(
      `Model "${model}": ${status.stages.done} stage(s) done, ${status.stages.pending} pending, ${status.stages.inFlight} in flight (reattached, not paid again), ${status.stages.uncertain} uncertain, ${status.stages.failed} failed.`,
    );
    if (status.stages.uncertain > 0 && !options.resubmitUncertain) {
      context.out.warn(
        `${status.stages.uncertain} uncertain submission(s) will be left alone. Settle each from your provider account: ` +
          `\`studio resume ${model} --attach <stage-id>=<job-id>\` when you find its job, \`studio costs settle <stage-id> --not-charged\` when it was not charged; or pass --resubmit-uncertain (may pay twice).`,
      );
    }
    if (status.stages.uncertain > 0 && options.resubmitUncertain) {
      const costs = await cli.studio.costs(model, { by: [] });
      const twice = costs.summary.totals.filter((row) => row.uncertain > 0);
      const amount = twice.map((row) => `${row.uncertain} ${row.unitOfAccount}`).join(' + ') || 'their price';
      context.out.warn(
        `--resubmit-uncertain sends ${status.stages.uncertain} uncertain submission(s) again: if the provider charged the first attempts, up to ${amount} is paid twice.`,
      );
      if (!(await confirmOrYes(context, `Resubmit and possibly pay ${amount} twice? [y/N]`, false))) {
        context.out.line('Nothing was run.');
        return exitCodes.ok;
      }
    }
    const { prices } = (await cli.workspace.getModel(model)).settings;
    printRemainingCost(context.out, remainingCost(status, prices, options));
    if (!(await confirmOrYes(context, 'Continue? [Y/n]'))) {
      context.out.line('Nothing was run.');
      return exitCodes.ok;
    }
    const summary = await withProgress(context, (runOptions) =>
      cli.studio.resume(model, { ...runOptions, resubmitUncertain: options.resubmitUncertain === true }),
    );
    reportRun(context, cli, summary);
    context.out.result({ model, summary, verified: verifiedLine(summary) }, () => {});
    return exitCodeForOutcome(summary);
  } finally {
    await cli.close();
  }
}
