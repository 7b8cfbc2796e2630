import { join } from 'node:path';
import { formatLedgerSummary, openLedger, storageKeys } from '@model-studio/core';
import pc from 'picocolors';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { printStatus } from '../report.js';
import { openCliStudio, openCliWorkspace } from '../studio-factory.js';

/** `studio status <model>`: units complete, then the stages by state, from the journal. */
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

/** `studio costs <model>`: the cost ledger's summary per operation and rating, with the price-table note. */
export async function costsCommand(context: CliContext, model: string): Promise<number> {
  const ws = await openCliWorkspace(context);
  try {
    await ws.workspace.getModel(model);
    const ledgerFile = join(
      ws.workspace.localModelDir(model),
      storageKeys.costs(model).split('/').pop() ?? 'costs.jsonl',
    );
    const ledger = await openLedger(ledgerFile, { fsync: false });
    try {
      const summary = ledger.summary({ by: ['op', 'rating'] });
      context.out.result({ model, ledger: ledgerFile, summary }, () => {
        context.out.line(pc.bold(`Costs of model "${model}"`) + pc.dim(` (${ledgerFile})`));
        context.out.line(summary.rows.length === 0 ? '  No charges recorded yet.' : formatLedgerSummary(summary));
      });
    } finally {
      await ledger.close();
    }
    return exitCodes.ok;
  } finally {
    await ws.close();
  }
}
