import type { Storage, Studio, TrainEvent, TrainSummary } from '@model-studio/core';
import type { SavedTrainingRequest } from '@model-studio/lora-trainer';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { type CliStudio, openCliStudio } from '../studio-factory.js';
import { type CliTrainer, createCliTrainer, stableSignedUrls, type TrainerChoice } from '../trainer-factory.js';
import { UsageError } from '../usage-error.js';

/** Options of `studio train start` and `studio train attach`. */
export interface TrainCommandOptions extends TrainerChoice {
  /** Dataset version to train on. @default 'v1' */
  dataset?: string;
  /** LoRA version to write. @default the dataset version */
  version?: string;
  /** Training steps (`max_train_steps`, or ai-toolkit's `train.steps`). */
  steps?: number;
  /** LoRA rank (`lora_rank`, or ai-toolkit's `network.linear`). */
  rank?: number;
  /** Which program trains: `simpletuner` (default) or `ai-toolkit`. */
  engine?: 'simpletuner' | 'ai-toolkit';
  /** Most USD this training may spend (checked before the pod is created). */
  budgetUsd?: number;
  /** Start again after a start whose answer was lost (the RunPod trainer reuses the pod of the same run). */
  resubmitUncertain?: boolean;
  /** Use the in-process RunPod sandbox (the demo). */
  inProcessSandbox?: boolean;
}

/** What `train start` saved so `train attach` can finish the same training: dataset, config, family, engine. */
type TrainRequestRecord = SavedTrainingRequest;

async function readJson<T>(storage: Storage, key: string): Promise<T | undefined> {
  if (!(await storage.head(key))) return undefined;
  return JSON.parse(await new Response(await storage.get(key)).text()) as T;
}

/** Opens a studio with the trainer the flags ask for (a loopback sandbox gets signed URLs that survive restarts). */
export async function openTrainingStudio(
  context: CliContext,
  options: TrainCommandOptions,
  onEvent?: (event: TrainEvent) => void,
): Promise<{ cli: CliStudio; trainer: CliTrainer }> {
  const { resolve } = await import('node:path');
  const lora = await import('@model-studio/lora-trainer');
  const local = options.local !== undefined;
  const signedUrls = local ? undefined : await stableSignedUrls(resolve(context.options.workspace));
  let made: CliTrainer | undefined;
  const cli = await openCliStudio(context, 'none', {
    datasetBuilder: lora.createDatasetBuilder(),
    ...(signedUrls && { signedUrls }),
    trainer: async (workspace) => {
      made = await createCliTrainer(context, workspace.workspace.storage, workspace.root, {
        ...options,
        ...(onEvent && { onEvent }),
      });
      // Starts the signed-URL server now: a reattached pod uploads to it while we wait.
      await workspace.workspace.storage.signedUrl?.('models.json', { method: 'GET' });
      return made;
    },
  });
  if (made?.sandbox) context.out.sandboxBanner(made.label);
  return { cli, trainer: made! };
}

/** A progress line per new step: steps, loss, ETA and cost so far. */
export function trainingProgressPrinter(context: CliContext): (event: TrainEvent) => void {
  let lastStep = -1;
  return (event) => {
    if (event.type === 'job-start') context.out.line(`Pod/job ${event.job.id} created; waiting for it to train...`);
    if (event.type === 'training-reattach') context.out.line(`Reattached to job ${event.job.id} (nothing paid again).`);
    if (event.type === 'training-cost' && event.kind === 'reserved')
      context.out.line(`Reserved $${event.usd.toFixed(2)} (the most this training may cost) in the ledger.`);
    if (event.type !== 'progress') return;
    const { step, totalSteps, loss, etaSeconds, cost } = event.progress;
    if (step === undefined || step === lastStep) return;
    lastStep = step;
    const parts = [`step ${step}/${totalSteps ?? '?'}`];
    if (loss !== undefined) parts.push(`loss ${loss.toFixed(4)}`);
    if (etaSeconds !== undefined) parts.push(`ETA ${Math.round(etaSeconds)} s`);
    if (cost) parts.push(`cost so far $${cost.usd.toFixed(4)}`);
    context.out.line(`  ${parts.join('  ')}`);
  };
}

/**
 * Trains (or reattaches) and records the LoRA version: `studio.train`, then `recordLoraVersion` under
 * `models/<model>/loras/<version>/` when it is not recorded yet. Shared by `train start`, `train attach` and the demo.
 */
export async function trainAndRecord(
  context: CliContext,
  studio: Studio,
  storage: Storage,
  trainer: CliTrainer,
  model: string,
  request: TrainRequestRecord & { version: string; budgetUsd?: number; resubmitUncertain?: boolean },
  onEvent: (event: TrainEvent) => void,
): Promise<{ summary: TrainSummary; loraKey: string; loraBytes: number; sandbox: boolean; engine: string }> {
  const summary = await studio.train(model, {
    dataset: request.dataset,
    version: request.version,
    config: request.config,
    estimateUsd: await trainer.estimateUsd(),
    ...(request.budgetUsd !== undefined && { budget: { limit: request.budgetUsd, unit: 'USD' } }),
    ...(request.resubmitUncertain && { resubmitUncertain: true }),
    signal: context.signal,
    onEvent,
  });
  return { summary, ...(await recordVersion(storage, model, request, summary)) };
}

async function recordVersion(
  storage: Storage,
  model: string,
  request: TrainRequestRecord & { version: string },
  summary: TrainSummary,
): Promise<{ loraKey: string; loraBytes: number; sandbox: boolean; engine: string }> {
  const lora = await import('@model-studio/lora-trainer');
  const { version, ...saved } = request;
  const recorded = await lora.recordTrainedVersion({ storage, model, version, request: saved, summary });
  return { loraKey: recorded.key, loraBytes: recorded.bytes, sandbox: recorded.sandbox, engine: recorded.engine };
}

function printResult(context: CliContext, cli: CliStudio, result: Awaited<ReturnType<typeof trainAndRecord>>): void {
  const { summary, loraKey, loraBytes } = result;
  const path = `${cli.root}/${loraKey}`;
  context.out.result(
    {
      model: summary.model,
      stageId: summary.stageId,
      job: summary.job,
      reattached: summary.reattached,
      status: summary.progress.status,
      costUsd: summary.cost?.usd,
      lora: { key: loraKey, path, bytes: loraBytes },
      engine: result.engine,
      sandbox: result.sandbox,
    },
    () => {
      context.out.line(
        `Training ${summary.stageId} (${result.engine}) ${summary.progress.status}${summary.reattached ? ' (reattached)' : ''}${summary.alreadyDone ? ' (already done)' : ''}; job ${summary.job.id}.`,
      );
      if (summary.cost)
        context.out.line(
          `Cost: $${summary.cost.usd.toFixed(4)}${result.sandbox ? ' (sandbox: nothing was paid)' : ''}.`,
        );
      context.out.line(`LoRA${result.sandbox ? ' (SANDBOX file)' : ''}: ${path} (${loraBytes} bytes)`);
    },
  );
}

/** `studio train start <model>`: trains a LoRA on a dataset version; Ctrl-C or a crash leaves the pod for `train attach`. */
export async function trainStartCommand(
  context: CliContext,
  model: string,
  options: TrainCommandOptions,
): Promise<number> {
  const dataset = options.dataset ?? 'v1';
  const version = options.version ?? dataset;
  const printer = trainingProgressPrinter(context);
  const { cli, trainer } = await openTrainingStudio(context, options, undefined);
  try {
    const lora = await import('@model-studio/lora-trainer');
    const storage = cli.workspace.storage;
    const settings = (await cli.workspace.getModel(model)).settings;
    const request = await lora
      .prepareTrainingRequest({
        storage,
        model,
        version,
        dataset,
        engine: options.engine,
        steps: options.steps,
        rank: options.rank,
        trigger: settings.triggerWord,
        classWord: settings.classWord,
        buildHint: `run \`studio dataset build ${model} ${dataset}\` first`,
      })
      .catch(async (error: unknown) => {
        if (!(error instanceof Error && 'field' in error && error.field === 'engine')) throw error;
        const saved = await readJson<TrainRequestRecord>(storage, lora.trainingRequestKey(model, version));
        const started = saved?.engine ?? 'simpletuner';
        throw new UsageError(
          `Training ${version} of "${model}" was started with ${started}: \`studio train attach ${model} --lora ${version}\` finishes it, or start a new version with \`--lora <version> --engine ${options.engine}\`.`,
        );
      });
    context.out.line(
      `Training "${model}" ${version} with ${request.engine ?? 'simpletuner'} on dataset ${request.dataset}, on ${trainer.label}`,
    );
    const result = await trainAndRecord(
      context,
      cli.studio,
      cli.workspace.storage,
      trainer,
      model,
      { ...request, version, ...pick(options) },
      printer,
    );
    printResult(context, cli, result);
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}

function pick(options: TrainCommandOptions) {
  return {
    ...(options.budgetUsd !== undefined && { budgetUsd: options.budgetUsd }),
    ...(options.resubmitUncertain && { resubmitUncertain: true }),
  };
}

/** `studio train attach <model>`: reattaches the journaled job of a training (after Ctrl-C or a crash) and finishes it. */
export async function trainAttachCommand(
  context: CliContext,
  model: string,
  options: TrainCommandOptions,
): Promise<number> {
  const version = options.version ?? options.dataset ?? 'v1';
  const { cli, trainer } = await openTrainingStudio(context, options, undefined);
  try {
    const lora = await import('@model-studio/lora-trainer');
    const request = await readJson<TrainRequestRecord>(cli.workspace.storage, lora.trainingRequestKey(model, version));
    if (!request)
      throw new UsageError(`No training ${version} of "${model}" was started: run \`studio train start ${model}\`.`);
    context.out.line(`Attaching to training "${model}" ${version} on ${trainer.label}`);
    const result = await trainAndRecord(
      context,
      cli.studio,
      cli.workspace.storage,
      trainer,
      model,
      { ...request, version, ...pick(options) },
      trainingProgressPrinter(context),
    );
    printResult(context, cli, result);
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}

/** `studio train status <model>`: every training of the model from the journal, with its job id and cost. */
export async function trainStatusCommand(context: CliContext, model: string): Promise<number> {
  const cli = await openCliStudio(context, 'none');
  try {
    const status = await cli.studio.status(model);
    const costs = await cli.studio.costs(model);
    const isTrain = (id: string) => id.startsWith(`${model}:train:`) || id.startsWith(`${model}:dataset:`);
    const rows = [
      ...status.done.filter(isTrain).map((stageId) => ({ stageId, state: 'done' })),
      ...status.inFlight
        .filter((s) => isTrain(s.stageId))
        .map((s) => ({ stageId: s.stageId, state: 'in flight', jobId: s.jobId })),
      ...status.uncertain.filter(isTrain).map((stageId) => ({ stageId, state: 'uncertain' })),
      ...status.failed
        .filter((f) => isTrain(f.stageId ?? ''))
        .map((f) => ({ stageId: f.stageId!, state: 'failed', message: f.message })),
      ...status.pending.filter(isTrain).map((stageId) => ({ stageId, state: 'pending' })),
    ];
    context.out.result({ model, trainings: rows, costs: costs.summary }, () => {
      if (rows.length === 0)
        context.out.line(`No dataset or training of "${model}" yet: \`studio dataset build ${model}\`.`);
      for (const row of rows) {
        const extra =
          'jobId' in row
            ? ` job ${row.jobId} (\`studio train attach ${model}\` finishes it)`
            : 'message' in row
              ? `: ${row.message}`
              : '';
        context.out.line(`${row.stageId}  ${row.state}${extra}`);
      }
    });
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}
