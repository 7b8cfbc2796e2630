import * as prompts from '@clack/prompts';
import { type ImportResult, isLoopbackUrl, isModelName, SAFE_RATING, suggestModelName } from '@model-studio/core';
import pc from 'picocolors';
import { createCliCaptioner } from './captioner-factory.js';
import type { CliContext } from './cli-context.js';
import { consentRecordFrom, describeConsent } from './commands/consent.js';
import { executePlan } from './commands/run.js';
import { offerShare } from './commands/share.js';
import { provenanceFrom } from './commands/targets.js';
import { describeModel } from './describe-model.js';
import { exitCodes } from './exit-codes.js';
import { readInputFiles } from './input-files.js';
import { captionsMenu } from './menu-captions.js';
import { trainMenu } from './menu-train.js';
import { faceCheckSummary, printImportResults } from './report.js';
import { type CliStudio, openCliStudio, usesRealApi } from './studio-factory.js';
import { tooSmallShortSide } from './too-small-short-side.js';
import { type CliTrainer, createCliTrainer } from './trainer-factory.js';
import { UsageError } from './usage-error.js';

/** The main menu's choices, in the product brief's words and order. */
export const menuChoices = ['Create New Model', 'Work with Existing Model', 'View All Models', 'Exit'] as const;

/** The rule shown when a model name is refused. */
export const modelNameRule =
  'Use 1-64 lower-case letters (a-z), digits and hyphens, not starting or ending with a hyphen (e.g. andie or andie-2).';

class MenuCancelled extends Error {}

function answer<T>(value: T): Exclude<T, symbol> {
  if (prompts.isCancel(value)) throw new MenuCancelled('cancelled');
  return value as Exclude<T, symbol>;
}

function required(label: string) {
  return (value: string | undefined) => ((value ?? '').trim() === '' ? `${label} is required.` : undefined);
}

/** Validates a model name for the prompt: the rule (and a suggestion) on error. */
export function modelNameProblem(value: string | undefined): string | undefined {
  const name = (value ?? '').trim();
  if (isModelName(name)) return undefined;
  const suggestion = suggestModelName(name);
  return `${modelNameRule}${suggestion ? ` Try "${suggestion}".` : ''}`;
}

function hasProvider(context: CliContext): boolean {
  const base = context.settings.maxStudioBaseUrl;
  return context.options.sandbox || usesRealApi(context) || (base !== undefined && isLoopbackUrl(base));
}

/**
 * `studio` with no command, on a terminal: the interactive menu. Create New Model / Work with Existing Model /
 * View All Models / Exit; each model goes through name, source photos, consent (before anything is processed),
 * ratings, target photos with provenance, the estimate and "Continue? [Y/n]", the run with a progress bar, the summary,
 * and "Process SFW folder too? [Y/n]".
 */
export async function runMenu(context: CliContext): Promise<number> {
  if (!context.interactive) {
    throw new UsageError(
      'The interactive menu needs a terminal. Use the subcommands in scripts (see `studio --help`), or `studio demo`.',
    );
  }
  let canRun = hasProvider(context);
  let providerProblem: string | undefined;
  let cli: CliStudio;
  // The configured captioner (offline without one) for the Captions screen; a bad setting only disables it there.
  const captioner = await createCliCaptioner(context.settings.captioner).catch(() => undefined);
  // A trainer when one is configured (RunPod, a loopback RunPod sandbox, or the in-process one with --sandbox).
  let trainer: CliTrainer | undefined;
  const { runpodApiKey, runpodBaseUrl } = context.settings;
  const trains = context.options.sandbox || runpodApiKey !== undefined || runpodBaseUrl !== undefined;
  const lora = await import('@model-studio/lora-trainer');
  const extras = {
    ...(captioner && { captioner: captioner.captioner }),
    datasetBuilder: lora.createDatasetBuilder(),
    ...(trains && {
      trainer: async (workspace: import('./studio-factory.js').CliWorkspace) => {
        trainer = await createCliTrainer(context, workspace.workspace.storage, workspace.root, {});
        return trainer;
      },
    }),
  };
  try {
    cli = await openCliStudio(context, canRun ? 'configured' : 'none', extras);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // e.g. a real API key without S3: the menu still imports, estimates and lists; it says why it cannot run.
    canRun = false;
    providerProblem = error.message;
    cli = await openCliStudio(context, 'none', extras);
  }
  try {
    prompts.intro(pc.bold('AI Model Studio') + (cli.sandbox ? ` ${pc.bgYellow(pc.black(' SANDBOX '))}` : ''));
    if (cli.sandbox) prompts.log.warn(`SANDBOX: ${cli.providerLabel}. Results carry a SANDBOX mark.`);
    else if (providerProblem) prompts.log.warn(context.out.scrub(providerProblem));
    else if (!canRun) {
      prompts.log.info(
        'No MaxStudio API key: you can import and estimate; run with `studio --sandbox` to try processing.',
      );
    }
    for (;;) {
      const choice = answer(
        await prompts.select({
          message: 'What would you like to do?',
          options: menuChoices.map((label) => ({ value: label, label })),
        }),
      );
      if (choice === 'Exit') break;
      if (choice === 'View All Models') {
        await viewAllModels(cli);
        continue;
      }
      let model: string | undefined;
      let isNew = false;
      if (choice === 'Create New Model') {
        const name = answer(
          await prompts.text({ message: 'Model name', placeholder: 'e.g. andie', validate: modelNameProblem }),
        ).trim();
        try {
          await cli.workspace.createModel(name);
          prompts.log.success(`Created model "${name}"`);
          model = name;
          isNew = true;
        } catch (error) {
          prompts.log.error((error as Error).message);
          continue;
        }
      } else {
        const models = await cli.workspace.listModels();
        if (models.length === 0) {
          prompts.log.warn('No models yet: choose Create New Model.');
          continue;
        }
        model = answer(
          await prompts.select({
            message: 'Which model?',
            options: models.map((entry) => ({ value: entry.name, label: entry.name })),
          }),
        );
      }
      if (!isNew) {
        const action = answer(
          await prompts.select({
            message: `What to do with "${model}"?`,
            options: [
              { value: 'process', label: 'Add photos and process them (swap, verify, enhance)' },
              { value: 'captions', label: 'Captions (generate, review, list)' },
              { value: 'train', label: 'Train a LoRA (dataset, then training, with progress)' },
              { value: 'back', label: 'Back' },
            ],
          }),
        );
        if (action === 'back') continue;
        if (action === 'captions') {
          await captionsMenu(context, cli, model);
          continue;
        }
        if (action === 'train') {
          await trainMenu(context, cli, model, trainer);
          continue;
        }
      }
      const code = await workWithModel(context, cli, model, canRun, isNew);
      if (code === exitCodes.interrupted) return code;
    }
    prompts.outro('Goodbye.');
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof MenuCancelled) {
      prompts.cancel('Cancelled.');
      return exitCodes.interrupted;
    }
    throw error;
  } finally {
    await cli.close();
  }
}

async function viewAllModels(cli: CliStudio): Promise<void> {
  const models = await cli.workspace.listModels();
  if (models.length === 0) {
    prompts.log.info(`No models in ${cli.root} yet.`);
    return;
  }
  const lines = await Promise.all(models.map(async (entry) => describeModel(await cli.workspace.overview(entry.name))));
  prompts.note(lines.join('\n'), `Models in ${cli.root}`);
}

/** Asks for the subject's consent record at the terminal and records it on the model. */
export async function askConsent(context: CliContext, cli: CliStudio, model: string): Promise<void> {
  prompts.log.step(
    'Consent record: the documented consent of the person this model depicts (asked before anything is processed).',
  );
  const subject = answer(
    await prompts.text({ message: 'Subject name (as on the evidence)', validate: required('The subject name') }),
  );
  const adult = answer(
    await prompts.confirm({
      message: 'Is the subject an adult, and did you check it (e.g. an ID)?',
      initialValue: false,
    }),
  );
  if (!adult) throw new UsageError('Nothing can be processed without an adult attestation. No photos were processed.');
  const attestedBy = answer(
    await prompts.text({ message: 'Attested by (who checked, and how)', validate: required('Attested by') }),
  );
  const ratings = answer(
    await prompts.multiselect({
      message: 'Allowed ratings (space to toggle, enter to confirm)',
      options: [
        { value: 'sfw', label: 'sfw' },
        { value: 'nsfw', label: 'nsfw' },
      ],
      initialValues: ['sfw'],
      required: true,
    }),
  );
  const uses = answer(
    await prompts.multiselect({
      message: 'Allowed uses (space to toggle, enter to confirm)',
      options: [
        { value: 'swap', label: 'swap (face swaps)' },
        { value: 'train', label: 'train (a LoRA of their likeness)' },
        { value: 'publish', label: 'publish (the outputs)' },
      ],
      initialValues: ['swap'],
      required: true,
    }),
  );
  const evidence = answer(
    await prompts.text({
      message: 'Evidence reference (document id, path or URL)',
      validate: required('The evidence reference'),
    }),
  );
  const record = consentRecordFrom({ subject, adult, attestedBy, ratings, uses, evidence });
  await cli.workspace.setConsent(model, record);
  prompts.log.success(`Consent recorded: ${describeConsent(record)}`);
  void context;
}

async function importSourcesFrom(
  context: CliContext,
  cli: CliStudio,
  model: string,
  paths: string,
): Promise<ImportResult[]> {
  const inputs = await readInputFiles([paths]);
  const results = await cli.studio.importSources(model, inputs, { signal: context.signal });
  printImportResults(context.out, results);
  const accepted = results.filter((result) => result.accepted).length;
  prompts.log.info(`Accepted ${accepted}/${results.length} source photo(s).`);
  return results;
}

/**
 * When every photo of an import was refused as too small, offers to lower the model's minimum short side to the
 * photos' shortest side, saying what that costs (lower-resolution training data). True when it was lowered: the
 * caller imports the same photos again.
 */
async function offerLowerMinimum(cli: CliStudio, model: string, results: readonly ImportResult[]): Promise<boolean> {
  const lowest = tooSmallShortSide(results);
  if (lowest === undefined) return false;
  const current = (await cli.workspace.getModel(model)).settings.thresholds.minShortSide;
  if (lowest >= current) return false;
  prompts.log.warn(
    `Every photo is smaller than model "${model}" accepts: the smallest short side is ${lowest} px, the minimum ${current} px.`,
  );
  const lower = answer(
    await prompts.confirm({
      message:
        `Lower this model's minimum short side to ${lowest} px? Smaller photos make lower-resolution training data: ` +
        'the LoRA learns less detail and its images come out softer.',
      initialValue: false,
    }),
  );
  if (!lower) {
    prompts.log.info(`Kept ${current} px: choose photos at least ${current} px on their short side.`);
    return false;
  }
  await cli.workspace.updateSettings(model, { thresholds: { minShortSide: lowest } });
  prompts.log.success(
    `Model "${model}" now accepts photos from ${lowest} px on their short side (\`studio models set ${model} --min-short-side ${current}\` restores ${current} px). Importing them again...`,
  );
  return true;
}

/** A model created in this menu whose flow was left before its consent and first photos: removed, not kept half-made. */
async function forgetNewModel(cli: CliStudio, model: string): Promise<void> {
  try {
    await cli.workspace.deleteModel(model);
    prompts.log.info(`Model "${model}" was not kept: a new model is kept once its consent and first photos are in.`);
  } catch (error) {
    prompts.log.warn(`Model "${model}" could not be removed: ${(error as Error).message}`);
  }
}

async function workWithModel(
  context: CliContext,
  cli: CliStudio,
  model: string,
  canRun: boolean,
  isNew = false,
): Promise<number> {
  // A new model stays only once its consent is recorded and a source photo is accepted.
  let kept = !isNew;
  try {
    let overview = await cli.workspace.overview(model);
    prompts.log.info(describeModel(overview));
    let sourcePaths: string | undefined;
    if (
      overview.sources === 0 ||
      answer(await prompts.confirm({ message: 'Add source photos?', initialValue: false }))
    ) {
      sourcePaths = answer(
        await prompts.text({
          message: 'Source photos (comma-separated paths or a folder)',
          validate: required('Source photos'),
        }),
      );
    }
    const config = await cli.workspace.getModel(model);
    if (!config.consent || config.consent.revokedAt) await askConsent(context, cli, model);
    else prompts.log.info(`Consent on record: ${describeConsent(config.consent)}`);
    while (sourcePaths !== undefined) {
      try {
        const results = await importSourcesFrom(context, cli, model, sourcePaths);
        if (results.some((result) => result.accepted) || overview.sources > 0) break;
        if (await offerLowerMinimum(cli, model, results)) continue;
        prompts.log.warn(
          'No source photo was accepted (reasons above): a source photo needs exactly one face and the model’s minimum size.',
        );
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        prompts.log.error(error.message);
      }
      sourcePaths = answer(
        await prompts.text({
          message: 'Source photos (comma-separated paths or a folder)',
          validate: required('Source photos'),
        }),
      );
    }
    kept = true;
    overview = await cli.workspace.overview(model);
    const allowed = overview.allowedRatings;
    const ratings = answer(
      await prompts.multiselect({
        message: 'Which ratings to process? (only those the consent covers)',
        options: allowed.map((rating) => ({ value: rating, label: rating })),
        initialValues: allowed.includes(SAFE_RATING) ? [SAFE_RATING] : allowed.slice(0, 1),
        required: true,
      }),
    );
    for (const rating of ratings) await askTargets(context, cli, model, rating, overview.targets[rating] ?? 0);
    if (!canRun) {
      prompts.log.warn(
        'No MaxStudio provider configured: set MAXSTUDIO_API_KEY (and S3), or start `studio --sandbox`. Photos are imported; nothing was run.',
      );
      return exitCodes.ok;
    }
    const code = await runRatings(context, cli, model, ratings);
    if (code === exitCodes.interrupted) return code;
    const after = await cli.workspace.overview(model);
    if (
      !ratings.includes(SAFE_RATING) &&
      (after.targets[SAFE_RATING] ?? 0) > 0 &&
      after.allowedRatings.includes(SAFE_RATING)
    ) {
      if (answer(await prompts.confirm({ message: 'Process SFW folder too? [Y/n]', initialValue: true }))) {
        const sfw = await runRatings(context, cli, model, [SAFE_RATING]);
        if (sfw !== exitCodes.interrupted) await offerShare(context, cli, model);
        return sfw;
      }
    }
    await offerShare(context, cli, model);
    return code;
  } catch (error) {
    if (!kept) await forgetNewModel(cli, model);
    if (error instanceof MenuCancelled) throw error;
    prompts.log.error(context.out.scrub((error as Error).message));
    return exitCodeForMenu(error);
  }
}

function exitCodeForMenu(error: unknown): number {
  return (error as { code?: string }).code === 'consent' ? exitCodes.consent : exitCodes.usage;
}

async function askTargets(
  context: CliContext,
  cli: CliStudio,
  model: string,
  rating: string,
  existing: number,
): Promise<void> {
  const message = `Target photos for ${rating} (comma-separated paths or a folder${existing > 0 ? `; empty keeps the ${existing} imported` : ''})`;
  for (;;) {
    const paths = answer(
      await prompts.text({ message, validate: existing > 0 ? undefined : required('Target photos') }),
    ).trim();
    if (paths === '') return;
    let inputs: Awaited<ReturnType<typeof readInputFiles>>;
    try {
      inputs = await readInputFiles([paths]);
    } catch (error) {
      prompts.log.error((error as Error).message);
      continue;
    }
    const origin = answer(
      await prompts.text({
        message: 'Where did these photos come from? (origin)',
        defaultValue: paths,
        placeholder: paths,
      }),
    );
    const rights = answer(
      await prompts.text({
        message: 'Your statement that you hold the rights to use them',
        validate: required('The rights statement'),
      }),
    );
    let adultsConsented = false;
    if (rating !== SAFE_RATING) {
      adultsConsented = answer(
        await prompts.confirm({
          message: `Is everyone shown in these ${rating} photos an adult who consented?`,
          initialValue: false,
        }),
      );
      if (!adultsConsented) {
        prompts.log.warn(`Targets rated ${rating} need that statement; these photos were not imported.`);
        return;
      }
    }
    const provenance = provenanceFrom({ rating, origin: origin || paths, rights, adultsConsented });
    const importAll = async () => {
      const results = await cli.studio.importTargets(model, rating, inputs, provenance, { signal: context.signal });
      printImportResults(context.out, results);
      return results;
    };
    let results = await importAll();
    if (await offerLowerMinimum(cli, model, results)) results = await importAll();
    prompts.log.info(faceCheckSummary(results));
    return;
  }
}

async function runRatings(context: CliContext, cli: CliStudio, model: string, ratings: string[]): Promise<number> {
  const plan = await cli.studio.plan(model, { ratings });
  if (plan.units.length === 0) {
    prompts.log.warn('Nothing to process: the model needs source and target photos.');
    return exitCodes.ok;
  }
  const execution = await executePlan(context, cli, plan);
  return execution.exitCode;
}
