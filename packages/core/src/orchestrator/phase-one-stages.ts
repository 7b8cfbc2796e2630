import type { ProviderJobResult } from '../interfaces/provider-job.js';
import type { RunConfig } from '../workspace/index.js';
import { imageDimensions } from './image-dimensions.js';
import { readAll } from './read-all.js';
import { requireAdapter } from './require-adapter.js';
import type { GateVerdict, PaidStage, StageContext, StageGate } from './stage.js';

/**
 * Checks a target before paying to swap onto it: the model's byte limit and minimum resolution (checked again at run
 * time: the target may have been replaced, or the minimum raised, since import) and at least the model's minimum
 * number of faces. Keeps the faces' boxes for the swap.
 */
export const targetCheck: StageGate = {
  name: 'target-check',
  async run(context, unit, work) {
    const { thresholds } = context.config.settings;
    const bytes = await readAll(
      await context.settings.workspace.storage.get(unit.targetKey, { signal: context.signal }),
    );
    if (bytes.byteLength > thresholds.maxBytes) {
      return refuse(
        'too-large',
        `Target ${unit.targetKey} is ${bytes.byteLength} bytes; the limit is ${thresholds.maxBytes}.`,
      );
    }
    const small = await resolutionProblem(context, unit.targetKey, bytes);
    if (small) return small;
    const faceChecker = requireAdapter(context.settings, 'faceChecker', 'check targets before paying for swaps');
    const faces = await faceChecker.faces({ bytes }, { signal: context.signal });
    if (faces.length < thresholds.minTargetFaces) {
      return refuse('no-face', `No face found in target ${unit.targetKey}: nothing to swap, nothing paid.`);
    }
    work.faces = faces.map((face) => face.box);
    return { ok: true, detail: `${faces.length} face(s), ${bytes.byteLength} bytes` };
  },
};

/** A swap is verified when a face in the result is the source person; a failed swap is never enhanced. */
export const verifySwap: StageGate = {
  name: 'verify',
  async run(context, unit, work) {
    const faceChecker = requireAdapter(context.settings, 'faceChecker', 'verify swaps before paying to enhance them');
    const swapped = await work.output('swapped');
    const faces = await faceChecker.embeddings({ bytes: swapped }, { signal: context.signal });
    if (faces.length === 0) {
      return refuse('swap-no-face', 'The swap result shows no face: the swap did not take, so it was not enhanced.');
    }
    const source = await context.sourceEmbedding(unit.source);
    const threshold = context.config.settings.thresholds.identityThreshold;
    const best = Math.min(...faces.map((face) => faceChecker.distance(face.embedding, source)));
    if (best > threshold) {
      return refuse(
        'swap-identity-mismatch',
        `The swap result does not show the source person (identity distance ${best.toFixed(3)} > threshold ${threshold}): not enhanced.`,
      );
    }
    return { ok: true, detail: 'a face of the source person' };
  },
};

/** Swaps the source's face onto the target (paid). */
export const swapStage: PaidStage = {
  name: 'swap',
  result: 'swapped',
  op: 'swap',
  use: 'swap',
  needs: [],
  reads: ['source', 'target'],
  gates: [targetCheck],
  adapters: [{ name: 'faceChecker', purpose: 'check targets before paying for swaps' }],
  outputKey: (unit) => unit.swappedKey,
  price: (config: RunConfig) => config.settings.prices.swap,
  provider: (settings) => requireAdapter(settings, 'swapper', 'run swaps'),
  submit: (context, unit, work) =>
    requireAdapter(context.settings, 'swapper', 'run swaps').submitSwap({
      targetKey: unit.targetKey,
      sourceKey: unit.sourceKey,
      ...(work.faces && { faces: work.faces }),
    }),
  wait: (context, job, options): Promise<ProviderJobResult> =>
    requireAdapter(context.settings, 'swapper', 'run swaps').waitForSwap(job, options),
};

/** Enhances a verified swap 2x (paid). */
export const enhanceStage: PaidStage = {
  name: 'enhance',
  result: 'enhanced',
  op: 'enhance',
  use: 'swap',
  needs: ['swapped'],
  // The source stays needed until the unit is done: the swap is verified against it.
  reads: ['source'],
  gates: [verifySwap],
  adapters: [
    { name: 'faceChecker', purpose: 'verify swaps before paying to enhance them' },
    { name: 'imageProcessor', purpose: 'mark results as AI-generated' },
  ],
  outputKey: (unit) => unit.enhancedKey,
  price: (config: RunConfig) => config.settings.prices.enhance,
  provider: (settings) => requireAdapter(settings, 'enhancer', 'run enhancements'),
  submit: async (context, unit, work) =>
    requireAdapter(context.settings, 'enhancer', 'run enhancements').submitEnhance({
      imageKey: unit.swappedKey,
      image: await work.output('swapped'),
    }),
  wait: (context, job, options): Promise<ProviderJobResult> =>
    requireAdapter(context.settings, 'enhancer', 'run enhancements').waitForEnhance(job, options),
};

/** Phase 1's stages of a unit, in order: swap (after the target check), then enhance (after verification). */
export const phaseOneStages: readonly PaidStage[] = [swapStage, enhanceStage];

/** The failure of a gate: not retryable (running it again gives the same answer), nothing paid. */
function refuse(code: string, message: string): GateVerdict {
  return { ok: false, code, message, retryable: false };
}

/**
 * The model's minimum resolution. Dimensions come from the image header; a format the header reader does not know is
 * decoded (without a byte limit: shrinking to fit one would change the dimensions being checked).
 */
async function resolutionProblem(
  context: StageContext,
  key: string,
  bytes: Uint8Array,
): Promise<GateVerdict | undefined> {
  const { minShortSide } = context.config.settings.thresholds;
  const size =
    imageDimensions(bytes) ??
    (await requireAdapter(context.settings, 'imageProcessor', 'check targets').normalize(bytes, {
      signal: context.signal,
    }));
  if (Math.min(size.width, size.height) >= minShortSide) return undefined;
  return refuse(
    'too-small',
    `Target ${key} is ${size.width}x${size.height} px; the model's minimum short side is ${minShortSide} px: not swapped, nothing paid.`,
  );
}
