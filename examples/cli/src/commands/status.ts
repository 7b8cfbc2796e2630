import { formatLedgerSummary } from '@model-studio/core';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { printStatus } from '../report.js';
import { openCliStudio } from '../studio-factory.js';

/** `studio status <model>`: units complete, then the stages by state, from the journal (read-only). */
export async function statusCommand(context: CliContext, model: string): Promise<number> {
  const cli = await openCliStudio(context, 'none');
  try {
    const status = await cli.studio.status(model);
    context.out.result({ status }, () => printStatus(context.out, status));
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}

/**
 * `studio costs <model>`: the cost ledger's summary per operation and rating, with the price-table note. Read-only:
 * it works while another process runs the model and never writes the ledger.
 */
export async function costsCommand(context: CliContext, model: string): Promise<number> {
  const cli = await openCliStudio(context, 'none');
  try {
    const costs = await cli.studio.costs(model);
    context.out.result({ model, ledger: costs.file, summary: costs.summary }, () => {
      context.out.line(pc.bold(`Costs of model "${model}"`) + pc.dim(` (${costs.file})`));
      const empty = costs.summary.rows.length === 0;
      context.out.line(empty ? '  No charges recorded yet.' : formatLedgerSummary(costs.summary));
      if (costs.skippedLines > 0) {
        context.out.line(pc.dim(`  ${costs.skippedLines} line(s) not readable yet (a run may be writing them).`));
      }
    });
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}
