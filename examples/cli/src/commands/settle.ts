import { unitIdOfStage } from '@model-studio/core';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { openCliStudio } from '../studio-factory.js';
import { UsageError } from '../usage-error.js';

/**
 * `studio costs settle <stage-id> --charged|--not-charged`: closes an uncertain ledger entry from the provider's bill,
 * so the ledger can be reconciled with it. The model is the stage id's first part.
 */
export async function settleCommand(
  context: CliContext,
  stageId: string,
  options: { charged?: boolean; notCharged?: boolean },
): Promise<number> {
  if (options.charged === options.notCharged) {
    throw new UsageError('Say what your provider bill shows: pass exactly one of --charged and --not-charged.');
  }
  const unit = unitIdOfStage(stageId);
  if (!unit) {
    throw new UsageError(
      `"${stageId}" is not a stage id (e.g. andie:s1:t001:sfw:swapped): take it from \`studio status <model>\`.`,
    );
  }
  const model = unit.slice(0, unit.indexOf(':'));
  const charged = options.charged === true;
  const cli = await openCliStudio(context, 'none');
  try {
    await cli.studio.settleUncertain(model, stageId, { charged });
    const costs = await cli.studio.costs(model, { by: [] });
    context.out.result({ model, stageId, charged, totals: costs.summary.totals }, () => {
      context.out.line(
        `${pc.green('✔')} ${stageId}: settled as ${charged ? 'charged (recorded as actual; the next run pays again for this stage)' : 'not charged (released; the next run submits it as new)'}.`,
      );
    });
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}
