import { assertConsent, checkTargetProvenance } from '../../consent/index.js';
import { storageKeys } from '../../naming/index.js';
import { assertSourceConsent, importImages } from '../import-images.js';
import { requireAdapter } from '../require-adapter.js';
import type { StudioContext } from '../studio-context.js';
import type { ImportInput, ImportOptions, ImportResult, TargetProvenance } from '../studio-types.js';

/** The adapters an import uses. */
function importAdapters(context: StudioContext) {
  return {
    storage: context.storage,
    faceChecker: requireAdapter(context.settings, 'faceChecker', 'import photos (faces are counted)'),
    imageProcessor: requireAdapter(context.settings, 'imageProcessor', 'import photos (they are normalised to JPEG)'),
  };
}

/** The options' signal, as the workspace's listing takes it. */
function signalOnly(options: ImportOptions | undefined): { signal?: AbortSignal } {
  return options?.signal ? { signal: options.signal } : {};
}

/**
 * `studio.importSources`: validates, normalises to JPEG, checks (exactly one face, not a duplicate, the same person as
 * the model's other sources) and stores source photos as `<model>-source-<n>.jpg`, numbered after the highest stored.
 * Needs a consent record that allows swapping.
 */
export async function importSources(
  context: StudioContext,
  model: string,
  inputs: ImportInput[],
  options?: ImportOptions,
): Promise<ImportResult[]> {
  const config = await context.workspace.getModel(model);
  assertSourceConsent(config);
  const stored = await context.workspace.sourceNumbers(model, signalOnly(options));
  return importImages(
    {
      ...importAdapters(context),
      config,
      firstNumber: await context.workspace.nextSourceNumber(model),
      keyOf: (n) => storageKeys.source(model, n),
      group: { prefix: storageKeys.sourcePrefix(model), keys: stored.map((n) => storageKeys.source(model, n)) },
      sameSubject: true,
      checkFaces: (faces) =>
        faces === 1
          ? undefined
          : faces === 0
            ? { code: 'no-face', message: 'No face found: a source photo must show exactly one face.' }
            : { code: 'multiple-faces', message: `${faces} faces found: a source photo must show exactly one face.` },
    },
    inputs,
    options,
  );
}

/**
 * `studio.importTargets`: checks the provenance, then validates, normalises, face-checks, refuses duplicates of the
 * rating's targets, and stores target photos as `targets/<rating>/<model>-t<ttt>.jpg` and records where each came from.
 */
export async function importTargets(
  context: StudioContext,
  model: string,
  rating: string,
  inputs: ImportInput[],
  provenance: TargetProvenance,
  options?: ImportOptions,
): Promise<ImportResult[]> {
  const config = await context.workspace.getModel(model);
  assertConsent(config, { rating, use: 'swap' });
  // The provenance is checked before anything is stored (rights statement; adults who consented for non-sfw).
  checkTargetProvenance(model, rating, [{ ...provenance, n: 1 }], new Date());
  const minFaces = config.settings.thresholds.minTargetFaces;
  const stored = await context.workspace.targetNumbers(model, rating, signalOnly(options));
  const results = await importImages(
    {
      ...importAdapters(context),
      config,
      firstNumber: await context.workspace.nextTargetNumber(model, rating),
      keyOf: (n) => storageKeys.target(model, rating, n),
      group: {
        prefix: storageKeys.targetPrefix(model, rating),
        keys: stored.map((n) => storageKeys.target(model, rating, n)),
      },
      checkFaces: (faces) =>
        faces >= minFaces
          ? undefined
          : { code: 'no-face', message: `${faces} faces found: a target needs at least ${minFaces}.` },
    },
    inputs,
    options,
  );
  const accepted = results.filter((result) => result.accepted);
  if (accepted.length > 0) {
    await context.workspace.recordTargets(
      model,
      rating,
      accepted.map((result) => ({ ...provenance, n: result.number!, origin: `${provenance.origin}/${result.name}` })),
    );
  }
  return results;
}
