import { join } from 'node:path';
import type { ConsentRecord, ImportResult, RunSummary } from '@model-studio/core';
import pc from 'picocolors';
import { type CliCaptioner, createCliCaptioner } from '../captioner-factory.js';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { readInputFiles } from '../input-files.js';
import { faceCheckSummary, printImportResults, verifiedLine } from '../report.js';
import { samplesDir } from '../samples-dir.js';
import { type CliStudio, openCliStudio } from '../studio-factory.js';
import { type CliTrainer, createCliTrainer } from '../trainer-factory.js';
import { captionLine, generateCaptions } from './captions.js';
import { printDataset } from './dataset.js';
import { executePlan } from './run.js';
import { trainAndRecord, trainingProgressPrinter } from './train.js';

/** The demo model's minimum shortest side: the bundled samples are 512-682 px. */
export const DEMO_MIN_SHORT_SIDE = 512;

/** The consent record of the demo model, marked as a demo (public-domain photo, no real consent process). */
export function demoConsentRecord(now: Date = new Date()): ConsentRecord {
  return {
    subject: 'Grace Hopper (DEMO: public-domain US Navy portrait)',
    adultAttested: true,
    attestedBy: 'DEMO record: public-domain photograph of an adult; no real consent was collected',
    allowedRatings: ['sfw'],
    allowedUses: ['swap', 'train'],
    obtainedAt: now.toISOString(),
    evidenceRef: 'DEMO: examples/cli/samples/README.md (licence notes of the bundled public-domain samples)',
  };
}

/** `demo`, or `demo-2`, `demo-3`, ... when earlier demos exist (earlier demo models are kept, never overwritten). */
export function nextDemoName(existing: readonly string[]): string {
  if (!existing.includes('demo')) return 'demo';
  let n = 2;
  while (existing.includes(`demo-${n}`)) n += 1;
  return `demo-${n}`;
}

/**
 * `studio demo`: creates a demo model with a demo consent record, imports the bundled samples (one source, four sfw
 * targets, one of which has no face), estimates, and runs swap, verify and enhance against an in-process MaxStudio
 * sandbox, then prints the summary. Needs no keys and no terminal.
 */
export async function demoCommand(context: CliContext): Promise<number> {
  const { out } = context;
  const offline = await createCliCaptioner({}, 'offline');
  const lora = await import('@model-studio/lora-trainer');
  let runpod: CliTrainer | undefined;
  const cli = await openCliStudio(context, 'in-process-sandbox', {
    captioner: offline.captioner,
    datasetBuilder: lora.createDatasetBuilder(),
    trainer: async (workspace) => {
      runpod = await createCliTrainer(context, workspace.workspace.storage, workspace.root, { inProcessSandbox: true });
      return runpod;
    },
  });
  try {
    const sandboxTag = pc.yellow('[SANDBOX]');
    out.line(
      pc.bold('AI Model Studio demo') + ` ${sandboxTag} bundled public-domain samples, no keys, no real credits`,
    );
    const name = nextDemoName((await cli.workspace.listModels()).map((model) => model.name));
    await cli.workspace.createModel(name, { thresholds: { minShortSide: DEMO_MIN_SHORT_SIDE } });
    out.line(
      `${sandboxTag} Created model "${name}" in ${cli.root} (minimum shortest side ${DEMO_MIN_SHORT_SIDE} px for the samples)`,
    );
    await cli.workspace.setConsent(name, demoConsentRecord());
    out.line(`${sandboxTag} Consent record (marked DEMO) set: ratings [sfw], uses [swap, train]`);

    const samples = samplesDir();
    const [sourceFiles, targetFiles] = await Promise.all([
      readInputFiles([join(samples, 'grace_hopper.jpg')]),
      readInputFiles([join(samples, 'targets')]),
    ]);
    out.line(`${sandboxTag} Source photo (exactly one face required):`);
    const sources: ImportResult[] = await cli.studio.importSources(name, sourceFiles, { signal: context.signal });
    printImportResults(out, sources);
    out.line(`${sandboxTag} Target photos (sfw):`);
    const targets: ImportResult[] = await cli.studio.importTargets(
      name,
      'sfw',
      targetFiles,
      {
        origin: 'bundled demo samples (examples/cli/samples)',
        rightsStatement: 'public domain / CC0, see samples/README.md',
      },
      { signal: context.signal },
    );
    printImportResults(out, targets);
    const faceSummary = faceCheckSummary(targets);
    out.line(`${sandboxTag} ${faceSummary}`);

    const plan = await cli.studio.plan(name, { ratings: ['sfw'] });
    const notes = [
      `Note: the demo samples are 512-682 px, so model "${name}" accepts a shortest side of ${DEMO_MIN_SHORT_SIDE} px (the default is 800 px).`,
      pc.yellow('SANDBOX run: results carry a visible SANDBOX mark and no real credits were spent.'),
    ];
    const execution = await executePlan(context, cli, plan, { confirmed: true, notes });
    const summary = execution.summary as RunSummary;
    out.line();
    out.line(`${sandboxTag} ${pc.bold(verifiedLine(summary))}`);
    const captions = summary.succeeded > 0 ? await captionDemo(context, cli.studio, name, offline) : [];
    const training = captions.length > 0 && runpod ? await trainDemo(context, cli, name, runpod) : undefined;
    out.line(
      `Next: open the results under ${join(cli.root, 'models', name, 'results')}, or run \`studio\` for the menu.`,
    );
    out.result(
      {
        model: name,
        workspace: cli.root,
        provider: cli.providerLabel,
        faceSummary,
        sources,
        targets,
        estimate: execution.estimate,
        summary,
        verified: verifiedLine(summary),
        captions,
        ...(training && { training }),
        minShortSide: DEMO_MIN_SHORT_SIDE,
      },
      () => {},
    );
    return execution.exitCode === exitCodes.ok ? exitCodes.ok : execution.exitCode;
  } finally {
    await cli.close();
  }
}

/** Captions the demo's results with the offline captioner and prints two of them. */
async function captionDemo(
  context: CliContext,
  studio: import('@model-studio/core').Studio,
  model: string,
  offline: CliCaptioner,
): Promise<import('@model-studio/core').CaptionEntry[]> {
  const { out } = context;
  out.line();
  await generateCaptions(context, studio, model, offline);
  const captions = await studio.captions(model);
  out.line(`${captions.length} training caption(s) written beside the enhanced results (.txt), for example:`);
  for (const caption of captions.slice(0, 2)) out.line(`  ${captionLine(caption)}`);
  out.line(`Review them with \`studio captions review ${model}\`.`);
  return captions;
}

/** Training steps of the demo's sandbox LoRA (the sandbox trainer runs them in a second or two). */
export const DEMO_TRAINING_STEPS = 12;

/**
 * Builds dataset v1 from the demo's captioned results (captions accepted unreviewed: nobody reviews a demo) and
 * trains a LoRA on the in-process RunPod sandbox, then prints where the LoRA is and its size.
 */
async function trainDemo(context: CliContext, cli: CliStudio, model: string, trainer: CliTrainer) {
  const { out } = context;
  const tag = pc.yellow('[SANDBOX]');
  out.line();
  out.line(
    `${tag} Building dataset v1. Demo settings: captions are accepted unreviewed (--allow-unreviewed), and images need the model's training score above its minTrainingScore.`,
  );
  const dataset = await cli.studio.buildDataset(model, {
    version: 'v1',
    allowUnreviewed: true,
    signal: context.signal,
  });
  printDataset(context, cli.root, dataset);
  const lora = await import('@model-studio/lora-trainer');
  const config = await cli.workspace.getModel(model);
  const trainingConfig = lora.buildSimpleTunerConfig({
    family: 'flux',
    trigger: config.settings.triggerWord,
    classWord: config.settings.classWord,
    overrides: { max_train_steps: DEMO_TRAINING_STEPS },
  }) as Record<string, unknown>;
  out.line(`${tag} Training a LoRA on ${trainer.label}`);
  const result = await trainAndRecord(
    context,
    cli.studio,
    cli.workspace.storage,
    trainer,
    model,
    { dataset: 'v1', version: 'v1', family: 'flux', config: trainingConfig },
    trainingProgressPrinter(context),
  );
  const path = join(cli.root, result.loraKey);
  out.line(
    `${tag} LoRA version v1 (a SANDBOX file, not a trained model): ${path} (${result.loraBytes} bytes); sandbox cost $${(result.summary.cost?.usd ?? 0).toFixed(4)}, nothing paid.`,
  );
  return {
    dataset,
    stageId: result.summary.stageId,
    job: result.summary.job,
    status: result.summary.progress.status,
    lora: { key: result.loraKey, path, bytes: result.loraBytes },
    pods: trainer.sandboxInfo?.created() ?? 0,
  };
}
