import { resolve } from 'node:path';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { lazyQuality } from '../lazy-quality.js';
import { openCliWorkspace } from '../studio-factory.js';

/** Runs `work` with the workspace's storage and the lora-trainer package, closing the workspace after. */
async function withLoras<T>(
  context: CliContext,
  model: string,
  work: (
    storage: import('@model-studio/core').Storage,
    lora: typeof import('@model-studio/lora-trainer'),
    root: string,
  ) => Promise<T>,
): Promise<T> {
  const workspace = await openCliWorkspace(context);
  try {
    await workspace.workspace.getModel(model);
    return await work(workspace.workspace.storage, await import('@model-studio/lora-trainer'), workspace.root);
  } finally {
    await workspace.close();
  }
}

/**
 * The identity check of a version's samples: the quality package's face checker, the embedding of the model's first
 * source photo and the model's identity threshold; undefined (with a warning) when the source shows no face.
 */
async function withIdentity<T>(
  context: CliContext,
  storage: import('@model-studio/core').Storage,
  model: string,
  use: (identity: import('@model-studio/lora-trainer').IdentityCheckOptions | undefined) => Promise<T>,
): Promise<T> {
  const core = await import('@model-studio/core');
  const quality = lazyQuality();
  try {
    const sourceKey = core.storageKeys.source(model, 1);
    if (!(await storage.head(sourceKey))) return await use(undefined);
    const bytes = new Uint8Array(await new Response(await storage.get(sourceKey)).arrayBuffer());
    const [face] = await quality.checker.embeddings({ bytes });
    if (!face) {
      context.out.warn(`No face in ${sourceKey}: the samples' identity is not measured.`);
      return await use(undefined);
    }
    return await use({ faceChecker: quality.checker, sourceEmbedding: face.embedding });
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

/** `studio loras show <model> <version>`: one version's file, config, loss and samples. */
export async function lorasShowCommand(context: CliContext, model: string, version: string): Promise<number> {
  return withLoras(context, model, async (storage, lora, root) => {
    const details = await withIdentity(context, storage, model, (identity) =>
      lora.showLoraVersion(storage, model, version, identity ? { identity } : {}),
    );
    context.out.result(details, () => {
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
    });
    return exitCodes.ok;
  });
}

/** `studio loras compare <model> <a> <b>`: config differences, artifacts, and the loss chart and sample grid written. */
export async function lorasCompareCommand(context: CliContext, model: string, a: string, b: string): Promise<number> {
  return withLoras(context, model, async (storage, lora, root) => {
    const comparison = await withIdentity(context, storage, model, (identity) =>
      lora.compareLoraVersions(storage, model, a, b, { write: true, ...(identity && { identity }) }),
    );
    const { lossChartSvg: _chart, sampleGridSvg: _grid, ...rest } = comparison;
    context.out.result(rest, () => {
      context.out.line(`${model}: ${a} vs ${b}`);
      for (const diff of comparison.configDiff) context.out.line(`  config ${JSON.stringify(diff)}`);
      for (const row of comparison.artifacts) context.out.line(`  ${row.field}: ${String(row.a)} vs ${String(row.b)}`);
      for (const key of Object.values(comparison.written ?? {})) context.out.line(`  wrote ${resolve(root, key)}`);
      printIdentity(context, ` of ${a}`, comparison.identity?.a);
      printIdentity(context, ` of ${b}`, comparison.identity?.b);
    });
    return exitCodes.ok;
  });
}

/** `studio loras promote <model> <version>`: marks the version final. */
export async function lorasPromoteCommand(context: CliContext, model: string, version: string): Promise<number> {
  return withLoras(context, model, async (storage, lora) => {
    const pointer = await lora.promoteLoraVersion(storage, model, version);
    context.out.result(pointer, () => context.out.line(`${model} ${version} is now the final LoRA.`));
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
