import { ValidationError } from '../../errors/index.js';
import { parseStageId } from '../../naming/index.js';
import { allStages } from '../plan-stages.js';
import type { PaidStage } from '../stage.js';
import type { StudioContext } from '../studio-context.js';

/** The stage a stage id of `model` names, or a `ValidationError` saying what is wrong with the id. */
function stageOf(context: StudioContext, model: string, stageId: string): PaidStage {
  const parts = parseStageId(stageId);
  const stage = parts && [...context.stages, ...allStages].find((candidate) => candidate.result === parts.stage);
  if (!parts || parts.model !== model || !stage) {
    throw new ValidationError(
      `"${stageId}" is not a stage id of model "${model}" (e.g. ${model}:s1:t001:sfw:swapped): take it from the model's status.`,
      { field: 'stageId', value: stageId },
    );
  }
  return stage;
}

/**
 * `studio.attachJob`: records the job id of an uncertain submission that you found in the provider's account. The
 * next `resume` polls that job (never pays for it again) and records its charge, which settles the uncertain entry.
 */
export async function attachJob(context: StudioContext, model: string, stageId: string, jobId: string): Promise<void> {
  await context.workspace.getModel(model);
  const stage = stageOf(context, model, stageId);
  if (!/^[\x21-\x7e]{1,200}$/.test(jobId)) {
    throw new ValidationError(`"${jobId}" is not a job id (1-200 printable characters, no spaces).`, {
      field: 'jobId',
      value: jobId,
    });
  }
  await (await context.records.recorder(model)).attachJob(stageId, stage.op, jobId);
}

/**
 * `studio.settleUncertain`: closes an uncertain ledger entry from the provider's bill, so the ledger can be reconciled
 * with it. `charged: true` records the charge (the stage has no result, so the next run pays again for it);
 * `charged: false` releases it (the next run submits the stage as if nothing had been sent).
 */
export async function settleUncertain(
  context: StudioContext,
  model: string,
  stageId: string,
  settlement: { charged: boolean; note?: string },
): Promise<void> {
  await context.workspace.getModel(model);
  const stage = stageOf(context, model, stageId);
  await (await context.records.recorder(model)).settleUncertain(stageId, stage.op, settlement);
}
