import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { ConsentError, NotFoundError, ValidationError } from '../../errors/index.js';
import { isModelName } from '../../naming/index.js';
import type { PrototypeFiles } from '../../prototype/prototype-files.js';
import type { PrototypeImportOptions, PrototypeImportResult } from '../../prototype/prototype-import-types.js';
import { type PrototypeCopy, type PrototypeImportPlan, planPrototypeModel } from '../../prototype/prototype-plan.js';
import { readPrototypeConfig } from '../../prototype/prototype-records.js';
import { type PrototypeTree, splitPrototypeModels } from '../../prototype/prototype-tree.js';
import type { ModelConfig } from '../../workspace/index.js';
import { readAll } from '../read-all.js';
import type { StudioContext } from '../studio-context.js';

/** The provider the prototype's job ids belong to. */
const PROTOTYPE_PROVIDER = 'maxstudio';

/**
 * `studio.importPrototype`: imports models made by the Python prototype (a local `models/` folder, one model's folder,
 * or its S3 bucket) into the workspace: sources as `<model>-source-<n>.jpg`, targets deduplicated by content as
 * `targets/<rating>/<model>-t<ttt>.jpg`, results renamed by the naming rules, captions beside their images; each
 * completed `progress.json` stage is journaled as done (with the prototype's job id, marked imported) and ledgered once
 * as an imported charge estimated from the model's prices, so no run pays for it again. Everything ambiguous is in
 * `plan.issues`. Importing again changes nothing; an interrupted import continues where it stopped.
 */
export async function importPrototype(
  context: StudioContext,
  files: PrototypeFiles,
  options: PrototypeImportOptions = {},
): Promise<PrototypeImportResult[]> {
  const trees = splitPrototypeModels(await files.list(options.signal));
  if (trees.length === 0) {
    throw new NotFoundError(
      `${files.description} holds no prototype model: give the prototype's models/ folder, one model's folder (with source/, targets/, results/) or its bucket.`,
      { kind: 'prototype model', name: files.description },
    );
  }
  const chosen = await chooseModels(files, trees, options);
  const results: PrototypeImportResult[] = [];
  for (const { tree, model } of chosen) {
    const plan = await planPrototypeModel(files, tree, {
      model,
      now: new Date(),
      ...(options.signal && { signal: options.signal }),
    });
    results.push(options.dryRun ? dryRunResult(plan) : await applyPlan(context, files, plan, options));
  }
  return results;
}

/** The trees to import and the workspace model each goes to. */
async function chooseModels(files: PrototypeFiles, trees: PrototypeTree[], options: PrototypeImportOptions) {
  const single = trees.length === 1 && trees[0]!.dir === '';
  if (single) {
    const tree = trees[0]!;
    const model = options.model ?? (await prototypeName(files, tree));
    return [{ tree, model: checkedName(model, files) }];
  }
  const picked = options.model === undefined ? trees : trees.filter((tree) => tree.name === options.model);
  if (picked.length === 0) {
    throw new NotFoundError(
      `${files.description} has no prototype model "${options.model}" (models: ${trees.map((tree) => tree.name).join(', ')}).`,
      { kind: 'prototype model', name: options.model ?? '' },
    );
  }
  return picked.map((tree) => ({ tree, model: checkedName(tree.name!, files, tree.dir) }));
}

async function prototypeName(files: PrototypeFiles, tree: PrototypeTree): Promise<string> {
  if (tree.config) {
    const name = readPrototypeConfig(tree.config, await files.read(tree.config), []).modelName;
    if (name) return name;
  }
  return basename(files.description);
}

function checkedName(name: string, files: PrototypeFiles, dir?: string): string {
  if (isModelName(name)) return name;
  const how = dir
    ? `import its folder (${files.description}/${dir}) on its own with the model option (--model <name>) to name it`
    : 'choose one with the model option (--model <name>)';
  throw new ValidationError(
    `The prototype model in ${files.description}${dir ? `/${dir}` : ''} is named "${name}", which is not a valid model name (lower-case letters, digits and hyphens): ${how}.`,
    { field: 'model', value: name },
  );
}

function dryRunResult(plan: PrototypeImportPlan): PrototypeImportResult {
  return {
    plan,
    dryRun: true,
    created: false,
    files: { written: 0, unchanged: 0, conflicts: 0 },
    stagesJournaled: 0,
    chargesRecorded: 0,
    consent: 'missing',
    targetsWithoutProvenance: plan.copies.filter((copy) => copy.kind === 'target').length,
    captions: 'records',
  };
}

/** Writes one plan: the model (created if new), its files, its journal and ledger records, consent and provenance. */
async function applyPlan(
  context: StudioContext,
  files: PrototypeFiles,
  plan: PrototypeImportPlan,
  options: PrototypeImportOptions,
): Promise<PrototypeImportResult> {
  const { workspace } = context;
  const { model } = plan;
  if (context.runs.has(model)) {
    throw new ValidationError(`Model "${model}" is running in this studio: import into it once the run has stopped.`, {
      field: 'model',
      value: model,
    });
  }
  checkTargetRights(plan, options);
  const created = await ensureModel(context, model);
  // The run lock: no run of the model (here or in another process) starts while its records are imported.
  const recorder = await context.records.recorder(model);
  let config = options.consent ? await workspace.setConsent(model, options.consent) : await workspace.getModel(model);
  const result: PrototypeImportResult = {
    ...dryRunResult(plan),
    dryRun: false,
    created,
  };
  const conflicted = await copyFiles(context, files, plan, options, result);
  await importCaptions(context, files, plan, options, result, conflicted);
  for (const stage of plan.stages) {
    if (stage.outputKey && conflicted.has(stage.outputKey)) continue;
    const price = config.settings.prices[stage.op] ?? { units: 0, unit: 'credits' };
    const written = await recorder.importedStage({
      stageId: stage.stageId,
      op: stage.op,
      provider: PROTOTYPE_PROVIDER,
      ...(stage.jobId !== undefined && { jobId: stage.jobId }),
      ...(stage.outputKey !== undefined && { outputKeys: [stage.outputKey] }),
      charge: { amount: price.units, unit: price.unit, rating: stage.rating },
      imported: { from: 'prototype', ...(stage.at !== undefined && { at: stage.at }) },
      note: `imported from the prototype${stage.task ? ` (task ${stage.task})` : ''}: the prototype recorded no costs; estimated from the model's price table`,
    });
    if (written.journaled) result.stagesJournaled += 1;
    if (written.charged) result.chargesRecorded += 1;
  }
  await recorder.flush();
  config = await recordTargetRights(context, files, plan, options, conflicted, config);
  result.consent = config.consent && !config.consent.revokedAt ? 'recorded' : 'missing';
  result.targetsWithoutProvenance = countUnrecorded(plan, config, conflicted);

  return result;
}

async function ensureModel(context: StudioContext, model: string): Promise<boolean> {
  try {
    await context.workspace.getModel(model);
    return false;
  } catch (error) {
    if (!NotFoundError.isInstance(error)) throw error;
    await context.workspace.createModel(model);
    return true;
  }
}

/** Checks the rights statement before anything is written: other ratings than `sfw` need `adultsConsented`. */
function checkTargetRights(plan: PrototypeImportPlan, options: PrototypeImportOptions): void {
  const rights = options.targetRights;
  if (!rights) return;
  const ratings = new Set(plan.copies.filter((copy) => copy.kind === 'target').map((copy) => copy.to.split('/')[3]!));
  const unsafe = [...ratings].filter((rating) => rating !== 'sfw');
  if (unsafe.length > 0 && rights.adultsConsented !== true) {
    throw new ConsentError(
      `Model "${plan.model}" has ${unsafe.join(', ')} targets: state that everyone shown is an adult who consented (adultsConsented, --adults-consented) with the rights statement, or import without one and record provenance later.`,
      { model: plan.model, missing: ['adultsConsented'] },
    );
  }
}

/** Writes each planned file unless the workspace already has it (same content); a different file there is a conflict. */
async function copyFiles(
  context: StudioContext,
  files: PrototypeFiles,
  plan: PrototypeImportPlan,
  options: PrototypeImportOptions,
  result: PrototypeImportResult,
): Promise<Set<string>> {
  const { storage } = context;
  const signal = options.signal;
  const conflicted = new Set<string>();
  for (const [index, copy] of plan.copies.entries()) {
    signal?.throwIfAborted();
    if (copy.kind === 'caption') continue; // see importCaptions
    const bytes = await importedBytes(context, plan, copy, await files.read(copy.from, signal));
    if (!bytes) {
      conflicted.add(copy.to);
      continue;
    }
    if (await storage.head(copy.to, signal ? { signal } : {})) {
      const existing = await readAll(await storage.get(copy.to, signal ? { signal } : {}));
      if (sha256(existing) === sha256(bytes)) result.files.unchanged += 1;
      else {
        conflicted.add(copy.to);
        result.files.conflicts += 1;
        plan.issues.push({
          code: 'conflict',
          path: copy.from,
          message: `The workspace already has a different file at ${copy.to}: left as it is (this file is not imported).`,
        });
      }
    } else {
      await storage.put(copy.to, bytes, { contentType: 'image/jpeg', ...(signal && { signal }) });
      result.files.written += 1;
    }
    options.onProgress?.({ model: plan.model, done: index + 1, total: plan.copies.length, path: copy.from });
  }
  return conflicted;
}

/**
 * Captions go beside their images through the model's caption records, each recorded as imported from the prototype
 * (source `imported`, state `generated`: a person has not reviewed it). A caption already recorded (an earlier import,
 * maybe edited since) is kept; a different `.txt` nobody recorded is a conflict and left alone.
 */
async function importCaptions(
  context: StudioContext,
  files: PrototypeFiles,
  plan: PrototypeImportPlan,
  options: PrototypeImportOptions,
  result: PrototypeImportResult,
  conflicted: Set<string>,
): Promise<void> {
  const captions = plan.copies.filter((copy) => copy.kind === 'caption');
  if (captions.length === 0) return;
  const { signal } = options;
  const records = await context.records.captions(plan.model);
  let operation: string | undefined;
  for (const copy of captions) {
    signal?.throwIfAborted();
    const imageKey = copy.to.replace(/\.txt$/, '.jpg');
    const name = imageKey.slice(imageKey.lastIndexOf('/') + 1);
    if (conflicted.has(imageKey) || records.get(name)) {
      if (!conflicted.has(imageKey)) result.files.unchanged += 1;
      continue;
    }
    const text = new TextDecoder().decode(await files.read(copy.from, signal));
    const stored = await context.storage.head(copy.to, signal ? { signal } : {});
    const existing = stored && new TextDecoder().decode(await readAll(await context.storage.get(copy.to)));
    if (existing !== undefined && existing !== text) {
      conflicted.add(copy.to);
      result.files.conflicts += 1;
      plan.issues.push({
        code: 'conflict',
        path: copy.from,
        message: `The workspace already has a different caption at ${copy.to} that no caption record names: left as it is.`,
      });
      continue;
    }
    operation ??= records.begin('import', `captions imported from the prototype (${plan.from})`);
    const source = { kind: 'imported' as const, from: `prototype: ${files.description}/${copy.from}` };
    const rating = copy.to.split('/')[3]!;
    await records.write({ name, imageKey, captionKey: copy.to, rating, text, source, state: 'generated' }, operation);
    if (existing === undefined) result.files.written += 1;
    else result.files.unchanged += 1;
  }
  await records.flush();
}

/**
 * A PNG under a `.jpg` name becomes a JPEG when the studio has an image processor; one it cannot decode is reported and
 * left out (`undefined`).
 */
async function importedBytes(
  context: StudioContext,
  plan: PrototypeImportPlan,
  copy: PrototypeCopy,
  bytes: Uint8Array,
): Promise<Uint8Array | undefined> {
  const processor = context.settings.imageProcessor;
  if (!copy.png || !processor) return bytes;
  try {
    return (await processor.normalize(bytes, { quality: 95 })).bytes;
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    plan.issues.push({
      code: 'png-as-jpg',
      path: copy.from,
      message: `The PNG could not be converted to JPEG (${error.message}): left out.`,
    });
    return undefined;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The imported targets, per rating: number and prototype path. */
function importedTargets(plan: PrototypeImportPlan, conflicted: Set<string>) {
  const byRating = new Map<string, { n: number; from: string }[]>();
  for (const copy of plan.copies) {
    if (copy.kind !== 'target' || conflicted.has(copy.to)) continue;
    const [, , , rating = '', name = ''] = copy.to.split('/');
    const n = Number(/-t(\d+)\.jpg$/.exec(name)?.[1]);
    byRating.set(rating, [...(byRating.get(rating) ?? []), { n, from: copy.from }]);
  }
  return byRating;
}

/** Records the rights statement as the provenance of each imported target not yet recorded (so a re-import changes nothing). */
async function recordTargetRights(
  context: StudioContext,
  files: PrototypeFiles,
  plan: PrototypeImportPlan,
  options: PrototypeImportOptions,
  conflicted: Set<string>,
  config: ModelConfig,
): Promise<ModelConfig> {
  const rights = options.targetRights;
  if (!rights) return config;
  for (const [rating, targets] of importedTargets(plan, conflicted)) {
    const recorded = new Set((config.targets[rating] ?? []).map((record) => record.n));
    const fresh = targets.filter((target) => !recorded.has(target.n));
    if (fresh.length === 0) continue;
    await context.workspace.recordTargets(
      plan.model,
      rating,
      fresh.map((target) => ({
        n: target.n,
        origin: `${files.description}/${target.from}`,
        rightsStatement: rights.rightsStatement,
        ...(rights.adultsConsented !== undefined && { adultsConsented: rights.adultsConsented }),
      })),
    );
  }
  return context.workspace.getModel(plan.model);
}

function countUnrecorded(plan: PrototypeImportPlan, config: ModelConfig, conflicted: Set<string>): number {
  let count = 0;
  for (const [rating, targets] of importedTargets(plan, conflicted)) {
    const recorded = new Set((config.targets[rating] ?? []).map((record) => record.n));
    count += targets.filter((target) => !recorded.has(target.n)).length;
  }
  return count;
}
