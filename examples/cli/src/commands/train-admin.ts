import type { Storage } from '@model-studio/core';
import type { SavedTrainingRequest } from '@model-studio/lora-trainer';
import type { CliContext } from '../cli-context.js';
import { exitCodes } from '../exit-codes.js';
import { openCliStudio } from '../studio-factory.js';
import { UsageError } from '../usage-error.js';
import { openTrainingStudio, type TrainCommandOptions, trainAndRecord } from './train.js';

async function readJson<T>(storage: Storage, key: string): Promise<T | undefined> {
  if (!(await storage.head(key))) return undefined;
  return JSON.parse(await new Response(await storage.get(key)).text()) as T;
}

/**
 * `studio train preflight <model> [dataset]`: the checks before paying, on the built dataset and the config
 * `train start` would use (`--engine simpletuner|ai-toolkit`): config validity, images and captions, the expected
 * LoRA size with what fits, GPU memory.
 */
export async function trainPreflightCommand(
  context: CliContext,
  model: string,
  dataset = 'v1',
  options: { steps?: number; rank?: number; engine?: 'simpletuner' | 'ai-toolkit' } = {},
): Promise<number> {
  const lora = await import('@model-studio/lora-trainer');
  const cli = await openCliStudio(context, 'none');
  try {
    const settings = (await cli.workspace.getModel(model)).settings;
    const engine = options.engine ?? 'simpletuner';
    const setup = await lora.loadTrainingSetup({
      storage: cli.workspace.storage,
      model,
      dataset,
      engine,
      trigger: settings.triggerWord,
      classWord: settings.classWord,
      ...(options.steps !== undefined && { steps: options.steps }),
      ...(options.rank !== undefined && { rank: options.rank }),
      buildHint: `\`studio dataset build ${model} ${dataset}\``,
      signal: context.signal,
    });
    const report = await lora.runPreflight({ ...setup.preflight, signal: context.signal });
    context.out.result({ ...report, engine }, () => {
      context.out.line(
        `Pre-flight of "${model}" dataset ${dataset} with ${engine}: ${report.ok ? 'ready to train' : 'NOT ready'}`,
      );
      for (const finding of report.findings) {
        context.out.line(
          `  ${finding.severity}: ${finding.message}${finding.severity === 'info' ? '' : ` Fix: ${finding.fix}`}`,
        );
      }
      if (report.estimates.loraBytes) context.out.line(`  expected LoRA size: ${report.estimates.loraBytes} bytes`);
    });
    return report.ok ? exitCodes.ok : exitCodes.usage;
  } finally {
    await cli.close();
  }
}

/**
 * `studio train cancel <model>`: stops the journaled pod of a training (it stops billing), then settles its cost in the
 * ledger through the orchestrator (the journal shows the training failed: cancelled).
 */
export async function trainCancelCommand(
  context: CliContext,
  model: string,
  options: TrainCommandOptions,
): Promise<number> {
  const version = options.version ?? 'v1';
  const { cli, trainer } = await openTrainingStudio(context, options);
  try {
    const stageId = `${model}:train:${version}`;
    const inFlight = (await cli.studio.status(model)).inFlight.find((entry) => entry.stageId === stageId);
    if (!inFlight)
      throw new UsageError(
        `Training ${stageId} has no job in flight: nothing to cancel (\`studio train status ${model}\`).`,
      );
    const job = trainer.trainer.attach
      ? await trainer.trainer.attach(inFlight.jobId)
      : { id: inFlight.jobId, provider: trainer.trainer.provider };
    await trainer.trainer.cancel(job);
    const lora = await import('@model-studio/lora-trainer');
    const request = await readJson<SavedTrainingRequest>(
      cli.workspace.storage,
      lora.trainingRequestKey(model, version),
    );
    // Reattaches the cancelled job: its final cost goes to the ledger and the journal records the stop.
    const settled = await trainAndRecord(
      context,
      cli.studio,
      cli.workspace.storage,
      trainer,
      model,
      {
        dataset: request?.dataset ?? version,
        config: request?.config ?? {},
        family: request?.family ?? 'flux',
        ...(request?.engine && { engine: request.engine }),
        version,
      },
      () => {},
    ).catch((error: Error) => error);
    const message = settled instanceof Error ? settled.message : 'the job had already completed';
    context.out.result({ model, stageId, jobId: job.id, cancelled: true, message }, () =>
      context.out.line(`Cancelled job ${job.id} of ${stageId}; ${message}`),
    );
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}

/**
 * `studio train sweep <model>`: terminates our pods (named `model-studio-<model>-<version>`) whose training the journal
 * does not show in flight: pods left behind by a crash before their id was journaled, or by a broken self-delete.
 */
export async function trainSweepCommand(
  context: CliContext,
  model: string,
  options: TrainCommandOptions,
): Promise<number> {
  const lora = await import('@model-studio/lora-trainer');
  const { cli, trainer } = await openTrainingStudio(context, options);
  try {
    const runpod = trainer.trainer as InstanceType<typeof lora.RunpodTrainer>;
    if (!(runpod instanceof lora.RunpodTrainer))
      throw new UsageError('`train sweep` is for RunPod pods (not --local).');
    const status = await cli.studio.status(model);
    const inFlight = new Set(status.inFlight.map((entry) => entry.jobId));
    const swept = await lora.sweepOrphanPods({
      client: runpod.client,
      namePrefix: `model-studio-${model}-`,
      runState: (_runId, podId) => (inFlight.has(podId) ? 'running' : 'finished'),
      signal: context.signal,
    });
    context.out.result({ model, swept }, () => {
      if (swept.length === 0) context.out.line(`No pod of "${model}" is left on ${trainer.label}.`);
      for (const pod of swept) {
        context.out.line(
          `${pod.podId} ${pod.name} ${pod.status}: ${pod.terminated ? 'terminated' : 'kept (its training is in flight)'}`,
        );
      }
    });
    return exitCodes.ok;
  } finally {
    await cli.close();
  }
}
