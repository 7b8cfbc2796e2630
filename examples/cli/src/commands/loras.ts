import { resolve } from 'node:path';
import { type BestCheckpointThresholds, bestCheckpointThresholds, storageKeys } from '@model-studio/core';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { lazyQuality } from '../lazy-quality.js';
import {
  type CheckpointMeasuring,
  checkpointCurveOf,
  checkpointCurveOrWarning,
  flagCollapse,
  printChart,
  printCheckpointCurve,
  sourceEmbeddings,
  writeCharts,
} from '../loras-checkpoints.js';
import { openCliWorkspace } from '../studio-factory.js';

/** Runs `work` with the workspace's storage, the lora-trainer package and the model's best-checkpoint thresholds. */
async function withLoras<T>(
  context: CliContext,
  model: string,
  work: (
    storage: import('@model-studio/core').Storage,
    lora: typeof import('@model-studio/lora-trainer'),
    root: string,
    thresholds: BestCheckpointThresholds,
  ) => Promise<T>,
): Promise<T> {
  const workspace = await openCliWorkspace(context);
  try {
    const config = await workspace.workspace.getModel(model);
    return await work(
      workspace.workspace.storage,
      await import('@model-studio/lora-trainer'),
      workspace.root,
      bestCheckpointThresholds(config.settings),
    );
  } finally {
    await workspace.close();
  }
}

/**
 * The identity check of a version's samples (with `withSamples`): the quality package's face checker, the embedding
 * of the model's first source photo and the model's identity threshold; undefined (with a warning) when the source
 * shows no face. `measuring()` gives what a checkpoint curve is measured with (the source faces' embeddings are
 * computed on its first call only, so a stored curve loads no face model).
 */
async function withIdentity<T>(
  context: CliContext,
  storage: import('@model-studio/core').Storage,
  model: string,
  withSamples: boolean,
  use: (
    identity: import('@model-studio/lora-trainer').IdentityCheckOptions | undefined,
    measuring: () => Promise<CheckpointMeasuring>,
  ) => Promise<T>,
): Promise<T> {
  const quality = lazyQuality();
  try {
    let embeddings: Promise<Float32Array[]> | undefined;
    const measuring = async (): Promise<CheckpointMeasuring> => {
      embeddings ??= sourceEmbeddings(storage, model, quality.checker);
      return { faceChecker: quality.checker, imageProcessor: quality.processor, sourceEmbeddings: await embeddings };
    };
    if (!withSamples) return await use(undefined, measuring);
    const lora = await import('@model-studio/lora-trainer');
    const { identity, reason, note } = await lora.modelIdentityCheck(storage, model, quality.checker);
    // A model without a source photo has nothing to measure against: said only when its photo shows no face.
    if (reason === 'no-face' && note) context.out.warn(note);
    return await use(identity, measuring);
  } finally {
    await quality.close();
  }
}

/** Prints an identity report. */
function printIdentity(
  context: CliContext,
  label: string,
  report: import('@model-studio/lora-trainer').SampleIdentityReport | undefined,
): void {
  if (!report) return;
  const mean =
    report.meanDistance === undefined ? 'no face in the samples' : `mean distance ${report.meanDistance.toFixed(3)}`;
  const same =
    report.samePersonShare === undefined ? '' : `, ${Math.round(report.samePersonShare * 100)} % the source person`;
  context.out.line(`  identity${label}: ${mean}${same} (${report.note})`);
}

/** `studio loras list <model>`: the recorded LoRA versions, oldest first, the final one marked. */
export async function lorasListCommand(context: CliContext, model: string): Promise<number> {
  return withLoras(context, model, async (storage, lora) => {
    const versions = await lora.listLoraVersions(storage, model);
    context.out.result({ model, versions }, () => {
      if (versions.length === 0) context.out.line(`No LoRA of "${model}" yet: \`studio train start ${model}\`.`);
      for (const v of versions) {
        const loss = v.metrics.finalLoss === undefined ? '' : `, final loss ${v.metrics.finalLoss.toFixed(4)}`;
        context.out.line(
          `${v.final ? '* ' : '  '}${v.version}  ${v.family}  rank ${v.artifact.rank}  ${v.artifact.size} bytes  ${v.metrics.steps} steps${loss}${v.sandbox ? '  [SANDBOX]' : ''}`,
        );
      }
    });
    return exitCodes.ok;
  });
}

/** Options of the checkpoint-aware `loras` commands. */
export interface LorasCurveOptions {
  /** Measure the checkpoints again instead of reading the stored curve. */
  recompute?: boolean;
}

/**
 * `studio loras show <model> <version>`: one version's file, config, loss and samples, its checkpoint curve
 * (identity, memorisation, entropy, contrast, loss; a chart as PNG and SVG), and a flag when its last checkpoint
 * collapsed.
 */
export async function lorasShowCommand(
  context: CliContext,
  model: string,
  version: string,
  options: LorasCurveOptions = {},
): Promise<number> {
  return withLoras(context, model, async (storage, lora, root, thresholds) => {
    const { details, curve } = await withIdentity(context, storage, model, true, async (identity, measuring) => ({
      details: await lora.showLoraVersion(storage, model, version, identity ? { identity } : {}),
      curve: await checkpointCurveOrWarning(
        context,
        lora,
        storage,
        model,
        version,
        measuring,
        options.recompute === true,
      ),
    }));
    const collapsed = curve && lora.lastCheckpointCollapsed(curve, thresholds);
    const chart = curve && (await writeCharts(lora, storage, root, storageKeys.loraPrefix(model, version), [curve]));
    const result = { ...details, checkpoints: curve ?? null, lastCheckpointCollapsed: collapsed?.step ?? null, chart };
    context.out.result(result, () => {
      const { record } = details;
      context.out.line(`${model} ${version}${details.final ? ' (final)' : ''}${record.sandbox ? ' [SANDBOX]' : ''}`);
      context.out.line(
        `  file: ${resolve(root, details.keys.artifact)} (${record.artifact.size} bytes, sha256 ${record.artifact.sha256.slice(0, 12)}...)`,
      );
      context.out.line(
        `  rank ${record.artifact.rank}, ${record.artifact.format}, ${record.artifact.dtype}; dataset ${record.datasetVersion ?? '?'}; trainer ${record.trainer?.provider ?? '?'} ${record.trainer?.jobId ?? ''}`,
      );
      context.out.line(
        `  ${record.metrics.steps} steps; final loss ${record.metrics.finalLoss ?? '?'}; ${details.keys.samples.length} sample(s)`,
      );
      printIdentity(context, '', details.identity);
      if (curve) printCheckpointCurve(context, lora, curve, thresholds);
      if (curve && chart) printChart(context, chart, [curve]);
    });
    if (curve) flagCollapse(context, lora, curve, thresholds, model);
    return exitCodes.ok;
  });
}

/**
 * `studio loras compare <model> <a> <b>`: config differences, artifacts, the loss chart and sample grid, and both
 * checkpoint curves in one chart (PNG and SVG).
 */
export async function lorasCompareCommand(
  context: CliContext,
  model: string,
  a: string,
  b: string,
  options: LorasCurveOptions = {},
): Promise<number> {
  return withLoras(context, model, async (storage, lora, root, thresholds) => {
    const { comparison, curves } = await withIdentity(context, storage, model, true, async (identity, measuring) => ({
      comparison: await lora.compareLoraVersions(storage, model, a, b, { write: true, ...(identity && { identity }) }),
      curves: [
        await checkpointCurveOrWarning(context, lora, storage, model, a, measuring, options.recompute === true),
        await checkpointCurveOrWarning(context, lora, storage, model, b, measuring, options.recompute === true),
      ],
    }));
    const { lossChartSvg: _chart, sampleGridSvg: _grid, ...rest } = comparison;
    const measured = curves.filter((curve) => curve !== undefined);
    const chartPrefix = `${storageKeys.loraPrefix(model, a)}compare-${b}/`;
    const chart = measured.length > 0 ? await writeCharts(lora, storage, root, chartPrefix, measured) : undefined;
    context.out.result({ ...rest, checkpoints: { a: curves[0] ?? null, b: curves[1] ?? null }, chart }, () => {
      context.out.line(`${model}: ${a} vs ${b}`);
      for (const diff of comparison.configDiff) context.out.line(`  config ${JSON.stringify(diff)}`);
      for (const row of comparison.artifacts) context.out.line(`  ${row.field}: ${String(row.a)} vs ${String(row.b)}`);
      for (const key of Object.values(comparison.written ?? {})) context.out.line(`  wrote ${resolve(root, key)}`);
      printIdentity(context, ` of ${a}`, comparison.identity?.a);
      printIdentity(context, ` of ${b}`, comparison.identity?.b);
      for (const curve of measured) printCheckpointCurve(context, lora, curve, thresholds);
      if (chart) printChart(context, chart, measured);
    });
    for (const curve of measured) flagCollapse(context, lora, curve, thresholds, model);
    return exitCodes.ok;
  });
}

/** Options of `studio loras promote`. */
export interface LorasPromoteOptions extends LorasCurveOptions {
  /** Promote the checkpoint the `--best` rule picks. */
  best?: boolean;
  /** Promote the checkpoint at this step. */
  step?: number;
}

/**
 * `studio loras promote <model> <version> [--best | --step <n>]`: marks the version final; with `--best` or
 * `--step`, one of its checkpoints (its weights become the final LoRA), saying why.
 */
export async function lorasPromoteCommand(
  context: CliContext,
  model: string,
  version: string,
  options: LorasPromoteOptions = {},
): Promise<number> {
  return withLoras(context, model, async (storage, lora, _root, thresholds) => {
    if (!options.best && options.step === undefined) {
      const pointer = await lora.promoteLoraVersion(storage, model, version);
      context.out.result(pointer, () => context.out.line(`${model} ${version} is now the final LoRA.`));
      return exitCodes.ok;
    }
    const curve = await withIdentity(context, storage, model, false, (_identity, measuring) =>
      checkpointCurveOf(context, lora, storage, model, version, measuring, options.recompute === true),
    );
    const sandbox = curve.sandbox ? ' [SANDBOX: measures the pipeline, not a trained model]' : '';
    if (options.best) {
      const { pointer, choice } = await lora.promoteBestCheckpoint(storage, curve, thresholds);
      context.out.result({ ...pointer, verdicts: choice.verdicts, thresholds, sandbox: curve.sandbox }, () => {
        context.out.line(`${model} ${version} step ${pointer.step} is now the final LoRA (${pointer.file})${sandbox}.`);
        context.out.line(`  why: ${choice.why}`);
        for (const verdict of choice.verdicts.filter((v) => !v.qualifies)) {
          context.out.line(`  skipped step ${verdict.step}: ${verdict.reasons.join('; ')}`);
        }
      });
      return exitCodes.ok;
    }
    const step = options.step as number;
    const pointer = await lora.promoteCheckpoint(storage, curve, step);
    const point = curve.checkpoints.find((checkpoint) => checkpoint.step === step);
    const verdict = point ? lora.judgeCheckpoint(point, thresholds) : undefined;
    context.out.result({ ...pointer, verdict, sandbox: curve.sandbox }, () => {
      context.out.line(
        `${model} ${version} step ${step} is now the final LoRA (${pointer.file}), chosen by step${sandbox}.`,
      );
      if (verdict && !verdict.qualifies)
        context.out.warn(`Note: the --best rule would not pick it: ${verdict.reasons.join('; ')}.`);
    });
    return exitCodes.ok;
  });
}

/** `studio loras export <model> <version> [--to <file>]`: a local copy (hash checked) or a short-lived download URL. */
export async function lorasExportCommand(
  context: CliContext,
  model: string,
  version: string,
  options: { to?: string },
): Promise<number> {
  return withLoras(context, model, async (storage, lora) => {
    const target = options.to ? { to: 'file' as const, path: resolve(options.to) } : { to: 'url' as const };
    const exported = await lora.exportLoraVersion(storage, model, version, target);
    context.out.result(exported, () =>
      context.out.line(
        exported.to === 'file'
          ? `Wrote ${exported.path} (${exported.size} bytes, sha256 checked).`
          : `Download URL (valid ${exported.expiresIn} s): ${exported.url}`,
      ),
    );
    return exitCodes.ok;
  });
}
