import { resolve } from 'node:path';
import type { BestCheckpointThresholds, FaceChecker, ImageProcessor, Storage } from '@model-studio/core';
import type { CheckpointCurve, CheckpointPoint } from '@model-studio/lora-trainer';
import type { CliContext } from './cli-context.js';

type LoraTrainer = typeof import('@model-studio/lora-trainer');

/** What the checkpoint commands measure with: the quality package's checker and processor, and the source faces. */
export interface CheckpointMeasuring {
  faceChecker: FaceChecker;
  imageProcessor: ImageProcessor;
  /** Embeddings of the model's source photos that show a face (empty when none does). */
  sourceEmbeddings: Float32Array[];
}

/** Embeds the first face of each of the model's source photos (`models/<model>/source/`). */
export async function sourceEmbeddings(
  storage: Storage,
  model: string,
  faceChecker: FaceChecker,
): Promise<Float32Array[]> {
  const core = await import('@model-studio/core');
  const embeddings: Float32Array[] = [];
  for await (const info of storage.list({ prefix: core.storageKeys.sourcePrefix(model) })) {
    if (!/\.(jpe?g|png)$/i.test(info.key)) continue;
    const bytes = new Uint8Array(await new Response(await storage.get(info.key)).arrayBuffer());
    const [face] = await faceChecker.embeddings({ bytes });
    if (face) embeddings.push(face.embedding);
  }
  return embeddings;
}

/**
 * The version's checkpoint curve: the stored one when it was measured with a face checker, else measured now (and
 * stored) with `measuring()`, which is called (loading the face checker) only then.
 */
export async function checkpointCurveOf(
  context: CliContext,
  lora: LoraTrainer,
  storage: Storage,
  model: string,
  version: string,
  measuring: () => Promise<CheckpointMeasuring>,
  recompute: boolean,
): Promise<CheckpointCurve> {
  if (!recompute) {
    const stored = await lora.readCheckpointCurve(storage, model, version);
    if (stored?.faceChecker !== undefined) return stored;
  }
  const measure = await measuring();
  if (measure.sourceEmbeddings.length === 0) {
    context.out.warn(`No face in the source photos of ${model}: the checkpoints' identity is not measured.`);
  }
  return lora.computeCheckpointCurve({
    storage,
    model,
    version,
    imageProcessor: measure.imageProcessor,
    ...(measure.sourceEmbeddings.length > 0 && {
      identity: { faceChecker: measure.faceChecker, sourceEmbeddings: measure.sourceEmbeddings },
    }),
  });
}

const figure = (value: number | undefined, digits = 3) => (value === undefined ? '-' : value.toFixed(digits));

/** Prints a curve as a table, flagging memorising, collapsed and (optionally) the best checkpoint. */
export function printCheckpointCurve(
  context: CliContext,
  lora: LoraTrainer,
  curve: CheckpointCurve,
  thresholds: BestCheckpointThresholds,
): void {
  context.out.line(
    `  checkpoints of ${curve.version}${curve.sandbox ? ' [SANDBOX: measures the pipeline, not a trained model]' : ''}:`,
  );
  context.out.line('    step      identity  memorisation  entropy  contrast  loss');
  for (const point of curve.checkpoints) {
    const verdict = lora.judgeCheckpoint(point, thresholds);
    const flags = verdict.failures.filter((failure) => failure === 'memorising' || failure === 'collapsed');
    context.out.line(
      `    ${String(point.step).padEnd(8)}  ${figure(point.identity).padEnd(8)}  ${figure(point.memorisation).padEnd(12)}  ${figure(point.entropy, 2).padEnd(7)}  ${figure(point.contrast).padEnd(8)}  ${figure(point.loss, 4)}${flags.length > 0 ? `  [${flags.join(', ')}]` : ''}`,
    );
  }
  context.out.line(`    (${curve.note})`);
}

/** Warns when the last checkpoint collapsed; returns it. */
export function flagCollapse(
  context: CliContext,
  lora: LoraTrainer,
  curve: CheckpointCurve,
  thresholds: BestCheckpointThresholds,
  model: string,
): CheckpointPoint | undefined {
  const collapsed = lora.lastCheckpointCollapsed(curve, thresholds);
  if (collapsed) {
    context.out.warn(
      `COLLAPSED: the last checkpoint of ${model} ${curve.version} (step ${collapsed.step}) has near-uniform samples ` +
        `(entropy ${figure(collapsed.entropy, 2)} < ${thresholds.minEntropy} or contrast ${figure(collapsed.contrast)} < ${thresholds.minContrast}); ` +
        `the loss does not show it. Promote an earlier checkpoint: \`studio loras promote ${model} ${curve.version} --best\`.` +
        (curve.sandbox ? ' (sandbox: measures the pipeline, not a trained model)' : ''),
    );
  }
  return collapsed;
}

/** Writes the curves' chart (SVG and PNG) under `keyPrefix`; returns the two files' paths. */
export async function writeCharts(
  lora: LoraTrainer,
  storage: Storage,
  root: string,
  keyPrefix: string,
  curves: CheckpointCurve[],
): Promise<{ svg: string; png: string }> {
  const keys = await lora.writeCheckpointCharts(storage, keyPrefix, curves);
  return { svg: resolve(root, keys.svg), png: resolve(root, keys.png) };
}

/** Prints where the chart is. */
export function printChart(context: CliContext, chart: { svg: string; png: string }, curves: CheckpointCurve[]): void {
  const sandbox = curves.some((curve) => curve.sandbox) ? ' (sandbox: measures the pipeline, not a trained model)' : '';
  context.out.line(`  chart (identity, memorisation, loss)${sandbox}: ${chart.png} and ${chart.svg}`);
}

/**
 * {@link checkpointCurveOf} for `show` and `compare`, where the curve is extra: a sample that cannot be measured (not
 * a PNG or JPEG) gives a warning and no curve instead of failing the command.
 */
export async function checkpointCurveOrWarning(
  ...args: Parameters<typeof checkpointCurveOf>
): Promise<CheckpointCurve | undefined> {
  const [context, , , model, version] = args;
  try {
    return await checkpointCurveOf(...args);
  } catch (error) {
    const { ValidationError } = await import('@model-studio/core');
    if (!ValidationError.isInstance(error)) throw error;
    context.out.warn(`The checkpoints of ${model} ${version} were not measured: ${error.message}`);
    return undefined;
  }
}
