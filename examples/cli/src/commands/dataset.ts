import type { DatasetBuildSummary } from '@model-studio/core';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { openCliStudio } from '../studio-factory.js';

/** Options of `studio dataset build`. */
export interface DatasetBuildCommandOptions {
  /** Dataset version. @default 'v1' */
  version?: string;
  /** Lowest training score (default: the model's minTrainingScore). */
  minScore?: number;
  /** Accept captions nobody reviewed yet. */
  allowUnreviewed?: boolean;
  /** Base model family: flux, sdxl, sd15. @default 'flux' */
  family?: string;
  /** kohya repeats. */
  repeats?: number;
}

/** Prints a dataset summary (shared with the demo). */
export function printDataset(context: CliContext, root: string, summary: DatasetBuildSummary): void {
  context.out.line(
    `Dataset ${summary.version} of "${summary.model}"${summary.alreadyBuilt ? ' (already built)' : ''}: ${summary.selected.length} image(s) selected, ${summary.rejected.length} left out.`,
  );
  for (const rejected of summary.rejected.slice(0, 10)) {
    context.out.line(
      `  left out ${rejected.name}: ${rejected.reason}${rejected.detail ? ` (${rejected.detail})` : ''}`,
    );
  }
  context.out.line(`  ${root}/${summary.prefix}/ (manifest.json, dataset.tar)`);
}

/** `studio dataset build <model>`: selects captioned, scored enhanced results and writes a dataset version. */
export async function datasetBuildCommand(
  context: CliContext,
  model: string,
  options: DatasetBuildCommandOptions,
): Promise<number> {
  const lora = await import('@model-studio/lora-trainer');
  const cli = await openCliStudio(context, 'none', { datasetBuilder: lora.createDatasetBuilder() });
  try {
    const summary = await cli.studio.buildDataset(model, {
      version: options.version ?? 'v1',
      ...(options.minScore !== undefined && { minScore: options.minScore }),
      ...(options.allowUnreviewed && { allowUnreviewed: true }),
      config: {
        ...(options.family && { family: options.family }),
        ...(options.repeats !== undefined && { repeats: options.repeats }),
      },
      signal: context.signal,
    });
    context.out.result(summary, () => printDataset(context, cli.root, summary));
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}

/** `studio dataset show <model>`: a built dataset version's selection and rejections. */
export async function datasetShowCommand(context: CliContext, model: string, version = 'v1'): Promise<number> {
  const lora = await import('@model-studio/lora-trainer');
  const cli = await openCliStudio(context, 'none');
  try {
    await cli.workspace.getModel(model);
    const summary = await lora.createDatasetBuilder().read?.(cli.workspace.storage, model, version);
    if (!summary) {
      context.out.error(`Dataset ${version} of "${model}" is not built: \`studio dataset build ${model} ${version}\`.`);
      return exitCodes.usage;
    }
    context.out.result(summary, () => printDataset(context, cli.root, summary));
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}
